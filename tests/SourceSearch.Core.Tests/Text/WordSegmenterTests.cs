using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

[Collection(AnalysisCollection.Name)]
public sealed class WordSegmenterTests(AnalysisFixture fx)
{
    private static List<string> Words(Analyzer a, string text, bool searchMode = false)
    {
        var pieces = new List<WordSegmenter.Piece>();
        a.Segmenter.Segment(text, searchMode, useHmm: true, pieces);
        return pieces.Select(p => text.Substring(p.Start, p.Length)).ToList();
    }

    [Fact]
    public void Keeps_dictionary_words_whole()
    {
        Assert.Equal(["苏州工业园区", "招商引资"], Words(fx.Plain, "苏州工业园区招商引资"));
        Assert.Equal(["发展", "人工智能", "的", "关键"], Words(fx.Plain, "发展人工智能的关键"));
    }

    [Fact]
    public void Search_mode_adds_the_words_inside_long_words()
    {
        var words = Words(fx.Plain, "人工智能", searchMode: true);
        Assert.Equal(["人工智能", "人工", "智能"], words);
        var pieces = new List<WordSegmenter.Piece>();
        fx.Plain.Segmenter.Segment("人工智能", searchMode: true, useHmm: true, pieces);
        Assert.False(pieces[0].IsPart);
        Assert.All(pieces.Skip(1), p => Assert.True(p.IsPart));
    }

    [Fact]
    public void User_dictionary_teaches_names()
    {
        const string text = "俞凯创立了一家叫思必驰的公司";
        Assert.DoesNotContain("思必驰", Words(fx.Plain, text));
        Assert.False(fx.Plain.Segmenter.Dictionary.IsWord("思必驰"));

        Assert.Contains("思必驰", Words(fx.Analyzer, text));
        Assert.Contains("苏州工业园区", Words(fx.Analyzer, "俯瞰苏州工业园区"));
    }

    [Fact]
    public void User_dictionary_words_in_Traditional_script_are_folded()
    {
        string dir = TestPaths.NewTempDirectory();
        string user = Path.Combine(dir, "userdict.txt");
        File.WriteAllText(user, "思必馳 50\n# a comment\n\n魔門塔\n");
        var analyzer = TextAnalysis.Load(fx.Options(user));
        Assert.True(analyzer.Segmenter.Dictionary.IsWord("思必驰"));
        Assert.True(analyzer.Segmenter.Dictionary.IsWord("魔门塔"));
        Assert.Equal(50, analyzer.Segmenter.Dictionary.Frequency("思必驰"));
        Assert.NotEqual("none", analyzer.Segmenter.Dictionary.UserHash);
    }

    [Fact]
    public void Bad_user_dictionary_lines_are_reported_and_the_rest_used()
    {
        string dir = TestPaths.NewTempDirectory();
        string user = Path.Combine(dir, "userdict.txt");
        File.WriteAllText(user, "思必驰 99999999999999\n，\n追觅\n");
        var dict = WordDictionary.Load(fx.Options(null).ResolveJiebaDictionary());
        var problems = dict.AddUserDictionary(user, fx.Plain.FoldToString, fx.Plain.Segmenter.CutWithoutHmm);
        Assert.True(dict.IsWord("追觅"));
        Assert.True(dict.IsWord("思必驰"));
        Assert.Contains(problems, p => p.Contains(":1:") && p.Contains("out of range"));
    }

    [Fact]
    public void Missing_user_dictionary_is_a_clear_error()
    {
        var e = Assert.Throws<DictionaryUnavailableException>(() => TextAnalysis.Load(fx.Options("/no/such/userdict.txt")));
        Assert.Contains("/no/such/userdict.txt", e.Message);
    }

    [Fact]
    public void Missing_main_dictionary_names_the_package()
    {
        var options = fx.Options(null);
        options.JiebaDictionary = "/no/such/dict.txt";
        var e = Assert.Throws<DictionaryUnavailableException>(() => TextAnalysis.Load(options));
        Assert.Contains("python3-jieba", e.Message);
    }

    [Fact]
    public void Hmm_joins_unknown_characters_into_words()
    {
        // Not in the dictionary: the HMM decides; without it every character stands alone.
        const string text = "他来到了网易杭研大厦";
        var withHmm = Words(fx.Plain, text);
        var pieces = new List<WordSegmenter.Piece>();
        fx.Plain.Segmenter.Segment(text, searchMode: false, useHmm: false, pieces);
        Assert.Contains("杭研", withHmm);
        Assert.DoesNotContain(pieces, p => text.Substring(p.Start, p.Length) == "杭研");
        Assert.Equal(text, string.Concat(withHmm));
    }
}
