using Microsoft.Data.Sqlite;
using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Text;
using SourceSearch.Text;

namespace SourceSearch.Tests.Index;

[Collection(AnalysisCollection.Name)]
public sealed class SearchIndexTests(AnalysisFixture fx)
{
    internal static IEnumerable<Article> Seeds() =>
        TestPaths.SeedArticles.Select(p => new Article(Path.GetFileNameWithoutExtension(p), File.ReadLines(p).First(l => l.Trim().Length > 0).Trim(), File.ReadAllText(p)));

    private async Task<SearchIndex> NewIndexAsync(IEnumerable<Article>? articles = null)
    {
        var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        if (articles is not null) await index.AddBatchAsync(articles.ToList());
        return index;
    }

    private static Task<SearchResponse> Search(SearchIndex index, string q, int size = 10) =>
        new Searcher(index, new SearchOptions()).SearchAsync(new SearchRequest(q, Size: size));

    [Fact]
    public async Task Check_finds_a_sound_index_sound_while_another_process_writes_to_it()
    {
        string dir = TestPaths.NewTempDirectory();
        using var server = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        await server.AddBatchAsync(Seeds().ToList());
        // Another process (a CLI import while the server runs): the same file through a path of another spelling,
        // so its connections are not the server's pooled ones.
        using var import = await SearchIndex.OpenAsync(Path.Combine(dir, "."), fx.Analyzer);
        string seed = Seeds().First().Text;
        for (int round = 0; round < 12; round++)
        {
            Assert.True((await Search(server, "苏州")).Total > 0); // the server's pooled connection reads the FTS index
            await import.AddBatchAsync([.. Enumerable.Range(0, 40).Select(i => new Article($"import/{round}/{i}", "", $"第{round}轮 {i}。" + seed[(i * 37 % 2000)..]))]);
            var problems = await server.CheckAsync();
            Assert.True(problems.Count == 0, $"round {round}: " + string.Join("; ", problems));
        }
    }

    [Fact]
    public async Task Stores_text_verbatim_with_passages_that_cover_it()
    {
        using var index = await NewIndexAsync(Seeds());
        foreach (var seed in Seeds())
        {
            var stored = await index.GetAsync(seed.Id);
            Assert.NotNull(stored);
            Assert.Equal(seed.Text, stored.Article.Text);
            Assert.NotEmpty(stored.Passages);
            Assert.All(stored.Passages, p => Assert.InRange(p.End, p.Start + 1, seed.Text.Length));
        }
        Assert.Equal(Script.Traditional, (await index.GetAsync("000_a64fa134920c1ffb"))!.Script);
        Assert.Equal(Script.Simplified, (await index.GetAsync("002_169a7ff4d43bd4dc"))!.Script);
        Assert.Empty(await index.CheckAsync());
    }

    [Fact]
    public async Task Ids_are_kept_exactly()
    {
        using var index = await NewIndexAsync();
        const string id = "a/b#c d/苏州";
        await index.AddAsync(new Article(id, "", "苏州的园区"));
        Assert.Equal(id, (await index.GetAsync(id))!.Article.Id);
        var r = await Search(index, "园区");
        Assert.Equal(id, Assert.Single(r.Hits).Id);
    }

    [Fact]
    public async Task Re_adding_an_id_replaces_and_unchanged_is_skipped()
    {
        using var index = await NewIndexAsync();
        Assert.Equal(AddOutcome.Added, await index.AddAsync(new Article("x", "t", "苹果很好吃")));
        Assert.Equal(AddOutcome.Unchanged, await index.AddAsync(new Article("x", "t", "苹果很好吃")));
        Assert.Equal(AddOutcome.Replaced, await index.AddAsync(new Article("x", "t", "香蕉很好吃")));
        Assert.Empty((await Search(index, "苹果")).Hits);
        Assert.Single((await Search(index, "香蕉")).Hits);
        Assert.Equal(1, await index.CountAsync());
        Assert.Empty(await index.CheckAsync());
    }

    [Fact]
    public async Task Delete_removes_from_results()
    {
        using var index = await NewIndexAsync(Seeds());
        Assert.Contains((await Search(index, "思必驰")).Hits, h => h.Id == "003_50eb1480be7b79c3");
        Assert.True(await index.DeleteAsync("003_50eb1480be7b79c3"));
        Assert.DoesNotContain((await Search(index, "思必驰")).Hits, h => h.Id == "003_50eb1480be7b79c3");
        Assert.False(await index.DeleteAsync("003_50eb1480be7b79c3"));
        Assert.Null(await index.GetAsync("003_50eb1480be7b79c3"));
        Assert.Empty(await index.CheckAsync());
    }

    [Fact]
    public async Task Refuses_articles_without_id_or_text_and_keeps_the_index_sound()
    {
        using var index = await NewIndexAsync();
        await Assert.ThrowsAsync<ArticleRejectedException>(() => index.AddAsync(new Article("", "t", "text")));
        await Assert.ThrowsAsync<ArticleRejectedException>(() => index.AddAsync(new Article("empty", "t", "  \n ")));
        Assert.Equal(0, await index.CountAsync());
        Assert.Empty(await index.CheckAsync());
    }

    [Fact]
    public async Task The_same_article_in_both_scripts_is_shown_once_with_the_other_linked()
    {
        using var index = await NewIndexAsync();
        // An article and its character-by-character edition in the other script. (An edition with
        // Taiwan vocabulary, 软件 → 軟體, is a different text and stays a hit of its own.)
        const string simplified = "苏州工业园区的人工智能产业发展很快。\n园区里的企业越来越多，研发投入也在增长。";
        string traditional = fx.OpenCc.Convert(simplified, ChineseScript.Hant);
        Assert.NotEqual(simplified, traditional);
        await index.AddAsync(new Article("other", "o", "苏州的人工智能产业。"));
        await index.AddAsync(new Article("simp", "s", simplified));
        await index.AddAsync(new Article("trad", "t", traditional));
        var r = await Search(index, "苏州 园区");
        // The edition has both words and comes first, once; "other" has one of them and follows.
        Assert.Equal(2, r.Hits.Count);
        Assert.Equal("other", r.Hits[1].Id);
        var hit = r.Hits[0];
        Assert.Single(hit.OtherVersions);
        Assert.Contains(hit.Id == "simp" ? "trad" : "simp", hit.OtherVersions);
        Assert.Equal(["trad"], (await index.GetAsync("simp"))!.OtherVersions);
    }

    [Fact]
    public async Task Passage_numbers_and_offsets_survive_reindexing_and_re_adding_unchanged_text()
    {
        // Citable links (/articles/{id}#pN) rely on this: the N-th passage of an unchanged text stays the same span.
        using var index = await NewIndexAsync(Seeds());
        var before = new Dictionary<string, IReadOnlyList<Passage>>();
        foreach (var seed in Seeds()) before[seed.Id] = (await index.GetAsync(seed.Id))!.Passages;
        Assert.Contains(before.Values, p => p.Count >= 5);

        Assert.Equal(before.Count, await index.ReindexAsync());
        foreach (var seed in Seeds()) Assert.Equal(before[seed.Id], (await index.GetAsync(seed.Id))!.Passages);

        var outcomes = await index.AddBatchAsync(Seeds().ToList());
        Assert.All(outcomes, o => Assert.Equal(AddOutcome.Unchanged, o));
        foreach (var seed in Seeds()) Assert.Equal(before[seed.Id], (await index.GetAsync(seed.Id))!.Passages);

        // A changed text may move them: the check above is not vacuous.
        var first = Seeds().First(s => before[s.Id].Count >= 5);
        await index.AddAsync(first with { Text = "新的开头段落，内容完全不同。\n\n" + first.Text });
        Assert.NotEqual(before[first.Id], (await index.GetAsync(first.Id))!.Passages);
    }

    [Fact]
    public async Task An_index_built_by_another_analysis_says_to_reindex_and_reindex_fixes_it()
    {
        string dir = TestPaths.NewTempDirectory();
        using (var index = await SearchIndex.OpenAsync(dir, fx.Plain)) await index.AddAsync(new Article("x", "", "俞凯创立了思必驰"));
        var e = await Assert.ThrowsAsync<IndexMismatchException>(() => SearchIndex.OpenAsync(dir, fx.Analyzer));
        Assert.Contains("sourcesearch reindex", e.Message);

        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer, allowMismatch: true))
        {
            Assert.Contains(await index.CheckAsync(), p => p.Contains("reindex"));
            Assert.Equal(1, await index.ReindexAsync());
        }
        using var again = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.Empty(await again.CheckAsync());
        Assert.Single((await Search(again, "思必驰")).Hits);
    }

    [Fact]
    public async Task A_missing_index_is_a_clear_error_when_not_creating()
    {
        var e = await Assert.ThrowsAsync<IndexUnusableException>(() => SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer, create: false));
        Assert.Contains("sourcesearch import", e.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_reported_not_thrown_raw()
    {
        string dir = TestPaths.NewTempDirectory();
        await File.WriteAllTextAsync(SearchIndex.PathIn(dir), "this is not a database, just text that is long enough to have a header");
        var e = await Assert.ThrowsAsync<IndexUnusableException>(() => SearchIndex.OpenAsync(dir, fx.Analyzer));
        Assert.Contains(SearchIndex.PathIn(dir), e.Message);
    }

    [Theory]
    [InlineData("UPDATE articles SET doc = doc + 1000000 WHERE doc = (SELECT min(doc) FROM articles)", "missing from the full-text index")]
    [InlineData("UPDATE articles SET passages = x'ff' WHERE doc = (SELECT min(doc) FROM articles)", "unreadable passage list")]
    [InlineData("UPDATE articles SET passages = x'00ffff03' WHERE doc = (SELECT min(doc) FROM articles)", "unreadable passage list")]
    [InlineData("DELETE FROM articles WHERE doc = (SELECT min(doc) FROM articles)", "the store does not have")]
    // One passage more (empty, at the end of the text) than the full-text index has.
    [InlineData("UPDATE articles SET passages = CAST(passages || x'0000' AS BLOB) WHERE doc = (SELECT min(doc) FROM articles)", "another number of passages")]
    [InlineData("UPDATE articles SET id_key = id_key + 1 WHERE doc = (SELECT min(doc) FROM articles)", "filed under another id's key")]
    [InlineData("UPDATE articles SET id = (SELECT id FROM articles ORDER BY doc DESC LIMIT 1), id_key = (SELECT id_key FROM articles ORDER BY doc DESC LIMIT 1) WHERE doc = (SELECT min(doc) FROM articles)", "more than one article")]
    public async Task Check_finds_damage_to_the_index(string damage, string reported)
    {
        string dir = TestPaths.NewTempDirectory();
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer))
        {
            await index.AddBatchAsync(Seeds().ToList());
            Assert.Empty(await index.CheckAsync());
        }
        await using (var c = new SqliteConnection($"Data Source={SearchIndex.PathIn(dir)};Pooling=False"))
        {
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = damage;
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        using var reopened = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.Contains(await reopened.CheckAsync(), p => p.Contains(reported));
        // Searching a damaged index still answers (the broken rows are left out, not thrown).
        Assert.NotEmpty((await Search(reopened, "苏州")).Hits);
    }

    [Fact]
    public async Task Replacing_and_deleting_keep_every_passage_row_owned_by_its_article()
    {
        // Row ids of FTS5 rows are the article's doc plus the passage's ordinal: a replace with more or fewer
        // passages moves the article, a delete frees its rows, and none may be left behind or shared.
        string dir = TestPaths.NewTempDirectory();
        using var index = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        var seeds = Seeds().ToList();
        await index.AddBatchAsync(seeds);
        var longest = seeds.OrderByDescending(s => s.Text.Length).First();
        int before = (await index.GetAsync(seeds.OrderBy(s => s.Text.Length).First().Id))!.Passages.Count;
        var shortest = seeds.OrderBy(s => s.Text.Length).First();
        await index.AddAsync(longest with { Text = "只剩一句：潮汐发电站建在海湾。" });
        await index.AddAsync(shortest with { Text = string.Join("\n\n", Enumerable.Repeat(shortest.Text, 6)) });
        Assert.True(await index.DeleteAsync(seeds[2].Id == longest.Id || seeds[2].Id == shortest.Id ? seeds[3].Id : seeds[2].Id));
        await index.AddAsync(new Article("late", "后来", "最后加入的一篇，讲潮汐发电。"));
        Assert.Empty(await index.CheckAsync());

        Assert.Equal(new[] { "late", longest.Id }.Order(StringComparer.Ordinal), (await Search(index, "潮汐发电")).Hits.Select(h => h.Id).Order(StringComparer.Ordinal));
        var grown = (await index.GetAsync(shortest.Id))!;
        Assert.True(grown.Passages.Count > before);
        Assert.Equal(string.Join("\n\n", Enumerable.Repeat(shortest.Text, 6)), grown.Article.Text);
        Assert.Equal(["只剩一句：潮汐发电站建在海湾。"], (await index.GetAsync(longest.Id))!.Passages.Select(p => "只剩一句：潮汐发电站建在海湾。"[p.Start..p.End]));
    }

    [Fact]
    public async Task The_last_article_deleted_or_replaced_never_answers_for_the_next_one()
    {
        // The number of a last article that is deleted (or replaced) may be given again once the full-text index
        // has committed its removal: the old passages must not answer for the new article.
        string dir = TestPaths.NewTempDirectory();
        using var index = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        await index.AddAsync(new Article("first", "园区", "苏州工业园区位于苏州东部。"));
        // Paragraphs of some 400 characters: an article of several passages, several FTS5 rows.
        string Long(string sentence) => string.Join("\n\n", Enumerable.Range(0, 3).Select(_ => string.Concat(Enumerable.Repeat(sentence, 400 / sentence.Length))));
        await index.AddAsync(new Article("last", "语音", Long("思必驰做语音识别。")));
        Assert.True((await index.GetAsync("last"))!.Passages.Count >= 3);
        long freed = await DocAsync("last");
        Assert.True(await index.DeleteAsync("last"));
        await index.AddAsync(new Article("next", "潮汐", "潮汐发电站建在海湾。"));
        Assert.True(await DocAsync("next") >= freed);
        Assert.Empty(await index.CheckAsync());
        Assert.Empty((await Search(index, "思必驰")).Hits);
        Assert.Equal("next", Assert.Single((await Search(index, "潮汐")).Hits).Id);

        await index.AddAsync(new Article("next", "风车", Long("风车磨坊建在河边。")));
        Assert.Empty(await index.CheckAsync());
        Assert.Empty((await Search(index, "潮汐")).Hits);
        Assert.Equal("next", Assert.Single((await Search(index, "风车")).Hits).Id);
        Assert.Equal("first", Assert.Single((await Search(index, "苏州")).Hits).Id);

        async Task<long> DocAsync(string id)
        {
            await using var c = new SqliteConnection($"Data Source={SearchIndex.PathIn(dir)};Pooling=False");
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT doc FROM articles WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
    }

    [Fact]
    public async Task An_index_of_schema_1_is_refused_until_reindex_brings_it_to_the_current_schema()
    {
        // Schema 1 (sessions before the compact rows): hex hashes, text as TEXT, a passages table.
        string dir = TestPaths.NewTempDirectory();
        await using (var c = new SqliteConnection($"Data Source={SearchIndex.PathIn(dir)};Pooling=False"))
        {
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO meta VALUES('schema_version', '1'), ('analysis', 'old'), ('created', '2026-11-01T00:00:00Z');
                CREATE TABLE articles(doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL, author TEXT, date TEXT,
                    source TEXT, url TEXT, text TEXT NOT NULL, script TEXT NOT NULL, date_key TEXT, year INTEGER,
                    content_hash TEXT NOT NULL, folded_hash TEXT NOT NULL, updated TEXT NOT NULL);
                CREATE INDEX articles_folded ON articles(folded_hash);
                CREATE INDEX articles_date ON articles(date_key);
                CREATE TABLE passages(pid INTEGER PRIMARY KEY, doc INTEGER NOT NULL REFERENCES articles(doc) ON DELETE CASCADE,
                    ord INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL);
                CREATE INDEX passages_doc ON passages(doc, ord);
                CREATE VIRTUAL TABLE fts USING fts5(title, words, grams, content='', contentless_delete=1);
                INSERT INTO articles VALUES(1, 'a', '思必驰', '俞凯', '2019-05', '新闻', NULL, '俞凯创立了思必驰。𠀀字在此。', 'Simplified', '2019-05', 2019, 'aa', 'bb', '2026-11-01');
                INSERT INTO articles VALUES(2, 'b', '潮汐', NULL, NULL, NULL, NULL, '潮汐发电站建在海湾。', 'Simplified', NULL, NULL, 'cc', 'dd', '2026-11-01');
                INSERT INTO passages VALUES(1, 1, 0, 0, 15), (2, 2, 0, 0, 10);
                INSERT INTO fts(rowid, title, words, grams) VALUES(1, 'x', 'y', 'z'), (2, 'x', 'y', 'z');
                CREATE TABLE history(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, version INTEGER NOT NULL, action TEXT NOT NULL,
                    at TEXT NOT NULL, who TEXT NOT NULL, address TEXT, old_hash TEXT, title TEXT, author TEXT, date TEXT, source TEXT, url TEXT, text TEXT);
                CREATE UNIQUE INDEX history_id ON history(id, version);
                CREATE INDEX history_kept ON history(at) WHERE text IS NOT NULL;
                INSERT INTO history(id, version, action, at, who, old_hash, title, text) VALUES('b', 1, 'replace', '2099-01-01T00:00:00.0000000Z', 'ann', 'ee', '旧题', '旧的正文');
                """;
            await cmd.ExecuteNonQueryAsync();
        }
        var e = await Assert.ThrowsAsync<IndexMismatchException>(() => SearchIndex.OpenAsync(dir, fx.Analyzer));
        Assert.Contains("schema version 1", e.Message);
        Assert.Contains("sourcesearch reindex", e.Message);

        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer, allowMismatch: true))
        {
            // What `check`, `history` and `export` do with an index they may open before its reindex: a problem
            // named, a clear refusal, or the articles; never an SQL error about the older tables.
            Assert.Contains(await index.CheckAsync(), p => p.Contains("schema version 1") && p.Contains("sourcesearch reindex"));
            Assert.Contains("sourcesearch reindex", (await Assert.ThrowsAsync<IndexMismatchException>(() => index.GetAsync("a"))).Message);
            Assert.Equal("旧的正文", Assert.Single(await index.HistoryAsync("b")).Old!.Text);
            var exported = new List<string>();
            await foreach (var article in index.AllAsync()) exported.Add(article.Id);
            Assert.Equal(["a", "b"], exported);
            Assert.Equal(2, await index.ReindexAsync());
            Assert.Equal("潮汐发电站建在海湾。", (await index.GetAsync("b"))!.Article.Text);
        }
        using var again = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.Empty(await again.CheckAsync());
        var a = (await again.GetAsync("a"))!;
        Assert.Equal(new Article("a", "思必驰", "俞凯创立了思必驰。𠀀字在此。", "俞凯", "2019-05", "新闻", null), a.Article);
        Assert.Equal("a", Assert.Single((await Search(again, "思必驰")).Hits).Id);
        Assert.Equal("b", Assert.Single((await Search(again, "潮汐")).Hits).Id);
        // The audit log of schema 1 is kept, its TEXT content still restorable.
        var old = Assert.Single(await again.HistoryAsync("b"));
        Assert.Equal("旧的正文", old.Old!.Text);
        Assert.Equal(RestoreStatus.Restored, (await again.RestoreAsync("b")).Status);
        Assert.Equal("旧的正文", (await again.GetAsync("b"))!.Article.Text);
        Assert.Matches("^[0-9a-f]{16}$", (await again.HistoryAsync("b"))[^1].OldHash!);
    }

    [Fact]
    public async Task A_reindex_cut_short_is_finished_by_running_it_again()
    {
        string dir = TestPaths.NewTempDirectory();
        var seeds = Seeds().ToList();
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer))
        {
            await index.AddBatchAsync(seeds);
            // Batches of no articles are refused before anything is moved (they read none, then dropped the old table).
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => index.ReindexAsync(batchSize: 0));
            Assert.Equal(seeds.Count, await index.CountAsync());
            using var cut = new CancellationTokenSource();
            // Cancelled once the rebuild has started writing: the old rows are still in articles_old.
            var progress = new SynchronousProgress(_ => cut.Cancel());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => index.ReindexAsync(batchSize: 2, progress: progress, cancel: cut.Token));
        }
        await Assert.ThrowsAsync<IndexMismatchException>(() => SearchIndex.OpenAsync(dir, fx.Analyzer));
        using (var index = await SearchIndex.OpenAsync(dir, fx.Analyzer, allowMismatch: true))
        {
            // An export meanwhile (allowed on an index that needs a reindex) still has every article, though
            // the rebuilt table holds only the first few yet: exporting and importing elsewhere loses none.
            Assert.True(await index.CountAsync() < seeds.Count);
            var exported = new List<Article>();
            await foreach (var a in index.AllAsync()) exported.Add(a);
            Assert.Equal(seeds.Select(s => (s.Id, s.Text)), exported.Select(a => (a.Id, a.Text)));
            Assert.Equal(seeds.Count, await index.ReindexAsync());
        }
        using var again = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.Empty(await again.CheckAsync());
        Assert.Equal(seeds.Count, await again.CountAsync());
        foreach (var seed in seeds) Assert.Equal(seed.Text, (await again.GetAsync(seed.Id))!.Article.Text);
    }

    [Fact]
    public async Task Two_ids_with_the_same_key_are_told_apart()
    {
        // Ids are looked up by a 32-bit key: among a few hundred thousand ids two share one, and neither
        // may be taken for the other when added, replaced, read, skipped as unchanged or deleted.
        var seen = new Dictionary<int, string>();
        string first = "", second = "";
        for (int i = 0; second.Length == 0; i++)
        {
            string id = "doc-" + i;
            if (seen.TryGetValue(SearchIndex.IdKey(id), out var other)) (first, second) = (other, id);
            else seen[SearchIndex.IdKey(id)] = id;
        }
        Assert.Equal(SearchIndex.IdKey(first), SearchIndex.IdKey(second));

        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        Assert.Equal(AddOutcome.Added, await index.AddAsync(new Article(first, "甲", "潮汐发电站建在海湾。")));
        Assert.Equal(AddOutcome.Added, await index.AddAsync(new Article(second, "乙", "思必驰的语音识别。")));
        Assert.Equal(AddOutcome.Unchanged, (await index.AddBatchAsync([new Article(second, "乙", "思必驰的语音识别。")]))[0]);
        Assert.Equal(AddOutcome.Replaced, await index.AddAsync(new Article(first, "甲", "潮汐发电站建在海湾北岸。")));
        Assert.Equal("思必驰的语音识别。", (await index.GetAsync(second))!.Article.Text);
        Assert.Equal("潮汐发电站建在海湾北岸。", (await index.GetAsync(first))!.Article.Text);
        Assert.True(await index.DeleteAsync(second));
        Assert.Null(await index.GetAsync(second));
        Assert.Equal(first, Assert.Single((await Search(index, "潮汐")).Hits).Id);
        Assert.Empty(await index.CheckAsync());
    }

    [Fact]
    public async Task Terms_with_letters_and_marks_beyond_ASCII_are_one_term_each()
    {
        // FTS5 takes our terms as they are (its ascii tokenizer splits only at ASCII separators): a term with a
        // combining mark or an accented letter matches itself, not its unaccented neighbour, and the reverse.
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        await index.AddAsync(new Article("a", "Accents", "Le café naïve de Zoë: x\u0305y et ǅemal. 苏州。"));
        await index.AddAsync(new Article("b", "Plain", "cafe naive zoe xy 苏州。"));
        foreach (var (query, id) in new[] { ("café", "a"), ("naïve", "a"), ("cafe", "b"), ("naive", "b"), ("x\u0305y", "a") })
            Assert.Equal([id], (await Search(index, query)).Hits.Select(h => h.Id));
        Assert.Empty(await index.CheckAsync());
    }

    [Fact]
    public async Task Reindex_is_refused_while_another_process_holds_the_index_and_a_cut_one_asks_to_be_finished()
    {
        string dir = TestPaths.NewTempDirectory();
        var seeds = Seeds().ToList();
        var server = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        await server.AddBatchAsync(seeds);

        // The server holds the full-text index's write lock: a reindex elsewhere is refused, and nothing is lost.
        using (var other = await SearchIndex.OpenAsync(dir, fx.Analyzer, allowMismatch: true))
        {
            var refused = await Assert.ThrowsAsync<IndexUnusableException>(() => other.ReindexAsync());
            Assert.Contains("stop it", refused.Message);
        }
        Assert.Equal(seeds.Count, await server.CountAsync());
        server.Dispose();

        // A reindex cut short after its first commit: the index stays marked as being reindexed until one finishes.
        using (var other = await SearchIndex.OpenAsync(dir, fx.Analyzer, allowMismatch: true))
        {
            using var cut = new CancellationTokenSource();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                other.ReindexAsync(batchSize: 2, progress: new SynchronousProgress(_ => cut.Cancel()), cancel: cut.Token));
        }
        var e = await Assert.ThrowsAsync<IndexMismatchException>(() => SearchIndex.OpenAsync(dir, fx.Analyzer));
        Assert.Contains("reindex", e.Message);
        using (var other = await SearchIndex.OpenAsync(dir, fx.Analyzer, allowMismatch: true))
            Assert.Equal(seeds.Count, await other.ReindexAsync());
        using var reopened = await SearchIndex.OpenAsync(dir, fx.Analyzer);
        Assert.NotNull(await reopened.GetAsync(seeds[0].Id));
        Assert.Contains((await Search(reopened, "苏州")).Hits, h => h.Id == seeds[0].Id);
        Assert.Empty(await reopened.CheckAsync());
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
