using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

[Collection(AnalysisCollection.Name)]
public sealed class OpenCcConverterTests(AnalysisFixture fx)
{
    [Theory]
    [InlineData("軟體", ChineseScript.Hans, "软体")]          // characters, never words
    [InlineData("記憶體", ChineseScript.Hans, "记忆体")]
    [InlineData("软件", ChineseScript.TW, "軟件")]
    [InlineData("内存", ChineseScript.TW, "內存")]
    [InlineData("蘇州工業園區", ChineseScript.Hans, "苏州工业园区")]
    [InlineData("苏州工业园区", ChineseScript.Hant, "蘇州工業園區")]
    [InlineData("裡面 裏面", ChineseScript.Hans, "里面 里面")]   // variant characters fold to one
    [InlineData("着", ChineseScript.Hant, "着")]
    [InlineData("为什么", ChineseScript.HK, "為什麼")]
    [InlineData("衞生", ChineseScript.Hans, "卫生")]          // Hong Kong variant
    [InlineData("什么怎么吃才", ChineseScript.Hans, "什么怎么吃才")] // Simplified stays: no 么 → 幺 (upstream tw2sp does that)
    [InlineData("什麼", ChineseScript.Hans, "什么")]
    [InlineData("乾燥的乾隆，以後的皇后", ChineseScript.Hans, "干燥的乾隆，以后的皇后")] // one-to-many chosen by phrase
    [InlineData("頭髮的發展", ChineseScript.Hans, "头发的发展")]
    [InlineData("头发的发展", ChineseScript.TW, "頭髮的發展")]
    [InlineData("台灣的軟體與網路", ChineseScript.TW, "台灣的軟體與網路")]   // already Taiwan script: as it is (s2tw would write 臺)
    [InlineData("台灣的軟體與網路", ChineseScript.Hant, "台灣的軟體與網路")]
    [InlineData("成效显著，核心企业的指标，智慧城市，建立平台，线上整合", ChineseScript.Hans, "成效显著，核心企业的指标，智慧城市，建立平台，线上整合")]
    [InlineData("核心 指標 智慧 建立 整合 線上 開啟", ChineseScript.Hans, "核心 指标 智慧 建立 整合 线上 开启")]
    public void Converts_characters_faithfully(string input, ChineseScript to, string expected)
    {
        Assert.Equal(expected, fx.OpenCc.Convert(input, to));
    }

    [Theory]
    [InlineData("軟體", ChineseScript.Hans, "软件")]
    [InlineData("記憶體", ChineseScript.Hans, "内存")]
    [InlineData("核心", ChineseScript.Hans, "内核")]   // why it is a rewrite, never a display
    [InlineData("软件", ChineseScript.TW, "軟體")]
    [InlineData("内存", ChineseScript.TW, "記憶體")]
    [InlineData("什么", ChineseScript.Hans, "什么")]
    public void The_vocabulary_rewrite_swaps_regional_words(string input, ChineseScript to, string expected)
    {
        Assert.Equal(expected, fx.OpenCc.ConvertVocabulary(input, to));
    }

    [Theory]
    [InlineData(ChineseScript.Hant)]
    [InlineData(ChineseScript.HK)]
    public void There_is_no_vocabulary_rewrite_where_OpenCC_has_no_phrase_table(ChineseScript to)
    {
        var e = Assert.Throws<ArgumentException>(() => fx.OpenCc.ConvertVocabulary("软件", to));
        Assert.Contains("zh-Hans and zh-TW", e.Message);
    }

    [Fact]
    public void Simplified_seed_articles_are_left_as_they_are_in_zh_Hans()
    {
        int total = 0, changed = 0;
        foreach (var path in TestPaths.SeedArticles.Where(p => p != TestPaths.TraditionalSeed))
        {
            string text = File.ReadAllText(path);
            (int t, int c) = Compare(text, fx.OpenCc.Convert(text, ChineseScript.Hans));
            total += t;
            changed += c;
        }
        Assert.True(total > 5000, $"{total} characters compared");
        Assert.True(changed <= total * 0.0001, $"{changed} of {total} characters changed");
    }

    [Fact]
    public void Traditional_text_is_left_as_it_is_in_zh_TW_and_zh_Hant()
    {
        // Taiwan-script text made here from the Simplified seeds with upstream s2tw (the Traditional seed mixes
        // in Simplified characters from its PDF extraction, so it is no clean Traditional text).
        foreach (var path in TestPaths.SeedArticles.Where(p => p != TestPaths.TraditionalSeed))
        {
            string taiwan = fx.OpenCc.ConvertWith(File.ReadAllText(path), "s2tw.json");
            foreach (var to in new[] { ChineseScript.TW, ChineseScript.Hant })
            {
                (int total, int changed) = Compare(taiwan, fx.OpenCc.Convert(taiwan, to));
                Assert.True(changed <= total * 0.001, $"{Path.GetFileName(path)} to {to.Tag()}: {changed} of {total} characters changed");
            }
        }
    }

    [Fact]
    public void Shared_eval_paragraphs_keep_their_characters_when_present()
    {
        // The measured form of the two tests above on the shared sets (../shared/eval, absent from a user's clone:
        // then nothing to compare, and the seed tests above stand).
        foreach (var (set, to, floor) in new[] { ("cmrc2018-trial", ChineseScript.Hans, 0.9999), ("drcd-dev", ChineseScript.TW, 0.999) })
        {
            string path = Path.Combine(TestPaths.RepoRoot, "..", "shared", "eval", set, "corpus.jsonl");
            if (!File.Exists(path)) continue;
            int total = 0, changed = 0;
            foreach (var line in File.ReadLines(path).Take(300))
            {
                string text = System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!;
                (int t, int c) = Compare(text, fx.OpenCc.Convert(text, to));
                total += t;
                changed += c;
            }
            Assert.True(total - changed >= total * floor, $"{set} to {to.Tag()}: {changed} of {total} characters changed");
        }
    }

    private string Tables(string name) => FoldDictionaries.Prepare("/usr/share/opencc", fx.CacheDirectory).Files[name];

    // Characters compared and characters changed (texts of equal length compare position by position).
    private static (int Total, int Changed) Compare(string original, string converted)
    {
        if (original.Length != converted.Length) return (original.Length, original.Length);
        int changed = 0;
        for (int i = 0; i < original.Length; i++) if (original[i] != converted[i]) changed++;
        return (original.Length, changed);
    }

    [Fact]
    public void Traditional_seed_round_trips_through_Simplified()
    {
        string original = File.ReadAllText(TestPaths.TraditionalSeed);
        string simplified = fx.OpenCc.Convert(original, ChineseScript.Hans);
        string back = fx.OpenCc.Convert(simplified, ChineseScript.TW);

        Assert.Equal(original.Length, back.Length); // characters only: nothing changes length
        Assert.NotEqual(original, simplified);
        // What may not come back: a character that was not Traditional in this PDF-extracted original (Simplified,
        // or a variant form: 産, 爲, 啓) comes back standard Traditional; and a Simplified character with several
        // Traditional forms (只 → 隻|只, 台 → 臺|檯|台) may come back as another, as OpenCC's phrases choose.
        var detector = ScriptDetector.Load(Tables("TSCharacters"), Tables("STCharacters"));
        var variants = new HashSet<char>("産爲啓裏禀鑒叠曆");
        var oneToMany = new HashSet<(char, char)>
        {
            ('隻', '只'), ('台', '檯'), ('台', '臺'), ('布', '佈'), ('于', '於'), ('周', '週'), ('制', '製'), ('了', '瞭'),
            ('幹', '干'), ('遊', '游'), ('征', '徵'), ('系', '係'), ('闆', '板'), ('并', '並'), ('采', '採'), ('獲', '穫'),
            ('迹', '跡'), ('曆', '歷'),
        };
        var differences = new List<string>();
        for (int i = 0; i < original.Length; i++)
            if (original[i] != back[i] && !detector.IsSimplifiedOnly(original[i]) && !variants.Contains(original[i])
                && !oneToMany.Contains((original[i], back[i])))
                differences.Add($"{i}: {original[i]} → {back[i]}");
        Assert.True(differences.Count == 0, "came back changed: " + string.Join(", ", differences.Take(200)));
    }

    [Fact]
    public void Empty_odd_and_broken_input_converts_without_exception()
    {
        Assert.Equal("", fx.OpenCc.Convert("", ChineseScript.Hans));
        Assert.Equal("a\0软体", fx.OpenCc.Convert("a\0軟體", ChineseScript.Hans)); // NUL does not cut the text short
        string lone = fx.OpenCc.Convert("軟\uD800體", ChineseScript.Hans);            // lone surrogate: replaced, length kept
        Assert.Equal(3, lone.Length);
        Assert.Equal('软', lone[0]);
        Assert.Equal("😀𠀀", fx.OpenCc.Convert("😀𠀀", ChineseScript.TW));
    }

    [Fact]
    public async Task One_converter_is_safe_to_use_from_many_threads()
    {
        string[] inputs = TestPaths.SeedArticles.Select(File.ReadAllText).ToArray();
        var expected = inputs.Select(t => fx.OpenCc.Convert(t, ChineseScript.TW)).ToArray();
        var tasks = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (int round = 0; round < 20; round++)
            {
                int k = (worker + round) % inputs.Length;
                Assert.Equal(expected[k], fx.OpenCc.Convert(inputs[k], ChineseScript.TW));
            }
        }));
        await Task.WhenAll(tasks);
    }

    [Fact]
    public void Missing_configuration_names_the_packages_to_install()
    {
        var e = Assert.Throws<OpenCcUnavailableException>(() => OpenCcConverter.Probe("no-such-config.json"));
        Assert.Contains("no-such-config.json", e.Message);
        Assert.Contains("libopencc-data", e.Message);
    }

    [Theory]
    [InlineData("zh-Hans", ChineseScript.Hans)]
    [InlineData("ZH-TW", ChineseScript.TW)]
    [InlineData("zh-HK", ChineseScript.HK)]
    [InlineData("zh-Hant", ChineseScript.Hant)]
    public void Parses_script_tags(string tag, ChineseScript expected)
    {
        Assert.True(ChineseScripts.TryParse(tag, out var script));
        Assert.Equal(expected, script);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("zh")]
    [InlineData("en")]
    public void Rejects_unknown_script_tags(string? tag) => Assert.False(ChineseScripts.TryParse(tag, out _));
}
