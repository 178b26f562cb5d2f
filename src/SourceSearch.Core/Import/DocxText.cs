using System.Text;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace SourceSearch.Import;

/// <summary>.docx: the text of the main document's paragraphs (tables included), one paragraph a line.</summary>
internal static class DocxText
{
    public static string Read(string path)
    {
        try
        {
            using var doc = WordprocessingDocument.Open(path, isEditable: false);
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
