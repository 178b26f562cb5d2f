using System.IO.Compression;
using System.Text;

namespace SourceSearch.Tests.Import;

/// <summary>
/// Hostile .docx files. <see cref="Docx"/>: a zip bomb, built without ever holding or inflating its content: a real package
/// ([Content_Types].xml, relationships) whose word/document.xml is one paragraph whose text is
/// <c>expandedBytes</c> of 'A' — valid XML all the way, so only a size limit can stop a reader.
/// The deflate data is one compressed megabyte repeated (each copy refers only to itself), so a
/// 2 GB document is a file of about 2 MB, written in well under a second.
/// </summary>
public static class ZipBomb
{
    // The main document's part name is a parameter: the content-type override, not its extension, makes it XML.
    private static string ContentTypes(string part) => $"""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
        """;

    private static string Rels(string part) => $"""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{part}"/></Relationships>
        """;

    private const string DocumentStart = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>""";
    private const string DocumentEnd = "</w:t></w:r></w:p></w:body></w:document>";

    /// <param name="expandedBytes">How large document.xml is once inflated (a multiple of 1 MB, below 4 GB).</param>
    /// <param name="declareSize">True: the zip states the real size; false: it lies and states a small one.</param>
    /// <param name="part">The main document's part name (any name: the content types say it is XML).</param>
    public static byte[] Docx(long expandedBytes, bool declareSize = true, string part = "word/document.xml")
    {
        const int chunk = 1 << 20;
        long repeats = expandedBytes / chunk;
        byte[] start = Encoding.UTF8.GetBytes(DocumentStart), end = Encoding.UTF8.GetBytes(DocumentEnd);
        byte[] head = Deflate(start, final: false), body = Deflate(Enumerable.Repeat((byte)'A', chunk).ToArray(), final: false), tail = Deflate(end, final: true);
        long size = start.Length + repeats * chunk + end.Length;

        using var zip = new MemoryStream();
        var entries = new List<(string Name, long Offset, uint Crc, long Compressed, long Size)>();
        void Entry(string name, IEnumerable<byte[]> deflated, long compressed, long expanded, uint crc)
        {
            long offset = zip.Position;
            WriteHeader(zip, local: true, name, crc, compressed, expanded, 0);
            foreach (var part in deflated) zip.Write(part);
            entries.Add((name, offset, crc, compressed, expanded));
        }
        void Small(string name, string text)
        {
            byte[] raw = Encoding.UTF8.GetBytes(text);
            byte[] deflated = Deflate(raw, final: true);
            Entry(name, [deflated], deflated.Length, raw.Length, Crc32(raw));
        }
        Small("[Content_Types].xml", ContentTypes(part));
        Small("_rels/.rels", Rels(part));
        // The CRC is not the content's: a reader that checks it has already read everything, which is what must not happen.
        Entry(part, [head, .. Enumerable.Repeat(body, (int)repeats), tail],
            head.Length + repeats * body.Length + tail.Length, declareSize ? size : 1000, 0);

        long directory = zip.Position;
        foreach (var e in entries) WriteHeader(zip, local: false, e.Name, e.Crc, e.Compressed, e.Size, e.Offset);
        long directoryLength = zip.Position - directory;
        var w = new BinaryWriter(zip);
        w.Write(0x06054b50u); w.Write((ushort)0); w.Write((ushort)0);
        w.Write((ushort)entries.Count); w.Write((ushort)entries.Count);
        w.Write((uint)directoryLength); w.Write((uint)directory); w.Write((ushort)0);
        return zip.ToArray();
    }

    /// <summary>A .docx whose paragraph lies <paramref name="pairs"/> content controls deep (two elements each).</summary>
    public static byte[] DeepDocx(int pairs, string part = "word/document.xml")
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, string text)
            {
                using var w = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                w.Write(text);
            }
            Add("[Content_Types].xml", ContentTypes(part));
            Add("_rels/.rels", Rels(part));
            Add(part, DocumentStart + "开头" + "</w:t></w:r></w:p>" +
                string.Concat(Enumerable.Repeat("<w:sdt><w:sdtContent>", pairs)) + "<w:p><w:r><w:t>深处" +
                "</w:t></w:r></w:p>" + string.Concat(Enumerable.Repeat("</w:sdtContent></w:sdt>", pairs)) + "</w:body></w:document>");
        }
        return ms.ToArray();
    }

    private static void WriteHeader(Stream s, bool local, string name, uint crc, long compressed, long size, long offset)
    {
        var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
        byte[] n = Encoding.UTF8.GetBytes(name);
        w.Write(local ? 0x04034b50u : 0x02014b50u);
        if (!local) w.Write((ushort)20);          // made by
        w.Write((ushort)20); w.Write((ushort)0);  // needed, flags
        w.Write((ushort)8);                       // deflate
        w.Write((ushort)0); w.Write((ushort)0x21); // time, date
        w.Write(crc); w.Write((uint)compressed); w.Write((uint)size);
        w.Write((ushort)n.Length); w.Write((ushort)0);
        if (!local)
        {
            w.Write((ushort)0); w.Write((ushort)0); w.Write((ushort)0); w.Write(0u); // comment, disk, attributes
            w.Write((uint)offset);
        }
        w.Write(n);
    }

    // Raw deflate; not final: ends with a sync flush, so another stream's blocks can follow.
    private static byte[] Deflate(byte[] data, bool final)
    {
        var ms = new MemoryStream();
        using (var deflate = new DeflateStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(data);
            if (!final)
            {
                deflate.Flush();
                return ms.ToArray(); // before Dispose adds the final block
            }
        }
        return ms.ToArray();
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
