using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Index;
using SourceSearch.Tests.Text;
using SourceSearch.Text;

namespace SourceSearch.Tests.Search;

/// <summary>Suggestions as you type and "did you mean", over a real index of the seed articles, with CC-CEDICT's pinyin.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class SuggesterTests(AnalysisFixture fx) : IAsyncLifetime
{
    private static readonly Lazy<Pinyin> Reader = new(() => new Pinyin(Cedict.Load(new TextOptions().ResolveCedictPath())));
    private SearchIndex _index = null!;
    private Searcher _searcher = null!;
    private Suggester _suggester = null!;

    public async Task InitializeAsync()
    {
        _index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        var articles = SearchIndexTests.Seeds().ToList();
        articles.Add(new Article("policy/1", "推动苏州人工智能产业发展的对策建议", "苏州的人工智能产业规模日益壮大。"));
        await _index.AddBatchAsync(articles);
        _suggester = new Suggester(_index, fx.Analyzer, () => Reader.Value, fx.OpenCc, new SuggestOptions { RefreshSeconds = 0 });
        _searcher = new Searcher(_index, new SearchOptions(), fx.OpenCc, suggester: _suggester);
    }

    public Task DisposeAsync()
    {
        _index.Dispose();
        return Task.CompletedTask;
    }

    private async Task<IReadOnlyList<Suggestion>> Suggest(string q, ChineseScript? script = null) => (await _suggester.SuggestAsync(q, 8, script)).Suggestions;

    [Fact]
    public void Pinyin_is_toneless_with_v_for_u_umlaut_and_polyphonic_characters_give_each_reading()
    {
        Assert.Equal(["suzhou"], Reader.Value.Readings("苏州"));
        Assert.Contains("lv", Reader.Value.Readings("绿"));
        var hang = Reader.Value.Readings("行");
        Assert.Contains("xing", hang);
        Assert.Contains("hang", hang);
        // A dictionary word reads as the dictionary says, not as every combination of its characters.
        Assert.Equal(["yinhang"], Reader.Value.Readings("银行"));
        // A word not in the dictionary is read character by character, a surname reading (区 Ou) left out.
        Assert.Equal(["suzhougongyeyuanqu"], Reader.Value.Readings("苏州工业园区"));
        Assert.Contains("ou", Reader.Value.Readings("区"));
        Assert.Empty(Reader.Value.Readings("abc"));
        Assert.Equal("suzhou", Pinyin.KeyOf("Su Zhou"));
        Assert.Null(Pinyin.KeyOf("su1zhou1"));
    }

    [Fact]
    public async Task A_Chinese_prefix_completes_to_frequent_terms_in_the_script_being_typed()
    {
        var simplified = await Suggest("苏");
        Assert.Contains(simplified, s => s.Kind == Suggestion.TermKind && s.Text == "苏州");
        Assert.All(simplified.Where(s => s.Kind == Suggestion.TermKind), s => Assert.StartsWith("苏", s.Text));
        // Typed in Traditional, the completions come in Traditional.
        var traditional = await Suggest("蘇");
        Assert.Contains(traditional, s => s.Kind == Suggestion.TermKind && s.Text == "蘇州");
        Assert.DoesNotContain(traditional, s => s.Kind == Suggestion.TermKind && s.Text.Contains('苏'));
        // Grams that are not words are not offered.
        Assert.DoesNotContain(await Suggest("州"), s => s.Text == "州的");
    }

    [Fact]
    public async Task Toneless_pinyin_completes_to_Chinese_terms_with_their_readings()
    {
        var found = await Suggest("suzh");
        var suzhou = Assert.Single(found, s => s.Text == "苏州");
        Assert.Equal(["suzhou"], suzhou.Pinyin);
        Assert.False(suzhou.Polyphonic);
        Assert.Contains(await Suggest("Su Zhou"), s => s.Text == "苏州");
        // In a display script.
        Assert.Contains(await Suggest("suzh", ChineseScript.Hant), s => s.Text == "蘇州");
        Assert.Contains(await Suggest("su zh", ChineseScript.Hant), s => s.Text == "蘇州");
        Assert.Contains(await Suggest("蘇州 rengong"), s => s.Text == "蘇州 人工");
    }

    [Fact]
    public async Task Only_the_last_word_is_completed_and_titles_complete_the_whole_query()
    {
        Assert.Contains(await Suggest("苏州 人工"), s => s.Text == "苏州 人工智能");
        var title = Assert.Single(await Suggest("推动苏州"), s => s.Kind == Suggestion.TitleKind);
        Assert.Equal("推动苏州人工智能产业发展的对策建议", title.Text);
        Assert.Equal("policy/1", title.Id);
        // Typed in the other script, the same title.
        Assert.Contains(await Suggest("推動蘇州"), s => s.Id == "policy/1");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("\"")]
    [InlineData("-")]
    [InlineData("\u0000\uFFFF")]
    [InlineData("𠀀𠀁")]
    public async Task Odd_input_gives_no_suggestions_and_no_error(string q)
    {
        var r = await _suggester.SuggestAsync(q, 8, null);
        Assert.Empty(r.Suggestions);
    }

    [Fact]
    public async Task Did_you_mean_mends_a_homophone_typo_and_pinyin_and_leaves_good_queries_alone()
    {
        Assert.Equal("苏州", await _suggester.DidYouMeanAsync("苏洲"));
        Assert.Equal("苏州 人工智能", await _suggester.DidYouMeanAsync("苏洲 人工智能"));
        Assert.Equal("苏州", await _suggester.DidYouMeanAsync("suzhou"));
        Assert.Null(await _suggester.DidYouMeanAsync("苏州"));
        Assert.Null(await _suggester.DidYouMeanAsync("-苏洲"));
        Assert.Null(await _suggester.DidYouMeanAsync("title:苏洲"));

        // Through search: nothing found, and the mended query offered.
        var none = await _searcher.SearchAsync(new SearchRequest("苏洲"));
        Assert.Equal(0, none.Total);
        Assert.Equal("苏州", none.DidYouMean);
        Assert.Null((await _searcher.SearchAsync(new SearchRequest("苏州"))).DidYouMean);
    }

    [Fact]
    public async Task A_new_article_s_words_are_suggested_once_the_vocabulary_is_rebuilt()
    {
        Assert.DoesNotContain(await Suggest("鸬"), s => s.Text == "鸬鹚");
        await _index.AddAsync(new Article("birds/1", "鸬鹚捕鱼", "渔民用鸬鹚捕鱼，鸬鹚是一种水鸟。"));
        // The vocabulary in use answers while a new one is built in the background.
        // Waited for by the clock, generously: on a loaded machine (CI runs test projects side by side) a build is slower.
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (waiting.Elapsed < TimeSpan.FromSeconds(60) && !(await Suggest("鸬")).Any(s => s.Text == "鸬鹚")) await Task.Delay(50);
        Assert.Contains(await Suggest("鸬"), s => s.Text == "鸬鹚");
        Assert.Contains(await Suggest("luc"), s => s.Text == "鸬鹚");
    }
}
