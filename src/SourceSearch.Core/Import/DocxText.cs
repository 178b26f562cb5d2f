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

    // Only the XML parts are inflated (images and other media are never read); the declared sizes are
    // not trusted, the bytes actually inflated are counted.
    private static void CheckSize(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        if (zip.Entries.Count > MaxEntries) throw new ReadException($"not a usable .docx file: it holds {zip.Entries.Count:N0} parts, more than {MaxEntries:N0}");
        long total = 0;
        var buffer = new byte[81920];
        var xmlParts = zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || e.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var entry in xmlParts)
        {
            if (total + entry.Length > MaxXmlBytes) throw TooLarge(entry.Length);
            using var stream = entry.Open();
            int n;
            while ((n = stream.Read(buffer)) > 0)
                if ((total += n) > MaxXmlBytes) throw TooLarge(null);
        }
        // Within the size limit: now the nesting, streamed (no document model, no DTDs).
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        foreach (var entry in xmlParts)
        {
            using var xml = XmlReader.Create(entry.Open(), settings);
            while (xml.Read())
                if (xml.Depth > MaxNesting)
                    throw new ReadException($"refused: {entry.FullName} nests elements more than {MaxNesting} deep — no real document does; save its text as .txt to import it");
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
