using System.Text;
using System.Text.Json;
using SourceSearch.Import;

namespace SourceSearch.Tests.Import;

/// <summary>The JSON import format: ids and text kept exactly, bad lines reported by number while the good ones come through.</summary>
public sealed class JsonImportTests : IDisposable
{
    private readonly ImportFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string Line(object article) => JsonSerializer.Serialize(article);

    [Fact]
    public async Task Jsonl_ids_and_texts_are_kept_exactly()
    {
        string[] ids = ["news/2024/05#3", " spaced id ", "a\\b", "中文 id", "x"];
        const string text = "  　　第一段\r\n\r\n第二段 \n";
        string path = folder.Write("a.jsonl", string.Join("\n", ids.Select(id => Line(new { id, title = "標題", text })))
            + "\n{\"id\": \"原文/未轉義 #2\", \"text\": \"直接寫的中文\\n第二行\"}");   // CJK written as is, not \u-escaped

        var articles = (await ImportFolder.ReadAsync(path)).Select(r => r.Article!).ToList();
        Assert.Equal([.. ids, "原文/未轉義 #2"], articles.Select(a => a.Id));
        Assert.All(articles[..^1], a => Assert.Equal(text, a.Text));
        Assert.Equal("直接寫的中文\n第二行", articles[^1].Text);
    }

    [Fact]
    public async Task Optional_fields_and_unknown_properties()
    {
        string path = folder.Write("a.jsonl", string.Join("\r\n",
            Line(new { id = "1", title = "標題", text = "正文", author = "作者", date = "2024-01-02", source = "來源", url = "https://example.com", extra = new[] { 1, 2 } }),
            Line(new { id = "2", text = "沒有標題" }),
            Line(new { id = "3", title = "", text = "空標題", author = (string?)null })), Encoding.UTF8, bom: true);

        var articles = (await ImportFolder.ReadAsync(path)).Select(r => r.Article!).ToList();
        Assert.Equal(new Article("1", "標題", "正文", "作者", "2024-01-02", "來源", "https://example.com"), articles[0]);
        Assert.Equal(new Article("2", "", "沒有標題"), articles[1]);
        Assert.Equal(new Article("3", "", "空標題"), articles[2]);
    }

    [Fact]
    public async Task Bad_lines_are_failures_with_their_line_numbers_and_the_rest_continue()
    {
        string path = folder.Write("mixed.jsonl", string.Join("\n",
            Line(new { id = "good-1", text = "一" }),           // 1
            "{ this is not json",                               // 2
            Line(new { id = "no-text" }),                       // 3
            Line(new { id = 42, text = "數字 id" }),            // 4
            "",                                                 // 5: blank, skipped
            "   ",                                              // 6: blank, skipped
            Line(new { id = "", text = "空 id" }),              // 7
            Line(new { id = "empty-text", text = "" }),         // 8
            Line(new { id = "number-text", text = 5 }),         // 9
            "[1, 2]",                                           // 10
            Line(new { id = "bad-author", text = "正文", author = 3 }), // 11
            Line(new { id = "good-2", text = "二" })) + "\n");  // 12

        var results = await ImportFolder.ReadAsync(path);
        Assert.Equal(["good-1", "good-2"], results.Where(r => r.Article is not null).Select(r => r.Article!.Id));
        var failures = results.Where(r => r.Failure is not null).Select(r => r.Failure!).ToList();
        Assert.Equal([2, 3, 4, 7, 8, 9, 10, 11], failures.Select(f => f.Line));
        Assert.All(failures, f => Assert.Equal(path, f.Path));
        Assert.StartsWith("not valid JSON", failures[0].Reason);
        Assert.Contains("\"text\" must be a string", failures[1].Reason);
        Assert.Contains("\"id\" must be a string", failures[2].Reason);
        Assert.Contains("\"id\" must be a non-empty string", failures[3].Reason);
        Assert.Contains("nothing to search", failures[4].Reason);
        Assert.Contains("\"text\" must be a string", failures[5].Reason);
        Assert.Contains("JSON object", failures[6].Reason);
        Assert.Contains("\"author\" must be a string", failures[7].Reason);
        Assert.Equal(["good-1", 2, 3, 4, 7, 8, 9, 10, 11, "good-2"],
            results.Select(r => r.Article is { } a ? (object)a.Id : r.Failure!.Line!.Value));   // in file order
    }

    [Fact]
    public async Task Invalid_utf8_fails_only_its_own_line()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(Line(new { id = "1", text = "一" }) + "\n"), .. "{\"id\":\"2\",\"text\":\""u8, 0xFF, 0xFE, .. "\"}\n"u8,
            .. Encoding.UTF8.GetBytes(Line(new { id = "3", text = "三" }))];
        var results = await ImportFolder.ReadAsync(folder.Write("a.jsonl", bytes));
        Assert.Equal("1", results[0].Article!.Id);
        Assert.Equal(2, results[1].Failure!.Line);
        Assert.Equal("3", results[2].Article!.Id);
    }

    [Fact]
    public async Task Long_lines_and_many_lines()
    {
        string longText = string.Concat(Enumerable.Repeat("很長的一行文字，", 40_000));   // ~1 MB of UTF-8 on one line
        var lines = Enumerable.Range(0, 2000).Select(i => Line(new { id = $"n{i}", text = i == 1000 ? longText : $"第{i}篇" }));
        var results = await ImportFolder.ReadAsync(folder.Write("many.jsonl", string.Join("\n", lines)));
        Assert.Equal(2000, results.Count);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"n{i}"), results.Select(r => r.Article!.Id));
        Assert.Equal(longText, results[1000].Article!.Text);
    }

    [Fact]
    public async Task A_json_file_holds_one_article_or_an_array()
    {
        var one = await ImportFolder.ReadOneAsync(folder.Write("one.json", Line(new { id = "a/b #1", title = "一", text = "正文\n" })));
        Assert.Equal(new Article("a/b #1", "一", "正文\n"), one);

        string array = "[\n" + Line(new { id = "x", text = "甲" }) + ",\n" + Line(new { id = "y" }) + ",\n" + Line(new { id = "z", text = "丙" }) + "\n]";
        var results = await ImportFolder.ReadAsync(folder.Write("many.json", array));
        Assert.Equal("x", results[0].Article!.Id);
        Assert.StartsWith("element 2: ", results[1].Failure!.Reason);
        Assert.Equal("z", results[2].Article!.Id);
    }

    [Fact]
    public async Task A_json_file_that_is_not_valid_json_is_a_failure()
    {
        Assert.StartsWith("not valid JSON", await ImportFolder.FailureAsync(folder.Write("bad.json", "{\"id\": \"1\", ")));
        Assert.Contains("one article object or an array", await ImportFolder.FailureAsync(folder.Write("str.json", "\"text\"")));
    }

    [Fact]
    public async Task Json_files_in_folders_keep_their_own_ids()
    {
        folder.Write("in/sub/data.jsonl", Line(new { id = "given/id", text = "一" }));
        folder.Write("in/sub/metadata.json", """{"data.jsonl": {"title": "ignored"}}""");
        var article = Assert.Single(await ImportFolder.ReadAsync(folder.PathOf("in"))).Article!;
        Assert.Equal(new Article("given/id", "", "一"), article);
    }
}
