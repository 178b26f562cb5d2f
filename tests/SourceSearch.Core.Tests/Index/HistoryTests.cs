using Microsoft.Extensions.Configuration;
using Microsoft.Data.Sqlite;
using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Text;

namespace SourceSearch.Tests.Index;

/// <summary>The audit log of replaces and deletes, and restoring old versions within the window.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class HistoryTests(AnalysisFixture fx)
{
    /// <summary>A clock the test moves on by hand.</summary>
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly Actor Alice = new("cli:alice");
    private static readonly Actor Web = new("token holder", "192.0.2.7");

    private async Task<SearchIndex> NewIndexAsync() => await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);

    private static async Task<int> TotalAsync(SearchIndex index, string q) =>
        (await new Searcher(index, new SearchOptions()).SearchAsync(new SearchRequest(q))).Total;

    [Fact]
    public async Task Replace_and_delete_record_who_when_and_the_old_version()
    {
        using var index = await NewIndexAsync();
        var first = new Article("news/1", "苹果", "苹果很好吃，红富士最甜。", Source: "果园报");
        await index.AddAsync(first, Alice);
        Assert.Empty(await index.HistoryAsync("news/1")); // adding is not a change to an article

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.Equal(AddOutcome.Replaced, await index.AddAsync(new Article("news/1", "香蕉", "香蕉很好吃。"), Web));
        Assert.Equal(AddOutcome.Unchanged, await index.AddAsync(new Article("news/1", "香蕉", "香蕉很好吃。"), Web));
        Assert.True(await index.DeleteAsync("news/1", Alice));

        var log = await index.HistoryAsync("news/1");
        Assert.Equal(2, log.Count);
        Assert.Equal([1, 2], log.Select(e => e.Version));
        Assert.Equal(["replace", "delete"], log.Select(e => e.Action));
        Assert.Equal(["token holder", "cli:alice"], log.Select(e => e.Who));
        Assert.Equal(["192.0.2.7", null], log.Select(e => e.Address));
        Assert.All(log, e => Assert.InRange(e.At, before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Equal(first, log[0].Old);
        Assert.Equal("香蕉很好吃。", log[1].Old!.Text);
        Assert.All(log, e => Assert.Matches("^[0-9a-f]{16}$", e.OldHash!));
        Assert.NotEqual(log[0].OldHash, log[1].OldHash);
        Assert.All(log, e => Assert.True(e.Restorable));

        // The whole log, newest first, and the index stays sound.
        Assert.Equal(["delete", "replace"], (await index.HistoryAsync(null)).Select(e => e.Action));
        Assert.Empty(await index.CheckAsync());
    }

    [Fact]
    public async Task A_deleted_or_replaced_article_is_restored_and_searchable_again()
    {
        using var index = await NewIndexAsync();
        await index.AddAsync(new Article("a", "园林", "苏州的园林甲天下，拙政园最有名。"), Alice);
        await index.AddAsync(new Article("a", "西湖", "杭州的西湖很美。"), Alice);
        Assert.Equal(0, await TotalAsync(index, "拙政园"));

        var restored = await index.RestoreAsync("a", actor: Web);
        Assert.Equal(RestoreStatus.Restored, restored.Status);
        Assert.Equal(1, restored.Version);
        Assert.Equal("苏州的园林甲天下，拙政园最有名。", (await index.GetAsync("a"))!.Article.Text);
        Assert.Equal(1, await TotalAsync(index, "拙政园"));
        Assert.Equal(0, await TotalAsync(index, "西湖"));

        // The restore kept the version it replaced: the West Lake text can come back in turn.
        var log = await index.HistoryAsync("a");
        Assert.Equal(("restore", "token holder", "杭州的西湖很美。"), (log[^1].Action, log[^1].Who, log[^1].Old!.Text));
        Assert.Equal(RestoreStatus.Restored, (await index.RestoreAsync("a", 2)).Status);
        Assert.Equal(1, await TotalAsync(index, "西湖"));

        Assert.True(await index.DeleteAsync("a"));
        Assert.Null(await index.GetAsync("a"));
        Assert.Equal(RestoreStatus.Restored, (await index.RestoreAsync("a", 1)).Status);
        Assert.Equal("园林", (await index.GetAsync("a"))!.Article.Title);
        Assert.Equal(1, await TotalAsync(index, "拙政园"));
        Assert.Empty(await index.CheckAsync());
    }

    [Fact]
    public async Task Restore_refuses_unknown_articles_and_versions_and_an_unchanged_article()
    {
        using var index = await NewIndexAsync();
        Assert.Equal(RestoreStatus.NoSuchArticle, (await index.RestoreAsync("nobody")).Status);
        await index.AddAsync(new Article("b", "", "第一版"));
        var never = await index.RestoreAsync("b");
        Assert.Equal(RestoreStatus.NoSuchArticle, never.Status);
        Assert.Contains("never been replaced or deleted", never.Message);

        await index.AddAsync(new Article("b", "", "第二版"));
        var missing = await index.RestoreAsync("b", 7);
        Assert.Equal(RestoreStatus.NoSuchVersion, missing.Status);
        Assert.Contains("1 to 1", missing.Message);

        await index.RestoreAsync("b", 1);
        var same = await index.RestoreAsync("b", 1);
        Assert.Equal(RestoreStatus.Unchanged, same.Status);
        Assert.Equal("第一版", (await index.GetAsync("b"))!.Article.Text);
        Assert.Equal(2, (await index.HistoryAsync("b")).Count); // the refused restore wrote nothing
    }

    [Fact]
    public async Task Versions_past_the_window_cannot_be_restored_and_their_content_is_purged()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var index = await NewIndexAsync();
        index.Clock = clock;
        index.RestoreDays = 30;
        await index.AddAsync(new Article("c", "", "旧的文字"));
        await index.AddAsync(new Article("c", "", "新的文字"));     // v1 kept on 1 January

        clock.Now = clock.Now.AddDays(29);
        Assert.True((await index.HistoryAsync("c"))[0].Restorable);

        clock.Now = clock.Now.AddDays(2);                          // 31 days on
        var entry = Assert.Single(await index.HistoryAsync("c"));
        Assert.False(entry.Restorable);
        var refused = await index.RestoreAsync("c", 1);
        Assert.Equal(RestoreStatus.Expired, refused.Status);
        Assert.Contains("30 days", refused.Message);
        Assert.Equal("新的文字", (await index.GetAsync("c"))!.Article.Text);

        // The next change purges the old content; the audit entry stays.
        await index.DeleteAsync("c");
        var log = await index.HistoryAsync("c");
        Assert.Equal(2, log.Count);
        Assert.Null(log[0].Old);
        Assert.NotNull(log[0].OldHash);
        Assert.Equal("新的文字", log[1].Old!.Text);
        await using var c = new SqliteConnection($"Data Source={index.DatabasePath};Pooling=False");
        await c.OpenAsync();
        var cmd = c.CreateCommand();
        // Texts are stored as UTF-16 bytes, which LIKE with a text pattern never matches: they are read and decoded.
        cmd.CommandText = "SELECT text FROM history WHERE text IS NOT NULL";
        var kept = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) kept.Add(r.GetValue(0) is byte[] bytes ? System.Text.Encoding.Unicode.GetString(bytes) : r.GetString(0));
        Assert.Equal(["新的文字"], kept);
    }

    [Fact]
    public async Task A_window_of_0_days_keeps_no_content_and_windows_are_bounded()
    {
        using var index = await NewIndexAsync();
        index.RestoreDays = 0;
        await index.AddAsync(new Article("z", "", "不留的旧文字"));
        await index.AddAsync(new Article("z", "", "新文字"));
        var entry = Assert.Single(await index.HistoryAsync("z"));
        Assert.Null(entry.Old);
        Assert.NotNull(entry.OldHash); // the audit entry stays
        Assert.Equal(RestoreStatus.Expired, (await index.RestoreAsync("z")).Status);
        await using (var c = new SqliteConnection($"Data Source={index.DatabasePath};Pooling=False"))
        {
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM history WHERE text IS NOT NULL OR title IS NOT NULL";
            Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
        }

        // A window past the range of dates was an exception on every replace; it is now held to a hundred years.
        index.RestoreDays = int.MaxValue;
        Assert.Equal(AddOutcome.Replaced, await index.AddAsync(new Article("z", "", "再新的文字")));
        Assert.True((await index.HistoryAsync("z"))[^1].Restorable);

        IConfiguration Setting(string value) => new ConfigurationBuilder().AddInMemoryCollection([new("Index:RestoreDays", value)]).Build();
        Assert.Equal(SearchIndex.MaxRestoreDays, SearchIndex.RestoreDaysFrom(Setting("36500")));
        Assert.Equal(0, SearchIndex.RestoreDaysFrom(Setting("0")));
        Assert.Contains("at most 36,500", Assert.Throws<IndexUnusableException>(() => SearchIndex.RestoreDaysFrom(Setting("36501"))).Message);
        Assert.Contains("whole number", Assert.Throws<IndexUnusableException>(() => SearchIndex.RestoreDaysFrom(Setting("-1"))).Message);
        Assert.Contains("whole number", Assert.Throws<IndexUnusableException>(() => SearchIndex.RestoreDaysFrom(Setting("99999999999"))).Message);
    }

    [Fact]
    public async Task An_index_made_before_the_audit_log_gets_it_when_opened()
    {
        string dir = TestPaths.NewTempDirectory();
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer)) await index.AddAsync(new Article("d", "", "第一版"));
        await using (var c = new SqliteConnection($"Data Source={SearchIndex.PathIn(dir)};Pooling=False"))
        {
            await c.OpenAsync();
            var drop = c.CreateCommand();
            drop.CommandText = "DROP TABLE history";
            await drop.ExecuteNonQueryAsync();
        }
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer))
        {
            await index.AddAsync(new Article("d", "", "第二版"));
            Assert.Equal("第一版", Assert.Single(await index.HistoryAsync("d")).Old!.Text);
            Assert.Empty(await index.CheckAsync());
        }
    }
}
