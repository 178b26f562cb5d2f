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

    private static async Task<List<string>> Ids(SearchIndex index, string query) =>
        [.. (await new Searcher(index, new SearchOptions()).SearchAsync(new SearchRequest(query, Size: 100))).Hits.Select(h => h.Id)];

    [Fact]
    public async Task A_deleted_full_text_folder_is_rebuilt_from_the_store_with_progress()
    {
        string dir = TestPaths.NewTempDirectory();
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer))
            await index.AddBatchAsync([Make("a", "甲乙"), Make("b", "丙丁")]);
        Directory.Delete(Path.Combine(dir, SearchIndex.FullTextFolderName), recursive: true);
        var reported = new List<(long, long)>();
        using var reopened = await SearchIndex.OpenAsync(dir, fx.Analyzer, rebuildProgress: new Progress(reported));
        Assert.Equal(["a"], await Ids(reopened, "甲乙"));
        Assert.Equal(["b"], await Ids(reopened, "丙丁"));
        Assert.Equal((2L, 2L), reported[^1]);
        Assert.Empty(await reopened.CheckAsync());
    }

    [Fact]
    public async Task A_damaged_full_text_folder_is_set_aside_and_rebuilt()
    {
        string dir = TestPaths.NewTempDirectory();
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer))
            await index.AddAsync(Make("a", "甲乙"));
        string lucene = Path.Combine(dir, SearchIndex.FullTextFolderName);
        LuceneIndexTests.DamageSegments(lucene, [1, 2, 3]);
        using var reopened = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.Equal(["a"], await Ids(reopened, "甲乙"));
        Assert.Single(Directory.GetDirectories(dir, SearchIndex.FullTextFolderName + ".damaged-*"));
        Assert.Empty(await reopened.CheckAsync());
    }

    [Fact]
    public async Task A_full_text_index_of_another_analysis_asks_for_reindex()
    {
        string dir = TestPaths.NewTempDirectory();
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer))
            await index.AddAsync(Make("a", "甲乙"));
        using (var lucene = SourceSearch.Index.Lucene.LuceneIndex.Open(Path.Combine(dir, SearchIndex.FullTextFolderName)))
            lucene.Commit(lucene.CommittedSequence, "analyzer=0;another");
        var e = await Assert.ThrowsAsync<IndexMismatchException>(() => SearchIndex.OpenAsync(dir, fx.Analyzer));
        Assert.Contains("reindex", e.Message);
        using (var fixing = await SearchIndex.OpenAsync(dir, fx.Analyzer, allowMismatch: true)) await fixing.ReindexAsync();
        using var reopened = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.Equal(["a"], await Ids(reopened, "甲乙"));
    }

    [Fact]
    public async Task Writes_of_a_process_without_the_write_lock_reach_the_writer_s_searches_within_seconds()
    {
        // Two opens of one folder stand for the server (the writer) and a CLI import (a writer of the store only).
        string dir = TestPaths.NewTempDirectory();
        using var server = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        using (var cli = await SearchIndex.OpenAsync(dir, fx.Analyzer))
        {
            Assert.False(cli.FullText.IsWriter);
            await cli.AddAsync(Make("from-cli", "戊己"));
        }
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await Ids(server, "戊己")).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(["from-cli"], await Ids(server, "戊己"));
        Assert.Empty(await server.CheckAsync());
    }

    [Fact]
    public async Task A_store_commit_not_yet_in_the_full_text_index_is_replayed_at_the_next_open()
    {
        // What a kill between the store's commit and Lucene's leaves: the store ahead of the last Lucene commit.
        string dir = TestPaths.NewTempDirectory();
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer)) await index.AddAsync(Make("a", "甲乙"));
        string lucene = Path.Combine(dir, SearchIndex.FullTextFolderName);
        string copy = lucene + ".before";
        CopyFolder(lucene, copy);
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer))
        {
            await index.AddAsync(Make("b", "丙丁"));
            Assert.True(await index.DeleteAsync("a"));
        }
        Directory.Delete(lucene, recursive: true);
        Directory.Move(copy, lucene); // Lucene as of before those writes
        using var reopened = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.Equal(["b"], await Ids(reopened, "丙丁"));
        Assert.Empty(await Ids(reopened, "甲乙"));
        Assert.Empty(await reopened.CheckAsync());
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
            if (!f.EndsWith("write.lock", StringComparison.Ordinal)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    private sealed class Progress(List<(long, long)> into) : IProgress<(long Done, long Total)>
    {
        public void Report((long Done, long Total) value) => into.Add(value);
    }
}
