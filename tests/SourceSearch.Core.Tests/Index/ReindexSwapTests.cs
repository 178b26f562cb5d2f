using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Text;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Tests.Index;

/// <summary>Reindex builds beside the index in use and swaps the new one in only when complete.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class ReindexSwapTests(AnalysisFixture fx)
{
    private async Task<string> IndexWithHistoryAsync()
    {
        string dir = TestPaths.NewTempDirectory();
        using var index = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        await index.AddBatchAsync(SearchIndexTests.Seeds().ToList());
        await index.AddAsync(new Article("note", "潮汐", "潮汐发电站建在海湾。"));
        await index.AddAsync(new Article("note", "潮汐", "潮汐发电站建在海湾，二〇二四年投产。")); // a replace: history
        return dir;
    }

    private static async Task<List<string>> IdsFoundAsync(SearchIndex index, string q) =>
        [.. (await new Searcher(index, new SearchOptions()).SearchAsync(new SearchRequest(q, Size: 20))).Hits.Select(h => h.Id)];

    [Fact]
    public async Task Reindex_swaps_in_a_new_index_with_the_same_articles_and_history_and_can_change_the_analyzer()
    {
        string dir = await IndexWithHistoryAsync();
        Assert.Equal(6, await SearchIndex.ReindexIntoNewFolderAsync(dir, fx.Analyzer, TokenizerKind.SmartCn));
        Assert.Equal(["lucene", SearchIndex.FileName], Directory.EnumerateFileSystemEntries(dir).Select(p => Path.GetFileName(p)).Order().ToList());

        using var index = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.Equal(TokenizerKind.SmartCn, index.Tokenizer);
        Assert.Empty(await index.CheckAsync());
        Assert.Equal(6, await index.CountAsync());
        Assert.Equal("潮汐发电站建在海湾。", Assert.Single(await index.HistoryAsync("note")).Old!.Text);
        // Queries are analysed by SmartCn now: its words find the article, and a phrase of them too.
        Assert.Equal(["note"], await IdsFoundAsync(index, "发电站"));
        Assert.Equal(["note"], await IdsFoundAsync(index, "\"潮汐发电站\""));
        Assert.Contains("000_a64fa134920c1ffb", await IdsFoundAsync(index, "蘇州"));
    }

    [Fact]
    public async Task A_cut_reindex_leaves_the_index_in_use_as_it_was()
    {
        string dir = await IndexWithHistoryAsync();
        using var cut = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SearchIndex.ReindexIntoNewFolderAsync(dir, fx.Analyzer, TokenizerKind.SmartCn, new CutAfterFirst(cut), cut.Token));
        Assert.False(Directory.Exists(Path.Combine(dir, ".reindex")), "the unfinished new index is removed");

        // Opens as it was (no reindex asked for), with its analyzer, articles and history.
        using var index = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.Equal(TokenizerKind.Words, index.Tokenizer);
        Assert.Empty(await index.CheckAsync());
        Assert.Equal(6, await index.CountAsync());
        Assert.Single(await index.HistoryAsync("note"));
        Assert.Equal(["note"], await IdsFoundAsync(index, "发电站"));
    }

    [Fact]
    public async Task A_swap_cut_halfway_is_finished_by_the_next_open()
    {
        string dir = await IndexWithHistoryAsync();
        // A complete new index beside the old one, as a reindex leaves it just before its swap...
        string work = Path.Combine(dir, ".reindex");
        using (var rebuilt = await SearchIndex.OpenAsync(work, fx.Analyzer)) await rebuilt.AddAsync(new Article("new", "新", "只在新索引里的文章。"));
        await File.WriteAllTextAsync(Path.Combine(work, "complete"), "");
        // ...and a swap cut after its first step: the old store set aside, the new one not yet in place.
        Directory.CreateDirectory(Path.Combine(dir, ".reindex-old"));
        File.Move(Path.Combine(dir, SearchIndex.FileName), Path.Combine(dir, ".reindex-old", SearchIndex.FileName));

        using var index = await SearchIndex.OpenAsync(dir, fx.Analyzer, create: false);
        Assert.Equal(1, await index.CountAsync());
        Assert.Equal(["new"], await IdsFoundAsync(index, "新索引"));
        Assert.Empty(await index.CheckAsync());
        Assert.False(Directory.Exists(work));
        Assert.False(Directory.Exists(Path.Combine(dir, ".reindex-old")));
    }

    private sealed class CutAfterFirst(CancellationTokenSource cut) : IProgress<int>
    {
        public void Report(int value) => cut.Cancel();
    }
}
