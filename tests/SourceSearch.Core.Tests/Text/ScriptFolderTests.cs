using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

[Collection(AnalysisCollection.Name)]
public sealed class ScriptFolderTests(AnalysisFixture fx)
{
    private ScriptFolder Folder { get; } = ScriptFolder.Load("/usr/share/opencc", fx.CacheDirectory);

    public static TheoryData<string> Samples => new()
    {
        "記憶體和軟體，在裡面、裏面。",
        "衞生間的綫路",
        "我們的資料庫程式設計，網路與硬碟",
        "老態龍鍾的乾隆，乾燥的天氣",
        "後來的皇后在麵包店",
        "ABC１２３ 全形字",
        "什么怎么那么，吃饭才好，温度",
        "",
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Folds_exactly_as_upstream_OpenCC(string text)
    {
        Assert.Equal(fx.OpenCc.Convert(text, ChineseScript.Hans), Folder.Fold(MappedText.Identity(text)).Text);
    }

    [Fact]
    public void Folds_every_seed_article_in_every_script_exactly_as_upstream_OpenCC()
    {
        foreach (var path in TestPaths.SeedArticles)
        {
            string text = File.ReadAllText(path);
            foreach (var script in new[] { ChineseScript.TW, ChineseScript.HK, ChineseScript.Hant })
            {
                string variant = fx.OpenCc.Convert(text, script);
                Assert.Equal(fx.OpenCc.Convert(variant, ChineseScript.Hans), Folder.Fold(MappedText.Identity(variant)).Text);
            }
            Assert.Equal(fx.OpenCc.Convert(text, ChineseScript.Hans), Folder.Fold(MappedText.Identity(text)).Text);
        }
    }

    [Fact]
    public void Offsets_stay_right_when_a_phrase_changes_length()
    {
        // 記憶體 (3) → 内存 (2): both output characters map to the whole phrase; what follows is not shifted.
        const string text = "大記憶體的軟體";
        var folded = Folder.Fold(MappedText.Identity(text));
        Assert.Equal("大内存的软件", folded.Text);
        Assert.Equal((0, 1), folded.MapSpan(0, 1));
        Assert.Equal((1, 4), folded.MapSpan(1, 3)); // 内存 ← 記憶體
        Assert.Equal((1, 4), folded.MapSpan(1, 2)); // 内 alone still points at the phrase
        Assert.Equal((4, 5), folded.MapSpan(3, 4)); // 的
        Assert.Equal((5, 7), folded.MapSpan(4, 6)); // 软件 ← 軟體
    }

    [Fact]
    public void Simplified_text_is_left_as_it_is()
    {
        const string text = "为什么这么多人吃饭？温度才三十度，秘书在床上。";
        Assert.Equal(text, Folder.Fold(MappedText.Identity(text)).Text);
    }

    [Theory]
    [InlineData("卢安达", "卢旺达")]   // Taiwan names in Simplified characters fold like their Traditional form (盧安達)
    [InlineData("盧安達", "卢旺达")]
    [InlineData("网路", "网络")]
    public void Taiwan_vocabulary_in_either_script_folds_to_mainland_vocabulary(string text, string expected)
    {
        Assert.Equal(expected, Folder.Fold(MappedText.Identity(text)).Text);
        Assert.Equal(expected, fx.OpenCc.Convert(text, ChineseScript.Hans));
    }

    [Fact]
    public void Missing_dictionaries_name_the_packages_to_install()
    {
        string empty = TestPaths.NewTempDirectory();
        var e = Assert.Throws<OpenCcUnavailableException>(() => ScriptFolder.Load(empty, fx.CacheDirectory));
        Assert.Contains("libopencc-data", e.Message);
    }

    [Fact]
    public void Fingerprint_identifies_the_dictionaries()
    {
        Assert.Matches("^[0-9a-f]{16}$", Folder.Fingerprint);
        Assert.Equal(Folder.Fingerprint, ScriptFolder.Load("/usr/share/opencc", fx.CacheDirectory).Fingerprint);
    }
}
