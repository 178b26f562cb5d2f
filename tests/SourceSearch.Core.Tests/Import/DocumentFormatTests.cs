using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using SourceSearch.Import;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace SourceSearch.Tests.Import;

/// <summary>Markdown, HTML, Word and PDF files, each made by the test.</summary>
public sealed class DocumentFormatTests : IDisposable
{
    private readonly ImportFolder folder = new();

    public void Dispose() => folder.Dispose();

    // ---- Markdown ----

    [Fact]
    public async Task Markdown_front_matter_gives_metadata_and_is_not_text()
    {
        const string body = "\n# 標題不是這個\n\n  正文第一段。\r\n第二段。\n";
        string md = "---\ntitle: \"人工智能的未來\"\nauthor: 白嘉嘉\ndate: 2024-05-01\nsource: 財經無忌\nurl: https://example.com/ai\ntags: [ignored]\n---\n" + body;
        var article = await ImportFolder.ReadOneAsync(folder.Write("ai.md", md));
        Assert.Equal(new Article("ai", "人工智能的未來", body, "白嘉嘉", "2024-05-01", "財經無忌", "https://example.com/ai"), article);
    }

    [Fact]
    public async Task Markdown_title_is_the_first_heading()
    {
        const string md = "前言一句。\n\n## 小節\n\n#  第一章 開始 #\n\n正文";
        var article = await ImportFolder.ReadOneAsync(folder.Write("ch1.md", md));
        Assert.Equal("第一章 開始", article.Title);
        Assert.Equal(md, article.Text);
    }

    [Fact]
    public async Task Markdown_without_a_closing_front_matter_line_is_all_text()
    {
        const string md = "---\ntitle: x\n沒有結束線";
        var article = await ImportFolder.ReadOneAsync(folder.Write("open.md", md));
        Assert.Equal(md, article.Text);
        Assert.Equal("---", article.Title);
    }

    // ---- HTML ----

    [Fact]
    public async Task Html_body_text_without_page_furniture()
    {
        const string html = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>新聞 &amp; 評論</title>
            <style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
            <body>
              <header><h1>網站名稱</h1></header>
              <nav><a href="/">首頁</a> | <a href="/news">新聞</a></nav>
              <article>
                <h1>人工智能   的
                  發展</h1>
                <p>第一段，有&nbsp;不換行空格、&lt;尖括號&gt;和&#x4E2D;&#25991;實體。</p>
                <p>第二段<b>粗體</b>與<i> 斜體 </i>相連。<br>換行之後。</p>
                <noscript>請啟用 JavaScript</noscript><template><p>模板</p></template>
                <ul><li>項目一</li><li>項目二</li></ul>
                <!-- a comment -->
                <svg><title>圖示</title><text>SVG 文字</text></svg>
                <iframe src="x"></iframe>
              </article>
              <aside>廣告</aside>
              <footer>版權所有</footer>
              <script>document.write("x")</script>
            </body></html>
            """;
        var article = await ImportFolder.ReadOneAsync(folder.Write("news.html", html));
        Assert.Equal("新聞 & 評論", article.Title);
        Assert.Equal("人工智能 的 發展\n第一段，有\u00A0不換行空格、<尖括號>和中文實體。\n第二段粗體與 斜體 相連。\n換行之後。\n項目一\n項目二", article.Text);
    }

    [Fact]
    public async Task Html_title_falls_back_to_the_first_h1_and_encodings_are_detected()
    {
        const string html = "<html><body><div><h1>臺灣 <em>新聞</em></h1><p>正文內容。</p></div></body></html>";
        var article = await ImportFolder.ReadOneAsync(folder.Write("big5.htm", html, ImportFolder.Legacy("big5")));
        Assert.Equal("臺灣 新聞", article.Title);
        Assert.Equal("臺灣 新聞\n正文內容。", article.Text);
    }

    [Fact]
    public async Task Html_without_text_is_a_failure() =>
        Assert.Contains("nothing to search", await ImportFolder.FailureAsync(folder.Write("empty.html", "<html><body><nav>menu</nav></body></html>")));

    // ---- Word ----

    [Fact]
    public async Task Docx_paragraphs_separated_by_line_breaks()
    {
        string path = folder.PathOf("report.docx");
        using (var doc = WordprocessingDocument.Create(path, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.Document = new W.Document(new W.Body(
                Paragraph("年度報告"),
                Paragraph(),
                new W.Paragraph(new W.Run(new W.Text("第一段：") { Space = DocumentFormat.OpenXml.SpaceProcessingModeValues.Preserve }),
                    new W.Run(new W.Text("人工智能"), new W.TabChar(), new W.Text("發展"))),
                new W.Table(new W.TableRow(new W.TableCell(Paragraph("表格內容")))),
                Paragraph("最後一段。")));
            main.Document.Save();
        }

        var article = await ImportFolder.ReadOneAsync(path);
        Assert.Equal("report", article.Id);
        Assert.Equal("年度報告", article.Title);
        Assert.Equal("年度報告\n\n第一段：人工智能\t發展\n表格內容\n最後一段。", article.Text);
    }

    private static W.Paragraph Paragraph(string? text = null) => text is null ? new W.Paragraph() : new W.Paragraph(new W.Run(new W.Text(text)));

    [Fact]
    public async Task A_corrupt_docx_is_a_failure()
    {
        Assert.Contains("not a valid .docx", await ImportFolder.FailureAsync(folder.Write("corrupt.docx", "這不是 zip"u8.ToArray())));

        string zip = folder.PathOf("plain-zip.docx");   // a real zip, but not a Word document
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        using (var writer = new StreamWriter(archive.CreateEntry("hello.txt").Open())) writer.Write("hello");
        Assert.Contains("not a valid .docx", await ImportFolder.FailureAsync(zip));

        byte[] truncated = File.ReadAllBytes(zip)[..20];
        Assert.Contains("not a valid .docx", await ImportFolder.FailureAsync(folder.Write("truncated.docx", truncated)));
    }

    // ---- PDF (needs poppler-utils' pdftotext) ----

    [Fact]
    public async Task Pdf_text_with_page_breaks_as_line_breaks()
    {
        string path = folder.Write("paper.pdf", TestPdf.Create([["Searching Chinese Texts", "Page one (with parentheses)."], ["Page two."]]));
        var article = await ImportFolder.ReadOneAsync(path);
        Assert.Equal("paper", article.Id);
        Assert.Equal("Searching Chinese Texts", article.Title);
        Assert.DoesNotContain('\f', article.Text);
        Assert.Matches(@"^Searching Chinese Texts\n+Page one \(with parentheses\)\.\n+Page two\.\n+$", article.Text);
    }

    [Fact]
    public async Task A_pdf_without_text_is_a_failure() =>
        Assert.Contains("no text layer", await ImportFolder.FailureAsync(folder.Write("scan.pdf", TestPdf.Create([[]]))));

    [Fact]
    public async Task A_corrupt_pdf_is_a_failure() =>
        Assert.Contains("pdftotext could not read it", await ImportFolder.FailureAsync(folder.Write("bad.pdf", "%PDF-1.4\nnot really"u8.ToArray())));

    [Fact]
    public async Task Without_pdftotext_the_failure_says_what_to_install()
    {
        string path = folder.Write("paper.pdf", TestPdf.Create([["Text"]]));
        var result = Assert.Single(await ImportFolder.ReadAsync(new ArticleReader { PdfToText = folder.PathOf("no-such-pdftotext") }, path));
        Assert.Contains("install poppler-utils (apt-get install poppler-utils)", result.Failure!.Reason);
    }
}

/// <summary>Writes a minimal valid PDF (Helvetica text, one page per array of lines, none for an empty page), byte offsets computed here.</summary>
internal static class TestPdf
{
    public static byte[] Create(IReadOnlyList<string[]> pages)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            $"<< /Type /Pages /Kids [{string.Join(" ", pages.Select((_, i) => $"{4 + 2 * i} 0 R"))}] /Count {pages.Count} >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        foreach (var lines in pages)
        {
            string content = lines.Length == 0 ? "" :
                "BT /F1 14 Tf 72 720 Td 18 TL " + string.Concat(lines.Select(l => $"({Escape(l)}) ' ")) + "ET";
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {objects.Count + 2} 0 R >>");
            objects.Add($"<< /Length {content.Length} >>\nstream\n{content}\nendstream");
        }

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (int i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);   // ASCII only, so characters are bytes
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        int xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (int offset in offsets) pdf.Append($"{offset:D10} 00000 n \n");
        pdf.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)");
}
