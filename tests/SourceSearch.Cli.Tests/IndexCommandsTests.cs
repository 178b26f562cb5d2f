using System.Text;
using System.Text.Json;

namespace SourceSearch.Cli.Tests;

/// <summary>import, search, delete, export, check and reindex through the CLI, on a fresh index each.</summary>
public sealed class IndexCommandsTests
{
    private readonly string _index = Path.Combine(TestPaths.NewTempDirectory(), "index");
    private static readonly string UserDict = Path.Combine(TestPaths.Corpus, "userdict.txt");

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync([.. args, "--index", _index, "--userdict", UserDict]);
    private Task<CliResult> RunWithInput(string input, params string[] args) => CliRunner.RunWithInputAsync(input, [.. args, "--index", _index, "--userdict", UserDict]);

    [Fact]
    public async Task Import_search_reimport_delete_export_check()
    {
        var import = await Run("import", TestPaths.Corpus);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("added 5", import.Out);

        var search = await Run("search", "--json", "蘇州");
        Assert.Equal(0, search.ExitCode);
        using (var doc = JsonDocument.Parse(search.Out))
        {
            var hits = doc.RootElement.GetProperty("hits").EnumerateArray().ToList();
            Assert.Equal(5, hits.Count);
            Assert.Equal("苏州", doc.RootElement.GetProperty("understood").GetProperty("clauses")[0].GetProperty("terms")[0].GetString());
        }

        var again = await Run("import", TestPaths.Corpus);
        Assert.Contains("unchanged 5", again.Out);

        Assert.Equal(0, (await Run("delete", "001_2a420e5ede1b9403")).ExitCode);
        var missing = await Run("delete", "001_2a420e5ede1b9403");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no article", missing.Error);
        var after = await Run("search", "--json", "苏州");
        Assert.DoesNotContain("001_2a420e5ede1b9403", after.Out);

        var export = await Run("export");
        var lines = export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            string id = doc.RootElement.GetProperty("id").GetString()!;
            Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.Corpus, id + ".txt")), doc.RootElement.GetProperty("text").GetString());
        }

        var check = await Run("check");
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("ok", check.Out);
    }

    [Fact]
    public async Task The_analyzer_is_chosen_when_the_index_is_made_and_changed_only_by_reindex()
    {
        var made = await Run("import", "--analyzer", "smartcn", TestPaths.Corpus);
        Assert.Equal(0, made.ExitCode);
        var search = await Run("search", "--json", "人工智能");
        Assert.Equal(0, search.ExitCode);
        Assert.Contains("000_a64fa134920c1ffb", search.Out);

        // Asking for another analyzer than the index has is refused with what to do; nothing is written.
        var other = await Run("import", "--analyzer", "words", TestPaths.Corpus);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("made with the smartcn analyzer", other.Error);
        Assert.Contains("reindex --analyzer words", other.Error);

        var reindex = await Run("reindex", "--analyzer", "words");
        Assert.Equal(0, reindex.ExitCode);
        Assert.Contains("reindexed 5", reindex.Out);
        Assert.Equal(0, (await Run("import", "--analyzer", "words", TestPaths.Corpus)).ExitCode);
        Assert.Equal(0, (await Run("check")).ExitCode);

        // Bad values: a clear error and exit 2.
        var unknown = await Run("search", "--analyzer", "bigram", "苏州");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'bigram' not recognized", unknown.Error);
        Assert.Contains("smartcn", unknown.Error);
        var zero = await Run("import", "--transaction-size", "0", TestPaths.Corpus);
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--transaction-size must be at least 1", zero.Error);
    }

    [Fact]
    public async Task Bulk_import_analyses_on_workers_and_keeps_the_order_of_the_input()
    {
        static string Line(string id, string title, string text) => JsonSerializer.Serialize(new { id, title, text });
        string dir = TestPaths.NewTempDirectory();
        string first = Path.Combine(dir, "first.jsonl"), second = Path.Combine(dir, "second.jsonl");
        await File.WriteAllTextAsync(first, Line("dup", "重复", "第一版：苏州园林甲天下。") + "\n");
        Assert.Equal(0, (await Run("import", first)).ExitCode);

        // 600 articles (three chunks for the workers, one transaction); "dup" is changed in the first chunk and changed
        // back to what is stored in the third: the worker of the third sees it unchanged, but the last version must win.
        var lines = new List<string>();
        for (int i = 0; i < 600; i++)
            lines.Add(i switch
            {
                10 => Line("dup", "重复", "第二版：杭州西湖。"),
                550 => Line("dup", "重复", "第一版：苏州园林甲天下。"),
                _ => Line($"bulk/{i}", $"第{i}篇", $"批量导入的第{i}篇文章，编号 zqbulk{i}。"),
            });
        await File.WriteAllTextAsync(second, string.Join('\n', lines) + "\n");
        var bulk = await Run("import", "--bulk", second);
        Assert.True(bulk.ExitCode == 0, bulk.Error);
        Assert.Contains("added 598, replaced 2, unchanged 0, failed 0", bulk.Out);

        var export = (await Run("export")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("text").GetString());
        Assert.Equal(599, export.Count);
        Assert.Equal("第一版：苏州园林甲天下。", export["dup"]);
        Assert.Equal("批量导入的第599篇文章，编号 zqbulk599。", export["bulk/599"]);
        using (var found = JsonDocument.Parse((await Run("search", "--json", "zqbulk599")).Out))
            Assert.Equal("bulk/599", found.RootElement.GetProperty("hits")[0].GetProperty("id").GetString());
        Assert.Equal(0, (await Run("check")).ExitCode);

        var again = await Run("import", "--bulk", second);
        Assert.Contains("added 0, replaced 2, unchanged 598", again.Out); // dup changes twice again, the rest is skipped
    }

    [Fact]
    public async Task Batch_search_writes_one_line_per_query_in_order()
    {
        await Run("import", TestPaths.Corpus);
        string input = "苏州\n\n{\"q\": \"思必驰\", \"kind\": \"word\"}\n，。\n{\"kind\":\"no query\"}\n人工智能\n";
        var r = await RunWithInput(input, "search", "--jsonl", "--top", "3");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(6, lines.Count);
        Assert.Equal(["苏州", "", "思必驰", "，。", "", "人工智能"], lines.Select(l => l.GetProperty("query").GetString()));
        foreach (int ok in new[] { 0, 2, 5 })
        {
            Assert.Equal(JsonValueKind.Null, lines[ok].GetProperty("error").ValueKind);
            var hits = lines[ok].GetProperty("hits").EnumerateArray().ToList();
            Assert.InRange(hits.Count, 1, 3);
            Assert.All(hits, h => Assert.Equal(["id", "title", "score", "start", "end", "snippet"], h.EnumerateObject().Select(p => p.Name)));
            Assert.True(lines[ok].GetProperty("took_ms").GetDouble() > 0);
        }
        foreach (int bad in new[] { 1, 3, 4 })
        {
            Assert.NotEqual(JsonValueKind.Null, lines[bad].GetProperty("error").ValueKind);
            Assert.Empty(lines[bad].GetProperty("hits").EnumerateArray());
        }
    }

    [Fact]
    public async Task A_bad_file_or_line_is_reported_and_the_rest_imported()
    {
        string dir = TestPaths.NewTempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "good.md"), "# 好文章\n\n苏州的园林很美。");
        await File.WriteAllBytesAsync(Path.Combine(dir, "bad.txt"), [0x00, 0x01, 0x02, 0xFF, 0x00, 0x89, 0x50, 0x4E, 0x47]);
        await File.WriteAllTextAsync(Path.Combine(dir, "lines.jsonl"),
            "{\"id\":\"j/1\",\"title\":\"一\",\"text\":\"杭州的西湖\"}\n{not json}\n{\"id\":\"j/3\",\"text\":\"\"}\n{\"id\":\"j/4\",\"text\":\"南京的城墙\"}\n");
        var r = await Run("import", dir, Path.Combine(dir, "missing.txt"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("added 3", r.Out);
        Assert.Contains("failed 4", r.Out);
        Assert.Contains("bad.txt", r.Error);
        Assert.Contains("lines.jsonl:2", r.Error);
        Assert.Contains("lines.jsonl:3", r.Error);
        Assert.Contains("missing.txt", r.Error);
        foreach (var q in new[] { "园林", "西湖", "城墙" })
            Assert.Contains("\"total\":1", (await Run("search", "--json", q)).Out);
    }

    [Fact]
    public async Task Ask_prints_an_answer_with_exact_citations()
    {
        await Run("import", TestPaths.Corpus);
        var r = await Run("ask", "--json", "思必驰是哪一年落户苏州工业园区的？");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("found").GetBoolean());
        Assert.Equal("extractive", root.GetProperty("mode").GetString());
        var citation = root.GetProperty("citations")[0];
        Assert.Equal(["n", "id", "start", "end", "quote"], citation.EnumerateObject().Select(p => p.Name));
        string text = File.ReadAllText(Path.Combine(TestPaths.Corpus, citation.GetProperty("id").GetString() + ".txt"));
        Assert.Equal(text[citation.GetProperty("start").GetInt32()..citation.GetProperty("end").GetInt32()], citation.GetProperty("quote").GetString());
        Assert.Contains("2008", citation.GetProperty("quote").GetString());
        // What was searched: the terms that counted, not 是 or 的, nor the question word 哪一年.
        var searched = root.GetProperty("searched").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains("思必驰", searched);
        Assert.DoesNotContain("是", searched);
        Assert.DoesNotContain("的", searched);
        Assert.DoesNotContain("哪一年", searched);

        // As text: each citation with its article's title, the words quoted and where they are.
        var plain = await Run("ask", "思必驰是哪一年落户苏州工业园区的？");
        Assert.Equal(0, plain.ExitCode);
        string first = plain.Out.Split('\n').First(l => l.StartsWith("  [1] ", StringComparison.Ordinal));
        string id = citation.GetProperty("id").GetString()!;
        string title = (await Run("export")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).First(a => a.GetProperty("id").GetString() == id).GetProperty("title").GetString()!;
        Assert.Contains($"《{title}》", first);
        Assert.Contains("“", first);
        Assert.Contains("2008", first);
        Assert.Contains($"({id} {citation.GetProperty("start").GetInt32()}-{citation.GetProperty("end").GetInt32()})", first);
    }

    [Fact]
    public async Task Batch_ask_writes_one_line_per_question_in_order()
    {
        await Run("import", TestPaths.Corpus);
        var r = await RunWithInput("思必驰是哪一年落户苏州工业园区的？\n\n深圳的房价是多少？\n", "ask", "--jsonl");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.True(lines[0].GetProperty("found").GetBoolean());
        Assert.False(lines[1].GetProperty("found").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, lines[1].GetProperty("error").ValueKind);
        Assert.False(lines[2].GetProperty("found").GetBoolean());
        Assert.Empty(lines[2].GetProperty("citations").EnumerateArray());
        Assert.Equal("语料库中没有找到答案。", lines[2].GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Search_without_an_index_says_to_import_first()
    {
        var r = await Run("search", "苏州");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sourcesearch import", r.Error);
    }

    [Fact]
    public async Task Empty_query_is_a_usage_error_with_a_message()
    {
        await Run("import", TestPaths.Corpus);
        var r = await Run("search", "   ");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("empty", r.Error);
    }

    [Fact]
    public async Task Human_output_marks_highlights_and_shows_the_understanding()
    {
        await Run("import", TestPaths.Corpus);
        var r = await Run("search", "--top", "2", "苏州");
        Assert.Contains("【苏州】", r.Out);
        Assert.Contains("searched: 苏州", r.Out);
    }

    [Fact]
    public async Task Reindex_after_a_user_dictionary_change()
    {
        await Run("import", TestPaths.Corpus);
        string other = Path.Combine(TestPaths.NewTempDirectory(), "userdict.txt");
        await File.WriteAllTextAsync(other, "园区招商\n");
        var mismatch = await CliRunner.RunAsync("search", "苏州", "--index", _index, "--userdict", other);
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("sourcesearch reindex", mismatch.Error);
        var reindex = await CliRunner.RunAsync("reindex", "--index", _index, "--userdict", other);
        Assert.Equal(0, reindex.ExitCode);
        Assert.Contains("reindexed 5", reindex.Out);
        Assert.Equal(0, (await CliRunner.RunAsync("search", "苏州", "--index", _index, "--userdict", other)).ExitCode);
    }

    [Fact]
    public async Task A_killed_bulk_import_leaves_a_sound_index_that_a_rerun_completes()
    {
        // A real child process, killed with SIGKILL in the middle of a bulk import.
        string dir = TestPaths.NewTempDirectory();
        string jsonl = Path.Combine(dir, "bulk.jsonl");
        string seed = File.ReadAllText(Path.Combine(TestPaths.Corpus, "002_169a7ff4d43bd4dc.txt"));
        const int total = 6000;
        await using (var w = new StreamWriter(jsonl, false, new UTF8Encoding(false)))
            for (int i = 0; i < total; i++)
                await w.WriteLineAsync(JsonSerializer.Serialize(new { id = $"bulk/{i}", title = $"第{i}篇", text = $"编号{i}号文章。" + seed[(i % 2000)..(i % 2000 + 800)] }));

        string db = Path.Combine(_index, "sourcesearch.db");
        using (var p = CliRunner.Start("import", "--index", _index, "--userdict", UserDict, "--transaction-size", "256", jsonl))
        {
            var deadline = DateTime.UtcNow.AddMinutes(4);
            while (DateTime.UtcNow < deadline && !p.HasExited && await CountAsync(db) < 600) await Task.Delay(50);
            Assert.False(p.HasExited, "the import finished before it could be killed; make the input larger");
            p.Kill(); // SIGKILL
            await p.WaitForExitAsync();
        }
        long committed = await CountAsync(db);
        Assert.InRange(committed, 1, total - 1);

        var check = await Run("check");
        Assert.True(check.ExitCode == 0, check.Error);
        var hit = await Run("search", "--json", "编号1号文章");
        Assert.Contains("\"id\":\"bulk/1\"", hit.Out);

        var rerun = await Run("import", jsonl);
        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains($"unchanged {committed}", rerun.Out);
        Assert.Equal(total, await CountAsync(db));
        Assert.Equal(0, (await Run("check")).ExitCode);
    }

    private static async Task<long> CountAsync(string db)
    {
        if (!File.Exists(db)) return 0;
        try
        {
            await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM articles";
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return 0; // not created yet
        }
    }
}
