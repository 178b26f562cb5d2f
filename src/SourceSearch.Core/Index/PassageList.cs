namespace SourceSearch.Index;

/// <summary>
/// An article's passages as one small BLOB in its row: for each passage the gap since the previous one's
/// end and its length, as 7-bit varints (a short article's single passage takes two or three bytes). A
/// table with a row and an index entry per passage cost two b-tree inserts per article and 10 MB per
/// 345k articles.
/// </summary>
internal static class PassageList
{
    public static byte[] Encode(IReadOnlyList<Passage> passages)
    {
        var buffer = new byte[passages.Count * 10];
        int at = 0, end = 0;
        foreach (var p in passages)
        {
            if (p.Start < end || p.End < p.Start) throw new ArgumentException("passages must be in order and not overlap", nameof(passages));
            at = Write(buffer, at, p.Start - end);
            at = Write(buffer, at, p.End - p.Start);
            end = p.End;
        }
        return buffer[..at];
    }

    /// <summary>The passages, or null when the bytes are not a passage list for a text of <paramref name="textLength"/> units.</summary>
    public static List<Passage>? Decode(ReadOnlySpan<byte> bytes, int textLength)
    {
        var result = new List<Passage>();
        int at = 0;
        long end = 0;
        while (at < bytes.Length)
        {
            if (!Read(bytes, ref at, out long gap) || !Read(bytes, ref at, out long length)) return null;
            long start = end + gap;
            end = start + length;
            if (end > textLength) return null;
            result.Add(new Passage((int)start, (int)end));
        }
        return result.Count == 0 ? null : result;
    }

    private static int Write(byte[] buffer, int at, int value)
    {
        uint v = (uint)value;
        while (v >= 0x80)
        {
            buffer[at++] = (byte)(v | 0x80);
            v >>= 7;
        }
        buffer[at++] = (byte)v;
        return at;
    }

    private static bool Read(ReadOnlySpan<byte> bytes, ref int at, out long value)
    {
        value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (at >= bytes.Length) return false;
            byte b = bytes[at++];
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }
}
