using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

[Collection(AnalysisCollection.Name)]
public sealed class OpenCcConverterTests(AnalysisFixture fx)
{
    [Theory]
    [InlineData("软件", ChineseScript.TW, "軟體")]          // s2twp: Taiwan vocabulary
    [InlineData("内存", ChineseScript.TW, "記憶體")]
    [InlineData("軟體", ChineseScript.Hans, "软件")]          // tw2sp: back to mainland vocabulary
    [InlineData("記憶體", ChineseScript.Hans, "内存")]
    [InlineData("蘇州工業園區", ChineseScript.Hans, "苏州工业园区")]
    [InlineData("苏州工业园区", ChineseScript.Hant, "蘇州工業園區")]
    [InlineData("裡面 裏面", ChineseScript.Hans, "里面 里面")]   // variant characters fold to one
    [InlineData("着", ChineseScript.Hant, "着")]
    [InlineData("为什么", ChineseScript.HK, "為什麼")]
    [InlineData("衞生", ChineseScript.Hans, "卫生")]          // Hong Kong variant
    [InlineData("什么怎么吃才", ChineseScript.Hans, "什么怎么吃才")] // Simplified stays: no 么 → 幺 (upstream tw2sp does that)
    [InlineData("什麼", ChineseScript.Hans, "什么")]
    public void Converts_between_scripts_with_regional_vocabulary(string input, ChineseScript to, string expected)
    {
        Assert.Equal(expected, fx.OpenCc.Convert(input, to));
    }

    [Fact]
    public void Traditional_seed_round_trips_through_Simplified()
    {
        string original = File.ReadAllText(TestPaths.TraditionalSeed);
        string simplified = fx.OpenCc.Convert(original, ChineseScript.Hans);
        string back = fx.OpenCc.Convert(simplified, ChineseScript.Hant);

        Assert.Equal(original.Length, back.Length); // no phrase of this article changes length
        int han = 0, same = 0;
        for (int i = 0; i < original.Length; i++)
        {
            if (!char.IsBetween(original[i], '\u4E00', '\u9FFF')) { Assert.Equal(original[i], back[i]); continue; }
            han++;
            if (original[i] == back[i]) same++;
        }
        // One-to-many Simplified characters (发 → 發/髮) cannot all come back, and this PDF-extracted
        // article mixes in variant forms (産, 經曆) that come back standard; the rest must.
        Assert.True(same >= han * 0.9, $"{same} of {han} Han characters came back unchanged");
        // Folding is stable: the round trip folds to the same Simplified text.
        Assert.Equal(simplified, fx.OpenCc.Convert(back, ChineseScript.Hans));
        Assert.NotEqual(original, simplified);
    }

    [Fact]
    public void Empty_odd_and_broken_input_converts_without_exception()
    {
        Assert.Equal("", fx.OpenCc.Convert("", ChineseScript.Hans));
        Assert.Equal("a\0软件", fx.OpenCc.Convert("a\0軟體", ChineseScript.Hans)); // NUL does not cut the text short
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
