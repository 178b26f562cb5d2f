using Microsoft.Data.Sqlite;
using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Text;

namespace SourceSearch.Tests.Index;

/// <summary>What an import leaves running when it fails, what a disposed index still holds, and settings that must not leak.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class IndexLifecycleTests(AnalysisFixture fx)
{
    private static readonly string Seed = File.ReadAllText(TestPaths.SeedArticles[1]);

    private static Article Make(string id, string marker) => new(id, "", $"{marker}。\n\n" + Seed[..600]);

    private static int OpenHandles(string dir) => Directory.GetFiles("/proc/self/fd").Count(f =>
    {
        try { return new FileInfo(f).LinkTarget?.StartsWith(dir, StringComparison.Ordinal) == true; }
        catch (IOException) { return false; }
    });

    [Fact]
    public async Task A_failed_import_has_stopped_reading_its_input_when_it_throws()
    {
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        int produced = 0;
        bool sourceDone = false;
        async IAsyncEnumerable<Article> Source()
        {
            try
            {
                for (int i = 0; i < 20_000; i++)
                {
                    Interlocked.Increment(ref produced);
                    await Task.Yield();
                    yield return Make($"f/{i}", $"乙{i}");
                }
            }
            finally { Volatile.Write(ref sourceDone, true); }
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => index.ImportAsync(Source(), null,
            new ImportOptions { AnalysisThreads = 2, TransactionSize = 64 }, _ => throw new InvalidOperationException("the caller failed")));
        // The reading task was waited for: the source was disposed before the import returned, and no more is read.
        Assert.True(Volatile.Read(ref sourceDone), "the input was still being read after the import returned");
        int atReturn = Volatile.Read(ref produced);
        Assert.InRange(atReturn, 1, 19_999);
        await Task.Delay(200);
        Assert.Equal(atReturn, Volatile.Read(ref produced));
    }

    [Fact]
    public async Task A_transaction_is_committed_when_its_texts_reach_the_character_limit_whatever_the_count()
    {
        // A bulk load of long articles must not hold tens of thousands of them in memory until one commit.
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        var articles = Enumerable.Range(0, 12).Select(i => Make($"long/{i}", $"丙{i}")).ToList();
        int length = articles[0].Text.Length;
        var batches = new List<int>();
        await index.ImportAsync(articles.ToAsyncEnumerable(), null,
            new ImportOptions { TransactionSize = 10_000, TransactionChars = 3L * length, BulkLoad = true },
            done => { batches.Add(done.Count); return Task.CompletedTask; });
        Assert.Equal([3, 3, 3, 3], batches);
        Assert.Equal(12, await index.CountAsync());
    }

    [Fact]
    public async Task A_disposed_index_refuses_searches_and_holds_no_file_open()
    {
        string dir = TestPaths.NewTempDirectory();
        var index = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        await index.AddAsync(Make("z", "己"));
        var searcher = new Searcher(index, new SearchOptions());
        Assert.True((await searcher.SearchAsync(new SearchRequest("苏州"))).Total > 0);
        index.Dispose();
        Assert.Equal(0, OpenHandles(dir));
        // A request arriving during shutdown used to open a new connection (and the database files) again.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => searcher.SearchAsync(new SearchRequest("苏州")));
        Assert.Equal(0, OpenHandles(dir));
    }

    [Fact]
    public async Task Search_connections_keep_their_settings_to_themselves()
    {
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        // More readers than are kept idle: the extra one is closed, not handed to SqliteConnection's pool.
        var readers = new List<SearchIndex.Reader>();
        for (int i = 0; i < 20; i++) readers.Add(await index.RentReaderAsync(default));
        foreach (var r in readers) index.Return(r);
        for (int i = 0; i < 3; i++)
        {
            await using var c = await index.ConnectAsync(default);
            var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA mmap_size";
            Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!); // a writer's connection, without the readers' memory map
        }
    }

    [Fact]
    public async Task Merging_left_lazy_by_a_killed_bulk_import_is_set_back_when_the_index_is_opened()
    {
        string dir = TestPaths.NewTempDirectory();
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer)) await index.AddAsync(Make("m", "庚"));
        SqliteConnection.ClearAllPools();
        async Task<object?> AutomergeAsync(string? set = null)
        {
            await using var c = new SqliteConnection($"Data Source={SearchIndex.PathIn(dir)};Pooling=False");
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = set ?? "SELECT v FROM fts_config WHERE k = 'automerge'";
            return await cmd.ExecuteScalarAsync();
        }
        // What `import --bulk` sets while loading, left behind as a kill would leave it.
        await AutomergeAsync("INSERT INTO fts(fts, rank) VALUES('automerge', 16)");
        Assert.Equal(16L, await AutomergeAsync());
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer)) Assert.Empty(await index.CheckAsync());
        SqliteConnection.ClearAllPools();
        Assert.Equal(4L, await AutomergeAsync());
    }
}
