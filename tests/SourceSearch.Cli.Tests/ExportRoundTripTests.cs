using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SourceSearch.Cli.Tests;

/// <summary>`export` then `import` into an empty index: the same articles, the same search results, the same export.</summary>
public sealed class ExportRoundTripTests
{
    private static readonly string UserDict = Path.Combine(TestPaths.Corpus, "userdict.txt");
    private readonly string _work = TestPaths.NewTempDirectory();

    private static Task<CliResult> Run(string index, params string[] args) => CliRunner.RunAsync([.. args, "--index", index, "--userdict", UserDict]);

    // Ids, dates, sources and texts that a careless export or import would change.
    private static readonly object[] Tricky =
    [
        new { id = "news/2024/上海 #1", title = "外滩的钟声", text = "外滩海关大楼的钟声，每到整点敲响。\r\n\r\n第二段：钟楼建于1927年。", author = "记者 甲", date = "2024-03-01", source = "新民晚报", url = "https://example.com/a?b=1&c=%20" },
        new { id = "  leading and trailing  ", title = "", text = "  前后有空白的正文，空白要保留。  \n", date = "2024", source = "测试/来源 #2" },
        new { id = "trad/臺灣 軟體?x=1", title = "臺灣的軟體產業", text = "臺灣的軟體產業在二〇二四年成長很快，記憶體價格上漲。", date = "2024年9月", source = "中央社" },
        new { id = "emoji 😀/𠀀", title = "表情😀与扩展B𠀀", text = "杭州的西湖😀很美🇨🇳，𠀀字在扩展B区。e\u0301 ﬃ ①", date = "2023-06", source = "测试/来源 #2" },
        new { id = "tabs\tand\\backslash\"quote", title = "引号\"和\\反斜杠", text = "制表符\t与换行\n与\u2028行分隔符，还有<script>alert(1)</script>。", author = "乙" },
        new { id = "nul", title = "NUL", text = "前\u0000后，苏州的园林。", date = "2022-12-31" },
    ];

    private static readonly string[][] Queries =
    [
        ["苏州"], ["蘇州 人工智能"], ["\"人工智能产业\""], ["软件 OR 西湖"], ["-深圳 苏州"], ["title:外滩"], ["钟声"], ["軟體"], ["2024年"],
        ["--sort", "date", "苏州"], ["--source", "测试/来源 #2", "西湖 OR 空白"], ["--from", "2024", "--to", "2024-12", "软件 OR 钟声"],
        ["--page", "2", "--top", "2", "苏州"], ["--script", "zh-Hant", "苏州"], ["--any", "苏州的人工智能产业规模有多大"], ["园林"], ["杭州 西湖"],
    ];

    [Fact]
    public async Task Exported_articles_imported_into_an_empty_index_give_the_same_results_and_the_same_export()
    {
        string a = Path.Combine(_work, "a"), b = Path.Combine(_work, "b");
        string tricky = Path.Combine(_work, "tricky.jsonl");
        await File.WriteAllLinesAsync(tricky, Tricky.Select(t => JsonSerializer.Serialize(t)), new UTF8Encoding(false));
        Assert.Equal(0, (await Run(a, "import", TestPaths.Corpus)).ExitCode);
        var importTricky = await Run(a, "import", tricky);
        Assert.True(importTricky.ExitCode == 0, importTricky.Error);

        var exportA = await Run(a, "export");
        Assert.Equal(0, exportA.ExitCode);
        var lines = exportA.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5 + Tricky.Length, lines.Length);
        string file = Path.Combine(_work, "export.jsonl");
        await File.WriteAllTextAsync(file, exportA.Out, new UTF8Encoding(false));

        // Every field of the tricky articles survives as given (the NUL as U+FFFD, as the index stores it).
        var exported = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToDictionary(o => (string)o["id"]!);
        foreach (var t in Tricky)
        {
            var given = JsonSerializer.SerializeToNode(t)!.AsObject();
            var back = exported[(string)given["id"]!];
            foreach (var (name, value) in given)
                Assert.Equal(((string)value!).Replace('\0', '\uFFFD'), (string?)back[name]);
        }

        var importB = await Run(b, "import", file);
        Assert.True(importB.ExitCode == 0, importB.Error);
        Assert.Contains($"added {lines.Length}", importB.Out);

        var found = new HashSet<string>();
        foreach (var query in Queries)
        {
            var (ra, rb) = (await Run(a, ["search", "--json", .. query]), await Run(b, ["search", "--json", .. query]));
            Assert.True(ra.ExitCode == 0 && rb.ExitCode == 0, $"{string.Join(' ', query)}: exit {ra.ExitCode} {rb.ExitCode} {ra.Error}{rb.Error}{ra.Out}");
            Assert.Equal(Comparable(ra.Out), Comparable(rb.Out));
            foreach (var hit in JsonNode.Parse(rb.Out)!["hits"]!.AsArray()) found.Add((string)hit!["id"]!);
        }
        // Not a vacuous comparison: the queries found the tricky articles too.
        foreach (var t in Tricky.Take(4)) Assert.Contains((string)JsonSerializer.SerializeToNode(t)!["id"]!, found);
        var ask = (await Run(a, "ask", "--json", "外滩的钟楼建于哪一年？"), await Run(b, "ask", "--json", "外滩的钟楼建于哪一年？"));
        Assert.Equal(ask.Item1.Out, ask.Item2.Out);
        Assert.Contains("1927", ask.Item1.Out);

        var exportB = await Run(b, "export");
        Assert.Equal(exportA.Out, exportB.Out);
        Assert.Equal(0, (await Run(b, "check")).ExitCode);
    }

    /// <summary>The search output without its timing.</summary>
    private static string Comparable(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("took_ms");
        return node.ToJsonString();
    }
}
