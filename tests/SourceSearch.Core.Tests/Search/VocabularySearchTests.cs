using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Index;
using SourceSearch.Tests.Text;
using SourceSearch.Text;

namespace SourceSearch.Tests.Search;

/// <summary>Regional vocabulary is a synonym of Traditional-script text, never a replacement: precision, recall, ranking, highlights.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class VocabularySearchTests(AnalysisFixture fx) : IAsyncLifetime
{
    private SearchIndex _index = null!;
    private Searcher _searcher = null!;

    private const string Taiwan = "tw/1";       // writes 軟體 and 記憶體
    private const string Mainland = "cn/1";     // writes 软件 and 内存
    private const string TaiwanText = "臺灣的軟體公司推出新的記憶體產品，資訊業者紛紛跟進。";
    private const string MainlandText = "深圳的软件公司推出新的内存产品，信息产业随之跟进。";

    public async Task InitializeAsync()
    {
        _index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        var articles = SearchIndexTests.Seeds().ToList();
        articles.Add(new Article(Taiwan, "新產品", TaiwanText));
        articles.Add(new Article(Mainland, "新产品", MainlandText));
        await _index.AddBatchAsync(articles);
        _searcher = new Searcher(_index, new SearchOptions(), fx.OpenCc);
    }

    public Task DisposeAsync()
    {
        _index.Dispose();
        return Task.CompletedTask;
    }

    private Task<SearchResponse> Search(string q, ChineseScript? script = null) =>
        _searcher.SearchAsync(new SearchRequest(q, Size: 50, DisplayScript: script));

    private static IEnumerable<string> SimplifiedSeeds =>
        TestPaths.SeedArticles.Where(p => p != TestPaths.TraditionalSeed).Select(Path.GetFileNameWithoutExtension)!;

    [Theory]
    [InlineData("内核")]
    [InlineData("指针")]
    [InlineData("创建")]
    [InlineData("打开")]
    [InlineData("在线")]
    public async Task A_Simplified_seed_is_never_found_through_a_word_it_does_not_contain(string query)
    {
        var r = await Search(query);
        foreach (var seed in SimplifiedSeeds)
        {
            Assert.DoesNotContain(r.Hits, h => h.Id == seed);
            Assert.DoesNotContain(query, File.ReadAllText(Path.Combine(TestPaths.Corpus, seed + ".txt")));
        }
    }

    [Theory]
    [InlineData("软件")]
    [InlineData("内存")]
    public async Task Mainland_words_find_Taiwan_text_below_text_that_has_them(string query)
    {
        var ids = (await Search(query)).Hits.Select(h => h.Id).ToList();
        Assert.Contains(Taiwan, ids);
        Assert.Contains(Mainland, ids);
        Assert.True(ids.IndexOf(Mainland) < ids.IndexOf(Taiwan), $"literal {Mainland} ranks above synonym-only {Taiwan}: {string.Join(", ", ids)}");
    }

    [Theory]
    [InlineData("軟體")]
    [InlineData("記憶體")]
    public async Task Taiwan_words_find_mainland_text_below_text_that_has_them(string query)
    {
        var ids = (await Search(query)).Hits.Select(h => h.Id).ToList();
        Assert.Contains(Taiwan, ids);
        Assert.Contains(Mainland, ids);
        Assert.True(ids.IndexOf(Taiwan) < ids.IndexOf(Mainland), $"literal {Taiwan} ranks above {Mainland}: {string.Join(", ", ids)}");
    }

    [Fact]
    public async Task A_synonym_match_highlights_the_characters_that_matched()
    {
        var hit = Assert.Single((await Search("软件")).Hits, h => h.Id == Taiwan);
        var marked = hit.Highlights.Select(h => TaiwanText[h.Start..h.End]).ToList();
        Assert.Contains("軟體", marked);
        Assert.All(hit.Highlights, h => Assert.Equal(TaiwanText[h.Start..h.End], hit.Snippet[h.SnippetStart..h.SnippetEnd]));
    }

    [Fact]
    public async Task Display_in_Simplified_shows_what_a_Simplified_article_says()
    {
        // The defect this guards: 核心企业 shown as 内核企业 under 简体 display.
        var r = await Search("核心企业", ChineseScript.Hans);
        var hit = r.Hits.First(h => SimplifiedSeeds.Contains(h.Id));
        string text = (await _index.GetAsync(hit.Id))!.Article.Text;
        Assert.Equal(text[hit.SnippetStart..hit.SnippetEnd], hit.Snippet.Trim('…'));
        Assert.DoesNotContain("内核", hit.Snippet);
        Assert.All(hit.Highlights, h => Assert.Equal(text[h.Start..h.End], hit.Snippet[h.SnippetStart..h.SnippetEnd]));
    }

    [Fact]
    public async Task Display_in_Simplified_changes_the_characters_of_Taiwan_text_but_not_its_words()
    {
        var hit = Assert.Single((await Search("记忆体", ChineseScript.Hans)).Hits, h => h.Id == Taiwan);
        Assert.Contains("软体", hit.Snippet);
        Assert.Contains("记忆体", hit.Snippet);
        Assert.DoesNotContain("软件", hit.Snippet);
    }
}
