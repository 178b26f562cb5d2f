using SourceSearch.Import;

namespace SourceSearch.Tests.Import;

/// <summary>Folders and files into articles: ids, order, what is skipped, sidecar metadata, failures that never stop the rest.</summary>
public sealed class ArticleReaderTests : IDisposable
{
    private readonly ImportFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task The_seed_corpus_reads_as_its_five_articles()
    {
        var results = await ImportFolder.ReadAsync(TestPaths.Corpus);
        Assert.All(results, r => Assert.Null(r.Failure));   // userdict.txt and metadata.json are not articles
        var articles = results.Select(r => r.Article!).ToList();
        Assert.Equal(5, articles.Count);
        Assert.Equal(TestPaths.SeedArticles.Select(Path.GetFileNameWithoutExtension), articles.Select(a => a.Id));
        foreach (var (article, file) in articles.Zip(TestPaths.SeedArticles))
        {
            Assert.Equal(File.ReadAllText(file), article.Text);
            Assert.NotEqual("", article.Title); // from corpus/metadata.json
        }
        Assert.Equal("推动苏州人工智能产业发展的对策建议", articles[4].Title);
        Assert.Equal("2024-10-15", articles[4].Date);
        Assert.Equal("现代快报", articles[3].Source);
    }

    [Fact]
    public async Task Folders_are_walked_recursively_in_ordinal_order_with_ids_relative_to_the_folder()
    {
        folder.Write("docs/b.txt", "乙");
        folder.Write("docs/a.md", "# 甲\n");
        folder.Write("docs/sub/deeper/c d.html", "<p>丙</p>");
        folder.Write("docs/Z.txt", "丁");
        folder.Write("docs/notes.rtf", "skipped");            // unsupported: skipped silently
        folder.Write("docs/image.png", [0x89, 0x50]);
        folder.Write("docs/userdict.txt", "思必驰");           // the user dictionary is not an article
        folder.Write("docs/.hidden/e.txt", "hidden");
        folder.Write("docs/.f.txt", "hidden");

        var results = await ImportFolder.ReadAsync(folder.PathOf("docs"));
        Assert.All(results, r => Assert.Null(r.Failure));
        Assert.Equal(["Z", "a", "b", "sub/deeper/c d"], results.Select(r => r.Article!.Id));
        Assert.Equal(["丁", "# 甲\n", "乙", "丙"], results.Select(r => r.Article!.Text));
    }

    [Fact]
    public async Task A_file_given_directly_has_its_name_as_id()
    {
        var article = await ImportFolder.ReadOneAsync(folder.Write("sub/新聞 2024.v2.txt", "內容"));
        Assert.Equal("新聞 2024.v2", article.Id);
    }

    [Fact]
    public async Task Paths_that_fail_do_not_stop_the_others()
    {
        string missing = folder.PathOf("missing.txt");
        string unsupported = folder.Write("report.rtf", "{\\rtf1}");
        string dictionary = folder.Write("userdict.txt", "思必驰");
        string good = folder.Write("good.txt", "好的");

        var results = await ImportFolder.ReadAsync(missing, unsupported, dictionary, good, folder.PathOf("no-such-folder"));
        Assert.Equal(5, results.Count);
        Assert.Equal(missing, results[0].Failure!.Path);
        Assert.Contains("no such file or folder", results[0].Failure!.Reason);
        Assert.Contains("unsupported file type '.rtf'", results[1].Failure!.Reason);
        Assert.Contains("not an article", results[2].Failure!.Reason);
        Assert.Equal("good", results[3].Article!.Id);
        Assert.Contains("no such file or folder", results[4].Failure!.Reason);
    }

    [Fact]
    public void Supported_extensions_are_the_import_formats()
    {
        Assert.Equal([".docx", ".htm", ".html", ".json", ".jsonl", ".md", ".pdf", ".txt"], ArticleReader.SupportedExtensions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Metadata_json_gives_metadata_for_the_files_of_its_folder()
    {
        folder.Write("news/a.txt", "第一行\n正文");
        folder.Write("news/b.md", "---\ntitle: 前言標題\nauthor: 甲\n---\n正文");
        folder.Write("news/c.txt", "沒有元數據");
        folder.Write("news/metadata.json", """
            {
              "a.txt": {"title": "真正的標題", "author": "白嘉嘉", "date": "2024-05-01", "source": "財經無忌", "url": "https://example.com/a"},
              "b.md": {"author": "乙", "date": null, "extra": 1},
              "gone.txt": {"title": "no such file"}
            }
            """);

        var articles = (await ImportFolder.ReadAsync(folder.PathOf("news"))).Select(r => r.Article!).ToList();
        Assert.Equal(3, articles.Count);
        Assert.Equal(new Article("a", "真正的標題", "第一行\n正文", "白嘉嘉", "2024-05-01", "財經無忌", "https://example.com/a"), articles[0]);
        Assert.Equal(new Article("b", "前言標題", "正文", "乙"), articles[1]);
        Assert.Equal(new Article("c", "沒有元數據", "沒有元數據"), articles[2]);

        // A file given directly gets the metadata of the folder it is in.
        Assert.Equal("真正的標題", (await ImportFolder.ReadOneAsync(folder.PathOf("news/a.txt"))).Title);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"a.txt": {"title": 5}}""")]
    [InlineData("""["a.txt"]""")]
    public async Task A_malformed_metadata_json_is_a_failure_and_the_articles_come_without_it(string metadata)
    {
        folder.Write("news/a.txt", "第一行\n正文");
        folder.Write("news/b.txt", "第二篇");
        string metadataPath = folder.Write("news/metadata.json", metadata);

        var results = await ImportFolder.ReadAsync(folder.PathOf("news"));
        Assert.Equal(3, results.Count);
        Assert.Equal(metadataPath, results[0].Failure!.Path);
        Assert.Contains("imported without it", results[0].Failure!.Reason);
        Assert.Equal(new Article("a", "第一行", "第一行\n正文"), results[1].Article);
        Assert.Equal("b", results[2].Article!.Id);
    }

    [Fact]
    public async Task Each_folder_has_its_own_metadata()
    {
        folder.Write("root/a.txt", "一");
        folder.Write("root/sub/a.txt", "二");
        folder.Write("root/sub/metadata.json", """{"a.txt": {"title": "子目錄"}}""");

        var articles = (await ImportFolder.ReadAsync(folder.PathOf("root"))).Select(r => r.Article!).ToList();
        Assert.Equal([("a", "一"), ("sub/a", "子目錄")], articles.Select(a => (a.Id, a.Title)));
    }

    [Fact]
    public async Task Reading_can_be_cancelled()
    {
        folder.Write("a.txt", "一");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in new ArticleReader().ReadAsync([folder.Root], cancel.Token)) { }
        });
    }
}
