namespace SourceSearch.Import;

/// <summary>
/// The lines of a stream as raw bytes (without the '\n'), so that each .jsonl line is checked on its
/// own: invalid UTF-8 in one line fails that line only. A line stays valid until the next call.
/// </summary>
internal sealed class LineReader(Stream stream) : IDisposable
{
    private byte[] buffer = new byte[1 << 16];
    private int start, end, searched;   // buffer[start..end) unread; no '\n' in buffer[start..searched)
    private bool atEnd;

    public async ValueTask<ReadOnlyMemory<byte>?> NextAsync(CancellationToken cancel)
    {
        while (true)
        {
            int newline = buffer.AsSpan(searched, end - searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = buffer.AsMemory(start, searched + newline - start);
                start = searched = searched + newline + 1;
                return line;
            }
            searched = end;
            if (atEnd)
            {
                if (start == end) return null;
                var last = buffer.AsMemory(start, end - start);
                start = end;
                return last;
            }
            if (start > 0)   // keep the partial line at the front, then make room
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                (end, searched, start) = (end - start, searched - start, 0);
            }
            if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            int read = await stream.ReadAsync(buffer.AsMemory(end), cancel);
            if (read == 0) atEnd = true;
            end += read;
        }
    }

    public void Dispose() => stream.Dispose();
}
