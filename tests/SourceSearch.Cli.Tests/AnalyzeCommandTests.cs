using System.Text.Json;

namespace SourceSearch.Cli.Tests;

public sealed class AnalyzeCommandTests
{
    private static string UserDict => Path.Combine(TestPaths.Corpus, "userdict.txt");

    [Fact]
    public async Task Json_lists_tokens_with_offsets_into_the_text_given()
    {
        const string text = "蘇州的DeepSeek-R1";
        var r = await CliRunner.RunAsync("analyze", "--json", text);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\"term\":\"苏州\"", r.Out); // CJK unescaped

        using var doc = JsonDocument.Parse(r.Out);
        var tokens = doc.RootElement.GetProperty("tokens").EnumerateArray().ToList();
        Assert.NotEmpty(tokens);
        foreach (var t in tokens)
        {
            Assert.Equal(["term", "type", "start", "end", "position"], t.EnumerateObject().Select(p => p.Name).ToArray());
            Assert.Contains(t.GetProperty("type").GetString(), new[] { "word", "bigram", "latin", "number", "synonym" });
            Assert.True(t.GetProperty("position").GetInt32() >= 0);
            int start = t.GetProperty("start").GetInt32(), end = t.GetProperty("end").GetInt32();
            Assert.InRange(start, 0, text.Length - 1);
            Assert.InRange(end, start + 1, text.Length);
        }
        var suzhou = tokens.First(t => t.GetProperty("term").GetString() == "苏州");
        Assert.Equal("蘇州", text[suzhou.GetProperty("start").GetInt32()..suzhou.GetProperty("end").GetInt32()]);
        Assert.Contains(tokens, t => t.GetProperty("term").GetString() == "deepseek-r1" && t.GetProperty("type").GetString() == "latin");
    }

    [Fact]
    public async Task Plain_output_is_one_token_a_line()
    {
        var r = await CliRunner.RunAsync("analyze", "软件");
        Assert.Equal(0, r.ExitCode);
        // The word and the bigram at its place are one term: kept once.
        Assert.Equal("软件\tword\t0\t2\t0\n", r.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Reads_standard_input_when_no_text_is_given()
    {
        var r = await CliRunner.RunWithInputAsync("軟體", "analyze", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\"term\":\"软件\"", r.Out);
    }

    [Fact]
    public async Task Empty_text_gives_no_tokens()
    {
        var r = await CliRunner.RunAsync("analyze", "--json", "");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("{\"tokens\":[]}\n", r.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task User_dictionary_option_changes_segmentation()
    {
        const string text = "俞凯创立了一家叫思必驰的公司";
        var plain = await CliRunner.RunAsync("analyze", text);
        var taught = await CliRunner.RunAsync("analyze", "--userdict", UserDict, text);
        Assert.DoesNotContain("思必驰\tword", plain.Out);
        Assert.Contains("思必驰\tword", taught.Out);
    }

    [Fact]
    public async Task Missing_user_dictionary_is_an_error_that_names_it()
    {
        var r = await CliRunner.RunAsync("analyze", "--userdict", "/no/such/file.txt", "x");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("/no/such/file.txt", r.Error);
        Assert.DoesNotContain("   at ", r.Error); // a message, not a stack trace
    }

    [Fact]
    public async Task Broken_user_dictionary_lines_are_warned_about_and_the_rest_used()
    {
        string dir = TestPaths.NewTempDirectory();
        string dict = Path.Combine(dir, "userdict.txt");
        await File.WriteAllTextAsync(dict, "，\n思必驰\n");
        var r = await CliRunner.RunAsync("analyze", "--userdict", dict, "叫思必驰的");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("思必驰\tword", r.Out);
        Assert.Contains("userdict.txt:1", r.Error);
    }

    [Fact]
    public async Task SmartCn_is_selectable_and_an_unknown_analyzer_is_a_usage_error()
    {
        var r = await CliRunner.RunAsync("analyze", "--analyzer", "smartcn", "--json", "蘇州的記憶體");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var types = doc.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("type").GetString()).ToList();
        Assert.Contains(doc.RootElement.GetProperty("tokens").EnumerateArray(), t => t.GetProperty("term").GetString() == "苏州");
        Assert.DoesNotContain("bigram", types); // SmartCn gives words only

        var bad = await CliRunner.RunAsync("analyze", "--analyzer", "jieba", "x");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("jieba", bad.Error);
        Assert.Equal("", bad.Out);
    }
}
