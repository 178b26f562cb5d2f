using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace SourceSearch.Import;

/// <summary>.docx: the text of the main document's paragraphs (tables included), one paragraph a line.</summary>
internal static class DocxText
{
    /// <summary>
    /// The most XML a .docx may expand to. A .docx is a zip, and a tiny zip can expand to gigabytes (a zip
    /// bomb); the XML parts are inflated and counted first, as a stream, so such a file costs at most this much
    /// reading and no memory, before the package reader (which holds the document in memory) sees it.
    /// </summary>
    public const long MaxXmlBytes = 64L * 1024 * 1024;

    /// <summary>More parts than any real document has: the package reader lists them all.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>
    /// Deeper XML is refused: the document model is built recursively, and a few hundred thousand nested
    /// elements would overflow the stack and end the process (real documents nest a few dozen deep).
    /// </summary>
    public const int MaxNesting = 256;

    public static string Read(string path)
    {
        try
        {
            CheckSize(path);
            var settings = new OpenSettings { MaxCharactersInPart = MaxXmlBytes };
            using var doc = WordprocessingDocument.Open(path, isEditable: false, settings);
            var body = doc.MainDocumentPart?.Document?.Body ?? throw new ReadException("not a valid .docx file (it has no document body)");
            return string.Join("\n", body.Descendants<W.Paragraph>().Select(TextOf));
        }
        catch (Exception e) when (e is not ReadException and not OperationCanceledException)
        {
            // The package and XML layers throw many kinds (FileFormatException, InvalidDataException,
            // OpenXmlPackageException, XmlException ...): all mean the same here.
            throw new ReadException($"not a valid .docx file ({e.Message})");
        }
    }

    // Every part that is XML is inflated through a counter and a streaming reader (no document model, no
    // DTDs): the bytes actually inflated are counted, not the declared sizes. Which parts are XML is told by
    // their first bytes, not their names: a content-type override can make "word/document.bin" the main
    // document. Parts that are not XML (images, media) are never read beyond those bytes.
    private static void CheckSize(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        if (zip.Entries.Count > MaxEntries) throw new ReadException($"not a usable .docx file: it holds {zip.Entries.Count:N0} parts, more than {MaxEntries:N0}");
        long total = 0;
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true };
        foreach (var entry in zip.Entries)
        {
            if (!LooksLikeXml(entry)) continue;
            if (total + entry.Length > MaxXmlBytes) throw TooLarge(entry.Length);
            using var counted = new CountingStream(entry.Open(), MaxXmlBytes - total);
            try
            {
                using var xml = XmlReader.Create(counted, settings);
                while (xml.Read())
                    if (xml.Depth > MaxNesting)
                        throw new ReadException($"refused: {entry.FullName} nests elements more than {MaxNesting} deep — no real document does; save its text as .txt to import it");
            }
            catch (XmlException)
            {
                // Not well-formed: the package reader refuses it if it needs this part, before anything deep.
            }
            total += counted.Count;
        }
    }

    private static bool LooksLikeXml(ZipArchiveEntry entry)
    {
        if (entry.FullName.EndsWith('/')) return false; // a folder
        Span<byte> head = stackalloc byte[4];
        using var stream = entry.Open();
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        // A byte-order mark (UTF-8, UTF-16), '<' after optional blanks, or '<' as UTF-16 without a mark.
        if (head.StartsWith((byte[])[0xEF, 0xBB, 0xBF]) || head.StartsWith((byte[])[0xFE, 0xFF]) || head.StartsWith((byte[])[0xFF, 0xFE])) return true;
        if (head.StartsWith((byte[])[0, (byte)'<']) || head.StartsWith((byte[])[(byte)'<', 0])) return true;
        foreach (byte b in head)
        {
            if (b == '<') return true;
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        }
        return n == head.Length && n > 0; // four blanks: read on, it may be XML after them
    }

    /// <summary>Counts what is read through it and refuses to read past a limit (a zip bomb).</summary>
    private sealed class CountingStream(Stream inner, long limit) : Stream
    {
        public long Count { get; private set; }
        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));
        private int Counted(int n)
        {
            if ((Count += n) > limit) throw TooLarge(null);
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private static ReadException TooLarge(long? declared) => new(
        $"refused: the .docx expands to more than {MaxXmlBytes >> 20} MB of XML{(declared is { } d ? $" (one part alone declares {d:N0} bytes)" : "")} — " +
        "a compressed-file bomb, or a document too large to import; save its text as .txt to import it");

    // Only the paragraph's own runs: a text box's paragraphs inside it are paragraphs of their own.
    private static string TextOf(W.Paragraph paragraph)
    {
        var text = new StringBuilder();
        foreach (var e in paragraph.Descendants())
        {
            if (e is not (W.Text or W.TabChar or W.Break or W.CarriageReturn) || e.Ancestors<W.Paragraph>().First() != paragraph) continue;
            text.Append(e switch { W.Text t => t.Text, W.TabChar => "\t", _ => "\n" });
        }
        return text.ToString();
    }
}
