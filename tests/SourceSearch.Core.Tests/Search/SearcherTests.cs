using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Index;
using SourceSearch.Tests.Text;
using SourceSearch.Text;

namespace SourceSearch.Tests.Search;

[Collection(AnalysisCollection.Name)]
public sealed class SearcherTests(AnalysisFixture fx) : IAsyncLifetime
{
    private SearchIndex _index = null!;
    private Searcher _searcher = null!;

    public async Task InitializeAsync()
    {
        _index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        var articles = SearchIndexTests.Seeds().ToList();
        articles.Add(new Article("news/1", "深圳的软件产业", "深圳的软件产业在2024年增长很快。", "王五", "2024-03-01", "深圳日报"));
        articles.Add(new Article("news/2", "杭州的人工智能", "杭州的人工智能企业在2023年融资九百亿元。", "李四", "2023-06-15", "杭州日报"));
        articles.Add(new Article("news/3", "苏州的软件园", "蘇州的軟體園區在二〇二四年擴建。", "王五", "2024年9月", "深圳日报"));
        await _index.AddBatchAsync(articles);
        _searcher = new Searcher(_index, new SearchOptions(), fx.OpenCc);
    }

    public Task DisposeAsync()
    {
        _index.Dispose();
        return Task.CompletedTask;
    }

    private Task<SearchResponse> Search(string q, int page = 1, int size = 10, string? source = null, string? from = null, string? to = null,
        SortOrder sort = SortOrder.Relevance, ChineseScript? script = null) =>
        _searcher.SearchAsync(new SearchRequest(q, page, size, source, null, from, to, sort, script));

    private static void AssertHighlightsAre(SearchHit hit, string text, params string[] allowed)
    {
        Assert.NotEmpty(hit.Highlights);
        foreach (var h in hit.Highlights)
        {
            Assert.Contains(text[h.Start..h.End], allowed);
            Assert.Equal(text[h.Start..h.End], hit.Snippet[h.SnippetStart..h.SnippetEnd]);
        }
    }

    [Fact]
    public async Task Traditional_query_finds_Simplified_articles_and_the_other_way_round()
    {
        var trad = await Search("蘇州");
        Assert.Contains(trad.Hits, h => h.Id == "002_169a7ff4d43bd4dc");
        Assert.Contains(trad.Hits, h => h.Id == "000_a64fa134920c1ffb");
        var simp = await Search("苏州");
        var hit = Assert.Single(simp.Hits, h => h.Id == "000_a64fa134920c1ffb");
        // The Traditional article highlights its own characters.
        string text = (await _index.GetAsync(hit.Id))!.Article.Text;
        AssertHighlightsAre(hit, text, "蘇州");
        var simpHit = simp.Hits.First(h => h.Id == "002_169a7ff4d43bd4dc");
        AssertHighlightsAre(simpHit, (await _index.GetAsync(simpHit.Id))!.Article.Text, "苏州");
    }

    [Fact]
    public async Task Taiwan_vocabulary_numbers_and_variants_match()
    {
        Assert.Contains((await Search("软件园区")).Hits, h => h.Id == "news/3");   // 軟體園區
        Assert.Contains((await Search("2024年")).Hits, h => h.Id == "news/3");     // 二〇二四年
        Assert.Contains((await Search("900亿")).Hits, h => h.Id == "news/2");      // 九百亿
    }

    [Fact]
    public async Task Query_says_how_it_was_understood()
    {
        var r = await Search("蘇州 軟體");
        // news/3 has both words; the seed articles about Suzhou have one of them and follow it.
        Assert.Equal("all-then-any", r.Understood!.Mode);
        Assert.Equal(["苏州"], r.Understood.Clauses[0].Terms);
        Assert.Equal(["软体"], r.Understood.Clauses[1].Terms);
        Assert.Equal("any", (await Search("苏州人工智能产业为什么发展得快")).Understood!.Mode);
    }

    [Fact]
    public async Task A_title_that_holds_the_query_words_has_them_highlighted()
    {
        var hit = (await Search("软件产业")).Hits.First(h => h.Id == "news/1"); // 深圳的软件产业
        Assert.NotEmpty(hit.TitleHighlights!);
        Assert.All(hit.TitleHighlights!, h => Assert.Contains(hit.Title[h.Start..h.End], new[] { "软件", "产业", "软件产业" }));
        // A title without them has none (the Traditional article matched 蘇州 in its text, not its title).
        var other = (await Search("蘇州")).Hits.First(h => h.Id == "000_a64fa134920c1ffb");
        Assert.All(other.TitleHighlights!, h => Assert.Contains(other.Title[h.Start..h.End], new[] { "蘇州", "苏州" }));
    }

    [Fact]
    public async Task A_keyword_query_lists_articles_with_every_word_first()
    {
        var r = await Search("蘇州 人工智能");
        Assert.True(r.Hits.Count >= 3);
        var texts = new List<string>();
        foreach (var h in r.Hits) texts.Add(fx.Analyzer.FoldToString((await _index.GetAsync(h.Id))!.Article.Text + h.Title));
        bool Both(string t) => t.Contains("苏州") && t.Contains("人工智能");
        int firstPartial = texts.FindIndex(t => !Both(t));
        Assert.True(firstPartial > 0, "an article with both words comes first");
        Assert.True(texts.Skip(firstPartial).All(t => !Both(t)), "every article with both words comes before any with one");
        Assert.Contains(r.Hits.Skip(firstPartial), h => h.Id == "news/2"); // 杭州的人工智能: one word, still listed
    }

    [Fact]
    public async Task A_question_quoting_a_name_finds_the_passage_with_it()
    {
        // Quoted text must be there; the rest of the question ranks (it need not all be there).
        var r = await Search("「软件产业」在哪一年增长很快？");
        Assert.Equal("news/1", r.Hits[0].Id);
        Assert.All(r.Hits, h => Assert.Contains("软件产业", h.Snippet));
        // Quoted text found nowhere: the rest of the question still finds what it can, and says so.
        var nowhere = await Search("「量子计算产业」在哪一年增长很快？");
        Assert.NotEmpty(nowhere.Hits);
        Assert.Contains(nowhere.Notices, n => n.Text.Contains("quoted phrase"));
        // ...but never what the query excludes.
        var excluding = await Search("「量子计算产业」增长 -深圳");
        Assert.NotEmpty(excluding.Hits);
        Assert.DoesNotContain(excluding.Hits, h => h.Id == "news/1");
        // A phrase alone that is nowhere finds nothing: there is nothing else to search.
        Assert.Empty((await Search("\"量子计算产业\"")).Hits);
    }

    [Fact]
    public async Task Exact_phrase_must_occur_as_written()
    {
        var phrase = await Search("\"软件产业\"");
        Assert.Equal(["news/1"], phrase.Hits.Select(h => h.Id));
        var reversed = await Search("\"产业软件\"");
        Assert.Empty(reversed.Hits);
    }

    [Fact]
    public async Task Phrases_in_alternatives_and_in_titles_are_checked_where_they_belong()
    {
        var either = await Search("\"软件产业\" OR \"人工智能企业\"");
        Assert.Contains(either.Hits, h => h.Id == "news/1");
        Assert.Contains(either.Hits, h => h.Id == "news/2");
        var inTitle = await Search("title:\"苏州的软件园\"");
        Assert.Equal(["news/3"], inTitle.Hits.Select(h => h.Id));
        var bad = await _searcher.SearchAsync(new SearchRequest("软件", From: "yesterday"));
        Assert.Contains(bad.Notices, n => n.Text.Contains("not a date"));
    }

    [Fact]
    public async Task Exclusion_or_and_title_work()
    {
        Assert.DoesNotContain((await Search("软件 -深圳")).Hits, h => h.Id == "news/1");
        var or = await Search("深圳 OR 杭州");
        Assert.Contains(or.Hits, h => h.Id == "news/1");
        Assert.Contains(or.Hits, h => h.Id == "news/2");
        var title = await Search("title:人工智能");
        Assert.Contains(title.Hits, h => h.Id == "news/2");
        Assert.DoesNotContain(title.Hits, h => h.Id == "news/1");
    }

    [Fact]
    public async Task Filters_by_source_and_date_and_counts_facets()
    {
        var bySource = await Search("软件", source: "深圳日报");
        Assert.Equal(["news/1", "news/3"], bySource.Hits.Select(h => h.Id).Order());
        var inline = await Search("软件 source:深圳日报 from:2024-06");
        Assert.Equal(["news/3"], inline.Hits.Select(h => h.Id));
        var to = await Search("软件", to: "2024-03");
        Assert.Contains(to.Hits, h => h.Id == "news/1");
        Assert.DoesNotContain(to.Hits, h => h.Id == "news/3");
        var all = await Search("软件");
        Assert.Equal(2, all.Sources["深圳日报"]);
        Assert.Equal(2, all.Years[2024]);
    }

    [Fact]
    public async Task Pages_through_hits_without_overlap()
    {
        var first = await Search("苏州", page: 1, size: 2);
        var second = await Search("苏州", page: 2, size: 2);
        Assert.Equal(2, first.Hits.Count);
        Assert.NotEmpty(second.Hits);
        Assert.Empty(first.Hits.Select(h => h.Id).Intersect(second.Hits.Select(h => h.Id)));
        Assert.Equal(first.Total, second.Total);
        var beyond = await Search("苏州", page: 99, size: 2);
        Assert.Empty(beyond.Hits);
    }

    [Fact]
    public async Task An_article_replaced_or_deleted_while_a_search_reads_it_is_left_out_not_thrown()
    {
        // A search reads the matches, then (another statement) the texts; another connection may write between
        // them. A replace gives the article a new doc, so the doc matched has no text any more.
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        await index.AddBatchAsync([
            new Article("tide/1", "潮汐", "潮汐发电站建在海湾。"),
            new Article("tide/2", "潮汐", "潮汐能是一种可再生能源，潮汐发电很稳定。"),
            new Article("tide/3", "潮汐", "海湾的潮汐很大。"),
        ]);
        var searcher = new Searcher(index, new SearchOptions());
        string[] writes = ["replace", "delete"];
        int next = 0;
        index.AfterReadForTests = async stage =>
        {
            if (stage != ReadStage.Match || next >= writes.Length) return;
            if (writes[next++] == "replace") await index.AddAsync(new Article("tide/1", "风车", "风车磨坊建在河边。"));
            else await index.DeleteAsync("tide/2");
        };

        var replaced = await searcher.SearchAsync(new SearchRequest("潮汐发电"));
        Assert.Null(replaced.Error);
        Assert.DoesNotContain(replaced.Hits, h => h.Id == "tide/1");
        Assert.Contains(replaced.Hits, h => h.Id == "tide/2");

        var (passages, _) = await searcher.PassagesAsync("潮汐发电站在哪里", 5);
        Assert.DoesNotContain(passages, p => p.Id == "tide/2");
        Assert.All(passages, p => Assert.Contains("潮汐", p.ArticleText[p.Start..p.End]));
        Assert.Equal(2, next);
    }

    [Theory]
    [InlineData(int.MaxValue, 2)]      // page × size and (page − 1) × size overflow an int
    [InlineData(1 << 30, 4)]           // page × size wraps to exactly 0
    public async Task A_page_far_beyond_the_hits_is_empty_however_large_its_number(int page, int size)
    {
        var r = await Search("苏州", page: page, size: size);
        Assert.Null(r.Error);
        Assert.Empty(r.Hits);
        Assert.True(r.Total > 0);
        // Asking for no passages at all is an empty answer, not a failure.
        Assert.Empty((await _searcher.PassagesAsync("苏州的园区", 0)).Passages);
    }

    [Fact]
    public async Task Sorts_by_date_newest_first()
    {
        var r = await Search("软件 OR 人工智能", sort: SortOrder.Date);
        var dated = r.Hits.Where(h => h.Date is not null).Select(h => DateKeys.Parse(h.Date).Key).ToList();
        Assert.Equal(dated.OrderDescending(StringComparer.Ordinal), dated);
        Assert.True(dated.Count >= 2);
    }

    [Fact]
    public async Task Snippets_converted_for_display_keep_highlights_on_the_right_characters()
    {
        var r = await Search("苏州", script: ChineseScript.Hant);
        var hit = r.Hits.First(h => h.Id == "002_169a7ff4d43bd4dc");
        Assert.Contains("蘇州", hit.Snippet);
        Assert.All(hit.Highlights, h => Assert.Equal("蘇州", hit.Snippet[h.SnippetStart..h.SnippetEnd]));
    }

    [Fact]
    public async Task Snippets_mark_their_cuts_with_an_ellipsis_and_hold_whole_highlights()
    {
        var r = await Search("人工智能", size: 20);
        Assert.Contains(r.Hits, h => h.Snippet.StartsWith('…') || h.Snippet.EndsWith('…'));
        foreach (var hit in r.Hits)
        {
            string text = (await _index.GetAsync(hit.Id))!.Article.Text;
            // The snippet is the text between its offsets, with … where the passage goes on.
            Assert.Equal(hit.SnippetStart > hit.Start, hit.Snippet.StartsWith('…'));
            Assert.Equal(hit.SnippetEnd < hit.End, hit.Snippet.EndsWith('…'));
            Assert.Equal(text[hit.SnippetStart..hit.SnippetEnd], hit.Snippet.TrimStart('…').TrimEnd('…'));
            Assert.All(hit.Highlights, h => Assert.Equal(text[h.Start..h.End], hit.Snippet[h.SnippetStart..h.SnippetEnd]));
            Assert.All(hit.Highlights, h => Assert.True(hit.SnippetStart <= h.Start && h.End <= hit.SnippetEnd, "a highlight is cut"));
        }
    }

    [Theory]
    [InlineData("\"unbalanced quote")]
    [InlineData("OR")]
    [InlineData("-")]
    [InlineData("苏州 OR")]
    [InlineData("title:")]
    [InlineData("from:notadate 苏州")]
    [InlineData("((苏州))")]
    [InlineData("\"\"\"\"")]
    [InlineData("NEAR(苏州 杭州) AND * ^ :")]
    [InlineData("苏州 -苏州")]
    public async Task Malformed_queries_give_results_or_a_clear_message(string q)
    {
        var r = await Search(q);
        Assert.True(r.Error is not null || r.Understood is not null);
        if (r.Error is not null) Assert.Empty(r.Hits);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("，。！？")]
    [InlineData("-苏州")]
    public async Task Queries_with_nothing_to_search_say_so(string q)
    {
        var r = await Search(q);
        Assert.NotNull(r.Error);
        Assert.Empty(r.Hits);
    }

    [Fact]
    public async Task A_ten_thousand_character_query_is_refused_with_a_message()
    {
        var r = await Search(new string('苏', 10_000));
        Assert.Contains("2000", r.Error);
    }

    [Fact]
    public async Task Keyword_search_falls_back_to_any_term_with_a_notice()
    {
        var r = await Search("深圳 完全不存在的词语组合");
        Assert.Equal("any", r.Understood!.Mode);
        Assert.NotEmpty(r.Hits);
        Assert.Contains(r.Notices, n => n.Text.Contains("some of them"));
    }

    [Fact]
    public void Longest_common_stretch_is_measured_in_characters()
    {
        Assert.Equal(4, Searcher.LongestCommonStretch("苏州工业园区", "位于苏州工业的"));
        Assert.Equal(0, Searcher.LongestCommonStretch("杭州", "苏州"[..1]));
    }

    [Fact]
    public void Finding_Han_terms_in_the_folded_text_highlights_what_analysing_the_passage_does()
    {
        // The snippet's fast path must agree with the tokens: over every seed passage (both scripts, PDF mess),
        // for the terms of queries of one to four characters taken from the text itself.
        var random = new Random(7);
        int compared = 0, highlighted = 0;
        foreach (var seed in SearchIndexTests.Seeds())
            foreach (var p in PassageSplitter.Split(seed.Text).Take(12))
            {
                string passage = seed.Text[p.Start..p.End];
                for (int k = 0; k < 6; k++)
                {
                    int at = random.Next(passage.Length), length = random.Next(1, 5);
                    string query = passage.Substring(at, Math.Min(length, passage.Length - at));
                    var terms = fx.Analyzer.Analyze(query).Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
                    if (!Searcher.HanTermsOnly(terms)) continue;
                    var expected = Searcher.AnalysedTerms(fx.Analyzer, fx.Analyzer.Fold(passage), terms, Script.Simplified);
                    Assert.Equal(expected, Searcher.FindTerms(fx.Analyzer.Fold(passage), terms));
                    compared++;
                    if (expected.Count > 0) highlighted++;
                }
            }
        Assert.True(compared > 50 && highlighted > 50, $"{compared} compared, {highlighted} with highlights");
        // Lone characters and Latin words are not for the fast path: a character inside a word is not its token.
        Assert.False(Searcher.HanTermsOnly(["苏州", "苏"]));
        Assert.False(Searcher.HanTermsOnly(["deepseek"]));
        Assert.False(Searcher.HanTermsOnly(["𠀀"]));
        Assert.True(Searcher.HanTermsOnly(["𠀀字"]));
    }
}
