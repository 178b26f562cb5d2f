using System.Diagnostics;
using System.IO.Compression;
using SourceSearch.Import;

namespace SourceSearch.Tests.Import;

/// <summary>Files made to hurt the importer: zip bombs as .docx, binary files under text names.</summary>
public sealed class HostileFileTests : IDisposable
{
    private readonly ImportFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_small_bomb_below_the_limit_reads_as_a_document()
    {
        // The same construction, small: it is the size that is refused, not the shape.
        string path = folder.Write("small.docx", ZipBomb.Docx(2 << 20));
        var article = await ImportFolder.ReadOneAsync(path);
        Assert.Equal(2 << 20, article.Text.Length);
        Assert.All(article.Text, c => Assert.Equal('A', c));
    }

    public static TheoryData<string, byte[]> Disguised()
    {
        var random = new Random(5);
        byte[] noise = new byte[64 * 1024];
        random.NextBytes(noise);
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. noise[..4096]];
        byte[] elf = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, .. noise[..4096]];
        byte[] zip = ZipBomb.Docx(1 << 20);
        return new()
        {
            { "noise.docx", noise }, { "image.docx", png }, { "program.docx", elf },
            { "noise.html", noise }, { "image.html", png }, { "archive.html", zip },
            { "noise.pdf", noise }, { "program.pdf", elf },
            { "noise.txt", noise }, { "image.md", png }, { "archive.json", zip }, { "program.jsonl", elf },
        };
    }

    [Theory]
    [MemberData(nameof(Disguised))]
    public async Task A_binary_file_under_a_document_name_is_refused_with_a_reason(string name, byte[] bytes)
    {
        string path = folder.Write(name, bytes);
        var results = await ImportFolder.ReadAsync(path).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.NotEmpty(results);
        Assert.All(results, r =>
        {
            Assert.Null(r.Article);
            Assert.False(string.IsNullOrWhiteSpace(r.Failure!.Reason));
        });
    }

    [Fact]
    public async Task Deeply_nested_html_is_refused_without_exhausting_the_stack()
    {
        // 200,000 unclosed elements: parsing or walking them recursively would overflow the stack and end the process.
        string html = "<html><body>" + string.Concat(Enumerable.Repeat("<div><span>", 100_000)) + "深处的文字</body></html>";
        string reason = await Task.Run(() => ImportFolder.FailureAsync(folder.Write("deep.html", html))).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Contains("nested", reason);
    }

    [Fact]
    public async Task Html_nested_just_under_the_limit_is_read_on_a_small_stack()
    {
        int pairs = (HtmlText.MaxNesting - 10) / 2;
        string html = "<html><head><title>深的标题</title></head><body><h1>不是标题</h1>" + string.Concat(Enumerable.Repeat("<div><span>", pairs)) + "深处的文字</body></html>";
        string path = folder.Write("deep-ok.html", html);
        Article? article = null;
        Exception? failure = null;
        // A small stack (256 KB, a sixth of a thread-pool thread's): the reading must not need one frame per level.
        var thread = new Thread(() =>
        {
            try { article = ImportFolder.ReadOneAsync(path).GetAwaiter().GetResult(); }
            catch (Exception e) { failure = e; }
        }, 256 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(2)));
        Assert.Null(failure);
        Assert.Equal("深的标题", article!.Title);
        Assert.Equal("不是标题\n深处的文字", article.Text);
    }

    // The main document may have any part name (a content-type override makes it XML): "word/document.bin"
    // escaped a check that looked only at .xml and .rels parts, and ended the process.
    [Theory]
    [InlineData("word/document.xml")]
    [InlineData("word/document.bin")]
    [InlineData("word/media/image1.png")]
    public async Task A_docx_nested_too_deep_is_refused_and_one_just_under_the_limit_read_on_a_small_stack(string part)
    {
        // 100,000 nested content controls: the document model recursed per level and overflowed the stack.
        string deep = folder.Write("deep.docx", ZipBomb.DeepDocx(100_000, part));
        Assert.Contains("nests elements more than", await Task.Run(() => ImportFolder.FailureAsync(deep)).WaitAsync(TimeSpan.FromMinutes(2)));

        string ok = folder.Write("deep-ok.docx", ZipBomb.DeepDocx((DocxText.MaxNesting - 10) / 2, part));
        Article? article = null;
        Exception? failure = null;
        // A third of a thread-pool thread's stack.
        var thread = new Thread(() =>
        {
            try { article = ImportFolder.ReadOneAsync(ok).GetAwaiter().GetResult(); }
            catch (Exception e) { failure = e; }
        }, 512 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(2)));
        Assert.Null(failure);
        Assert.Equal("开头\n深处", article!.Text);
    }
}

/// <summary>
/// Hostile files whose memory use is measured: the allocation counter is process-wide, so these run alone,
/// after the parallel tests.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class HostileFileMemoryTests : IDisposable
{
    private readonly ImportFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static async Task<(string Reason, long AllocatedBytes)> RefusalAsync(string path)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        // A hang guard, not a speed test: inflating the whole bomb would take far longer and run out of memory first.
        string reason = await ImportFolder.FailureAsync(path).WaitAsync(TimeSpan.FromMinutes(2));
        return (reason, GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    [Theory]
    [InlineData(true, "word/document.xml")]
    [InlineData(false, "word/document.xml")]
    [InlineData(true, "word/document.bin")]
    public async Task A_docx_zip_bomb_is_refused_with_bounded_memory(bool declaresItsSize, string part)
    {
        const long expanded = 2L << 30; // 2 GB of XML
        byte[] bomb = ZipBomb.Docx(expanded, declaresItsSize, part);
        Assert.InRange(bomb.Length, 1, 8 << 20);
        string path = folder.Write("report.docx", bomb);

        // The bomb is real: its document part inflates past the limit (counted, not kept) — unless it
        // understates its size, which .NET's zip reader holds it to (so it reads as a broken document).
        long read = 0;
        using (var zip = ZipFile.OpenRead(path))
        using (var stream = zip.GetEntry(part)!.Open())
        {
            var buffer = new byte[1 << 16];
            int n;
            while (read <= DocxText.MaxXmlBytes && (n = stream.Read(buffer)) > 0) read += n;
        }
        Assert.True(declaresItsSize ? read > DocxText.MaxXmlBytes : read == 1000, $"read {read:N0} bytes");

        var (reason, allocated) = await RefusalAsync(path);
        if (declaresItsSize)
        {
            Assert.Contains("bomb", reason);
            Assert.Contains($"{DocxText.MaxXmlBytes >> 20} MB", reason);
        }
        else Assert.Contains("not a valid .docx", reason);
        // Reading the 2 GB part into memory would allocate at least 4 GB (UTF-16); the check inflates into one small buffer.
        Assert.True(allocated < 512L << 20, $"allocated {allocated:N0} bytes while refusing the bomb");
    }

    /// <summary>Imports a PDF through a stand-in for pdftotext (the shell script given): why it failed, and what was allocated meanwhile.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private async Task<(string Reason, long AllocatedBytes)> ReadWithConverterAsync(string script)
    {
        string program = folder.Write("fake-pdftotext", script);
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        string pdf = folder.Write("hostile.pdf", "%PDF-1.4\n"u8.ToArray());
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var result = Assert.Single(await ImportFolder.ReadAsync(new ArticleReader { PdfToText = program }, pdf).WaitAsync(TimeSpan.FromMinutes(2)));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        return (Assert.IsType<string>(result.Failure?.Reason), allocated);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_pdf_whose_text_never_ends_is_refused_and_the_converter_stopped()
    {
        // A stand-in for pdftotext that prints text without end, as it would for a PDF bomb.
        var (reason, allocated) = await ReadWithConverterAsync("#!/bin/sh\nexec yes 很长很长的一行文字\n");
        Assert.Contains("bomb", reason);
        Assert.True(allocated < 1L << 30, "the text was read far past the limit");
        // The converter was stopped, not left writing into a pipe nobody reads.
        await Task.Delay(200);
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcessesByName("yes"), p =>
        {
            try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Contains("很长很长的一行文字"); }
            catch (IOException) { return false; }
        });
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_converter_whose_error_output_is_huge_is_reported_by_its_first_line_with_bounded_memory()
    {
        // 300 MB on stderr, then a failure: the error output used to be read whole into memory.
        var (reason, allocated) = await ReadWithConverterAsync(
            "#!/bin/sh\necho 'Syntax Error: broken xref' >&2\nyes 'Syntax Warning: more noise' | head -c 300000000 >&2\nexit 3\n");
        Assert.Contains("exit 3", reason);
        Assert.Contains("Syntax Error: broken xref", reason);
        Assert.DoesNotContain("more noise", reason);
        // Keeping it all would take 600 MB of UTF-16 and more in copies; draining reuses one small buffer.
        Assert.True(allocated < 100L << 20, $"allocated {allocated:N0} bytes");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
