using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

[Collection(AnalysisCollection.Name)]
public sealed class ScriptFolderTests(AnalysisFixture fx)
{
    private ScriptFolder Folder { get; } = ScriptFolder.Load("/usr/share/opencc", fx.CacheDirectory);

    // Upstream OpenCC with the folding configuration: what the folder must equal.
    private string Upstream(string text) =>
        fx.OpenCc.ConvertWith(text, FoldDictionaries.Prepare("/usr/share/opencc", fx.CacheDirectory).ConfigPath);

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
        Assert.Equal(Upstream(text), Folder.Fold(MappedText.Identity(text)).Text);
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
                Assert.Equal(Upstream(variant), Folder.Fold(MappedText.Identity(variant)).Text);
            }
            Assert.Equal(Upstream(text), Folder.Fold(MappedText.Identity(text)).Text);
        }
    }

    [Fact]
    public void Offsets_stay_right_character_by_character()
    {
        // Characters fold one to one: each folded character points at the character it came from.
        const string text = "大記憶體的軟體";
        var folded = Folder.Fold(MappedText.Identity(text));
        Assert.Equal("大记忆体的软体", folded.Text);
        for (int i = 0; i < text.Length; i++) Assert.Equal((i, i + 1), folded.MapSpan(i, i + 1));
    }

    [Fact]
    public void Offsets_stay_right_when_a_supplementary_character_is_folded_beside_others()
    {
        const string text = "𠀀蘇州";
        var folded = Folder.Fold(MappedText.Identity(text));
        Assert.Equal("𠀀苏州", folded.Text);
        Assert.Equal((2, 4), folded.MapSpan(2, 4));
    }

    [Fact]
    public void Simplified_text_is_left_as_it_is()
    {
        const string text = "为什么这么多人吃饭？温度才三十度，秘书在床上。";
        Assert.Equal(text, Folder.Fold(MappedText.Identity(text)).Text);
    }

    [Theory]
    [InlineData("盧安達", "卢安达")]   // a Taiwan name keeps its words: only characters fold
    [InlineData("網路", "网路")]
    [InlineData("核心 指標 智慧 建立 整合 線上 開啟", "核心 指标 智慧 建立 整合 线上 开启")]
    [InlineData("成效显著，核心企业的指标，智慧城市，建立平台，线上整合", "成效显着，核心企业的指标，智慧城市，建立平台，线上整合")]
    [InlineData("乾燥的乾隆，以後的皇后", "干燥的乾隆，以后的皇后")] // phrases choose among one-to-many characters
    public void Folding_changes_characters_and_never_swaps_a_word(string text, string expected)
    {
        Assert.Equal(expected, Folder.Fold(MappedText.Identity(text)).Text);
        Assert.Equal(expected, Upstream(text));
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
