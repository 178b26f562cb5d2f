using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Index.Lucene;
using SourceSearch.Indexing;
using SourceSearch.Tests.Text;
using SourceSearch.Text;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Tests.Index;

/// <summary>The Lucene full-text index on disk: adds, deletes, near-real-time search, commits with the store's sequence, one writer per folder.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class LuceneIndexTests(AnalysisFixture fx) : IDisposable
{
    private readonly string _folder = Path.Combine(TestPaths.NewTempDirectory(), "lucene");
    private readonly PassageAnalysis _analysis = new(fx.Analyzer, TokenizerKind.Words);
    private static readonly FieldWeights Weights = new(2, 1, 0.5);

    public void Dispose() => _analysis.Dispose();

    // Each line of the text a passage of its own.
    private IndexedArticle Article(long doc, string text, string title = "", string? source = null, string? date = null)
    {
        var article = new Article("a" + doc, title, text, Source: source, Date: date);
        var passages = new List<Passage>();
        int start = 0;
        foreach (var line in text.Split('\n'))
        {
            passages.Add(new Passage(start, start + line.Length));
            start += line.Length + 1;
        }
        return _analysis.Analyse(doc, article, passages, fx.Analyzer.DetectScript(text), DateKeys.Parse(date).Key);
    }

    private static IndexQuery Word(string term, IndexFields fields = IndexFields.All) => new IndexQuery.Term(fields, term);

    [Fact]
    public void Added_passages_are_found_at_once_and_deleted_ones_are_gone()
    {
        using var index = LuceneIndex.Open(_folder);
        Assert.True(index.IsWriter);
        index.Add(Article(1, "苏州的人工智能产业。\n第二段讲深圳的软件。"));
        index.Add(Article(7, "杭州西湖的风景。"));
        index.Refresh();
        var hits = index.Search(Word("深圳"), IndexFilters.None, Weights, 10);
        var hit = Assert.Single(hits);
        Assert.Equal(1, hit.Doc);
        Assert.True(hit.Start > 0, "the second passage's span");
        Assert.Single(index.Search(Word("西湖"), IndexFilters.None, Weights, 10), h => h.Doc == 7);

        index.Delete(1);
        index.Refresh();
        Assert.Empty(index.Search(Word("深圳"), IndexFilters.None, Weights, 10));
        Assert.Equal(new Dictionary<long, int> { [7] = 1 }, index.PassageCounts());
    }

    [Fact]
    public void Phrases_need_their_terms_in_a_row_and_filters_narrow()
    {
        using var index = LuceneIndex.Open(_folder);
        index.Add(Article(1, "人工智能产业发展很快。", source: "甲", date: "2024-03-01"));
        index.Add(Article(2, "产业的人工智能。", source: "乙", date: "2019"));
        index.Refresh();
        var phrase = new IndexQuery.Phrase(IndexFields.Body, [("人工", 0), ("工智", 1), ("智能", 2), ("能产", 3), ("产业", 4)]);
        Assert.Equal([1L], index.Search(phrase, IndexFilters.None, Weights, 10).Select(h => h.Doc));
        var both = new IndexQuery.All([Word("人工智能"), Word("产业")]);
        Assert.Equal(2, index.Search(both, IndexFilters.None, Weights, 10).Count);
        Assert.Equal([2L], index.Search(both, new IndexFilters("乙", null, null, null), Weights, 10).Select(h => h.Doc));
        Assert.Equal([1L], index.Search(both, new IndexFilters(null, null, "2020", null), Weights, 10).Select(h => h.Doc));
        Assert.Equal([2L], index.Search(both, new IndexFilters(null, null, null, "2019-12"), Weights, 10).Select(h => h.Doc));
        var not = new IndexQuery.Not(Word("人工智能"), Word("发展"));
        Assert.Equal([2L], index.Search(not, IndexFilters.None, Weights, 10).Select(h => h.Doc));
    }

    [Fact]
    public void A_synonym_match_scores_below_a_literal_one()
    {
        using var index = LuceneIndex.Open(_folder);
        index.Add(Article(1, "臺灣的軟體公司推出新產品。"));
        index.Add(Article(2, "深圳的软件公司推出新产品。"));
        index.Refresh();
        var hits = index.Search(Word("软件"), IndexFilters.None, Weights, 10);
        Assert.Equal([2L, 1L], hits.Select(h => h.Doc));
        Assert.True(hits[0].Score > hits[1].Score);
    }

    [Fact]
    public void A_commit_records_the_store_sequence_and_a_second_opener_reads_commits_without_writing()
    {
        using (var index = LuceneIndex.Open(_folder))
        {
            Assert.Equal(0, index.CommittedSequence);
            index.Add(Article(1, "苏州园林。"));
            index.Commit(41, "analysis-x");
            Assert.Equal(41, index.CommittedSequence);

            // The write lock is held: another opener of the folder reads the last commit.
            using var reader = LuceneIndex.Open(_folder);
            Assert.False(reader.IsWriter);
            Assert.Equal(41, reader.CommittedSequence);
            Assert.Single(reader.Search(Word("园林"), IndexFilters.None, Weights, 10));
            Assert.Throws<InvalidOperationException>(() => reader.Add(Article(2, "无")));

            index.Add(Article(3, "园林之城。"));
            index.Commit(42, "analysis-x");
            reader.RefreshFromCommits();
            Assert.Equal(42, reader.CommittedSequence);
            Assert.Equal(2, reader.Search(Word("园林"), IndexFilters.None, Weights, 10).Count);
        }
        using var reopened = LuceneIndex.Open(_folder);
        Assert.True(reopened.IsWriter); // the lock was released
        Assert.Equal((42L, "analysis-x"), (reopened.CommittedSequence, reopened.CommittedAnalysis));
        Assert.Empty(reopened.CheckIntegrity());
    }

    [Fact]
    public async Task Searching_on_many_threads_while_one_writes_and_refreshes_neither_crashes_nor_misses()
    {
        // The class of Lucene.Net #1013: concurrent searches through SearcherManager during writes and refreshes.
        // Articles 1..N are added one by one; each searcher checks that an article refreshed before its search is found.
        using var index = LuceneIndex.Open(_folder);
        index.Add(Article(0, "常驻的文章：园林。"));
        index.Refresh();
        long visible = 0; // the last article added and refreshed
        long deleted = 0; // the last article deleted (set before its deletion)
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        long searches = 0;
        var searchers = Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                long expected = Interlocked.Read(ref visible);
                var hits = index.Search(Word("园林"), IndexFilters.None, Weights, 1000);
                if (!hits.Exists(h => h.Doc == 0)) failures.Add("the resident article was missed");
                if (expected > 0 && !hits.Exists(h => h.Doc == expected) && expected > Interlocked.Read(ref deleted))
                    failures.Add($"article {expected} refreshed before the search was missed");
                Interlocked.Increment(ref searches);
            }
        })).ToList();
        var writer = Task.Run(() =>
        {
            for (long doc = 1; !stop.IsCancellationRequested; doc++)
            {
                index.Add(Article(doc, $"第{doc}篇：园林与城市。"));
                if (doc > 3)
                {
                    Interlocked.Exchange(ref deleted, doc - 3);
                    index.Delete(doc - 3); // deletes too: merges and deleted documents under readers
                }
                index.Refresh();
                Interlocked.Exchange(ref visible, doc);
                if (doc % 50 == 0) index.Commit(doc, "stress");
            }
        });
        await Task.WhenAll([.. searchers, writer]);
        Assert.Empty(failures.Distinct().Take(5));
        Assert.True(searches > 100, $"{searches} searches ran");
        Assert.Empty(index.CheckIntegrity());
    }

    [Fact]
    public void A_damaged_folder_cannot_be_opened_and_says_so()
    {
        using (var index = LuceneIndex.Open(_folder))
        {
            index.Add(Article(1, "苏州园林。"));
            index.Commit(1, "a");
        }
        // Truncate every segment data file: what a crashed disk or a bad copy leaves.
        DamageSegments(_folder, []);
        var e = Assert.Throws<FullTextIndexDamagedException>(() => LuceneIndex.Open(_folder));
        Assert.Contains(_folder, e.Message);
    }

    /// <summary>Overwrites every segment data file of a Lucene folder (not its segments_N list nor its lock) with <paramref name="content"/>.</summary>
    internal static void DamageSegments(string folder, byte[] content)
    {
        foreach (var file in Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith("segments", StringComparison.Ordinal) && !f.EndsWith(".lock")))
            File.WriteAllBytes(file, content);
    }
}
