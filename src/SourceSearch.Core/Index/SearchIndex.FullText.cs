using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SourceSearch.Index.Lucene;
using SourceSearch.Indexing;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Index;

/// <summary>
/// Keeping the full-text index (Lucene, in DIR/lucene) in step with the store. The store is the source of
/// truth: every write records its changes in the table <c>changes</c> (a sequence number, the article row
/// added or removed) in the same transaction. The process that holds Lucene's write lock replays the changes
/// beyond what its index holds — its own writes right after they commit (analysed already, on every core),
/// other processes' writes (a CLI import while the server runs) within half a second — and commits Lucene
/// now and then with the last sequence it holds. A process killed between the store's commit and Lucene's
/// loses nothing: the next writer replays from the store. A missing or damaged Lucene folder is rebuilt
/// from the store.
/// </summary>
public sealed partial class SearchIndex
{
    /// <summary>The Lucene folder inside the index folder.</summary>
    public const string FullTextFolderName = "lucene";

    // How often the follower looks for other processes' writes (and, when not the writer, for the write lock).
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(500);
    /// <summary>
    /// How often Lucene commits at most while writes go on (each commit is an fsync); at the end of an import and at
    /// close it always does. Nothing depends on it for safety: what Lucene has not committed is replayed from the store.
    /// Setting <c>Index:CommitSeconds</c>.
    /// </summary>
    public TimeSpan FullTextCommitInterval { get; set; } = TimeSpan.FromSeconds(2);

    private IFullTextIndex? _fullText;
    private PassageAnalysis? _passageAnalysis;
    private readonly SemaphoreSlim _apply = new(1, 1);
    private long _appliedSequence;          // the last store change the Lucene writer holds (committed or not)
    private DateTime _lastCommit = DateTime.UtcNow;
    private readonly ConcurrentDictionary<long, IndexedArticle> _analysed = new(); // own writes, analysed before their commit
    private CancellationTokenSource? _followerStop;
    private Task? _follower;

    /// <summary>The tokenizer this index was created with (recorded in the store's meta).</summary>
    public TokenizerKind Tokenizer { get; private set; }

    /// <summary>What analyses this index's text: the chain's fingerprint and the tokenizer.</summary>
    public string Fingerprint => Analyzer.Fingerprint + ";tokenizer=" + ChainAnalyzer.Describe(Tokenizer);

    /// <summary>Whether this process holds the full-text index's write lock (no server has it).</summary>
    public bool OwnsFullText => _fullText is { IsWriter: true };

    internal IFullTextIndex FullText => _fullText ?? throw new InvalidOperationException("the full-text index is not open");

    /// <summary>A query's tokens as this index's tokenizer analyses text (SmartCn's words for an index made with it).</summary>
    public List<Text.Token> AnalyzeQuery(string text) => Passages.AnalyzeQuery(text);

    internal PassageAnalysis Passages => _passageAnalysis ??= new PassageAnalysis(Analyzer, Tokenizer);

    /// <summary>Reports the progress of a full-text rebuild (articles done).</summary>
    public IProgress<(long Done, long Total)>? RebuildProgress { get; init; }

    private string FullTextFolder => Path.Combine(Path.GetDirectoryName(DatabasePath)!, FullTextFolderName);

    // Opens the Lucene index; a damaged one is set aside and rebuilt. As the writer, replays what it misses.
    private async Task OpenFullTextAsync(bool allowMismatch, CancellationToken cancel)
    {
        _fullText = OpenLucene();
        if (_fullText.IsWriter) await BringInStepAsync(allowMismatch, cancel);
        else if (!allowMismatch && _fullText.CommittedAnalysis is { } analysis && analysis != Fingerprint && !IsRebuildMarker(analysis))
            throw new IndexMismatchException(
                $"the full-text index {FullTextFolder} was analysed differently ({analysis}) from how queries are analysed now ({Fingerprint}): run 'sourcesearch reindex'");
        if (!IsReadOnly)
        {
            _followerStop = new CancellationTokenSource();
            _follower = Task.Run(() => FollowAsync(_followerStop.Token));
        }
    }

    private static bool IsRebuildMarker(string analysis) => analysis == "rebuilding";

    private LuceneIndex OpenLucene()
    {
        if (IsReadOnly) return LuceneIndex.OpenReader(FullTextFolder);
        try { return LuceneIndex.Open(FullTextFolder); }
        catch (FullTextIndexDamagedException)
        {
            // Derived data: set the damaged folder aside (kept for a post-mortem) and build a new one from the store.
            string aside = FullTextFolder + ".damaged-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            System.IO.Directory.Move(FullTextFolder, aside);
            return LuceneIndex.Open(FullTextFolder);
        }
    }

    // As the writer: a new (or set-aside) folder is built from all the store's articles; one of another analysis
    // asks for reindex; otherwise the changes since its last commit are replayed.
    private async Task BringInStepAsync(bool allowMismatch, CancellationToken cancel)
    {
        var lucene = FullText;
        string? analysis = lucene.CommittedAnalysis;
        if (analysis is not null && analysis != Fingerprint && !IsRebuildMarker(analysis))
        {
            if (allowMismatch) return;
            throw new IndexMismatchException(
                $"the full-text index {FullTextFolder} was analysed differently ({analysis}) from how queries are analysed now ({Fingerprint}): run 'sourcesearch reindex'");
        }
        if (_olderSchema is not null || ForReindex) return; // the store itself is reindexed first
        long oldest, latest;
        await using (var c = await ConnectAsync(cancel))
        {
            oldest = await ScalarAsync<long>(c, "SELECT coalesce(min(seq), 0) FROM changes", cancel);
            latest = await LatestSequenceAsync(c, cancel);
        }
        // New, interrupted in a rebuild, or older than the changes the store still has (a Lucene folder put back
        // from a copy): rebuilt from the articles.
        bool covered = latest <= lucene.CommittedSequence || (oldest > 0 && oldest <= lucene.CommittedSequence + 1);
        if (analysis is null || IsRebuildMarker(analysis) || !covered)
            await RebuildFullTextAsync(cancel);
        else
        {
            _appliedSequence = lucene.CommittedSequence;
            await CatchUpAsync(cancel);
            await CommitFullTextAsync(force: false, cancel);
        }
    }

    /// <summary>Builds the full-text index from every article of the store (a new, damaged or deleted Lucene folder).</summary>
    internal async Task RebuildFullTextAsync(CancellationToken cancel)
    {
        await _apply.WaitAsync(cancel);
        try
        {
            var lucene = (LuceneIndex)FullText;
            long sequence;
            long total;
            await using (var c = await ConnectAsync(cancel))
            {
                sequence = await LatestSequenceAsync(c, cancel);
                total = await ScalarAsync<long>(c, "SELECT count(*) FROM articles", cancel);
            }
            FullText.DeleteAll();
            lucene.Commit(0, "rebuilding");
            long done = 0;
            long last = long.MinValue;
            while (true)
            {
                var rows = await ArticleRowsAsync("doc > $last ORDER BY doc LIMIT 512", [("$last", last)], cancel);
                if (rows.Count == 0) break;
                var analysed = new IndexedArticle[rows.Count];
                Parallel.For(0, rows.Count, new ParallelOptions { CancellationToken = cancel }, i => analysed[i] = Analyse(rows[i]));
                foreach (var a in analysed) lucene.Add(a);
                last = rows[^1].Doc;
                done += rows.Count;
                RebuildProgress?.Report((done, total));
            }
            _appliedSequence = sequence;
            lucene.Refresh();
            lucene.Commit(sequence, Fingerprint);
            _lastCommit = DateTime.UtcNow;
            await PruneChangesAsync(sequence, cancel);
        }
        finally
        {
            _apply.Release();
        }
    }

    // The last change number given (kept by AUTOINCREMENT also when the rows are pruned).
    private static Task<long> LatestSequenceAsync(SqliteConnection c, CancellationToken cancel) =>
        ScalarAsync<long>(c, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)", cancel);

    /// <summary>
    /// Replays the store's changes beyond what the Lucene writer holds, and makes them searchable (no commit).
    /// A process that is not the writer only looks at the writer's latest commit.
    /// </summary>
    /// <param name="refresh">
    /// Whether to open new near-real-time readers now. An import does not: searches see its writes anyway (the index
    /// refreshes before a search when it holds unseen writes), and a reader per transaction cost a segment flush each.
    /// </param>
    internal async Task CatchUpAsync(CancellationToken cancel, bool refresh = true)
    {
        if (_fullText is not { IsWriter: true } lucene)
        {
            _fullText?.RefreshFromCommits();
            return;
        }
        await _apply.WaitAsync(cancel);
        try
        {
            bool changed = false;
            while (true)
            {
                var changes = new List<(long Seq, long Doc, bool Added)>();
                await ReadAsync("SELECT seq, doc, added FROM changes WHERE seq > $after ORDER BY seq LIMIT 4096", [("$after", _appliedSequence)],
                    r => changes.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt64(2) != 0)), ReadStage.Docs, cancel);
                if (changes.Count == 0) break;
                // Articles added by another process (or by this one before a restart) are read and analysed here.
                var missing = changes.Where(ch => ch.Added && !_analysed.ContainsKey(ch.Doc)).Select(ch => ch.Doc).ToList();
                var fromStore = new Dictionary<long, IndexedArticle>();
                if (missing.Count > 0)
                {
                    var rows = await ArticleRowsAsync("doc IN (SELECT value FROM json_each($docs))", [("$docs", IdList(missing))], cancel);
                    var analysed = new IndexedArticle[rows.Count];
                    Parallel.For(0, rows.Count, new ParallelOptions { CancellationToken = cancel }, i => analysed[i] = Analyse(rows[i]));
                    foreach (var a in analysed) fromStore[a.Doc] = a;
                }
                // Adds between two deletes go in on every core (Lucene's writer inverts a document per thread); a delete
                // must come after the adds before it, which may hold the article it removes.
                var adds = new List<IndexedArticle>();
                foreach (var (seq, doc, added) in changes)
                {
                    if (!added)
                    {
                        AddAll(lucene, adds);
                        lucene.Delete(doc);
                    }
                    else if (_analysed.TryRemove(doc, out var a) || fromStore.Remove(doc, out a)) adds.Add(a);
                    // else: the row is gone already (replaced or deleted later); its removal comes among the changes.
                }
                AddAll(lucene, adds);
                _appliedSequence = changes[^1].Seq;
                changed = true;
            }
            if (changed && refresh) lucene.Refresh();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The store has the write (it is acknowledged); the full-text index could not take it (a full disk, a
            // writer closed by an earlier failure). The follower opens it again and replays from the store.
            _fullTextBroken = true;
        }
        finally
        {
            _apply.Release();
        }
    }

    private static void AddAll(IFullTextIndex index, List<IndexedArticle> articles)
    {
        if (articles.Count == 0) return;
        if (articles.Count == 1) index.Add(articles[0]);
        else Parallel.ForEach(articles, index.Add);
        articles.Clear();
    }

    private volatile bool _fullTextBroken;

    /// <summary>Commits the Lucene writer when it holds changes not committed yet and the last commit is old enough (or <paramref name="force"/>).</summary>
    internal async Task CommitFullTextAsync(bool force, CancellationToken cancel)
    {
        if (_fullText is not { IsWriter: true } lucene) return;
        await _apply.WaitAsync(cancel);
        long committed;
        try
        {
            if (lucene.CommittedSequence == _appliedSequence && lucene.CommittedAnalysis == Fingerprint) return;
            if (!force && DateTime.UtcNow - _lastCommit < FullTextCommitInterval) return;
            lucene.Commit(_appliedSequence, Fingerprint);
            _lastCommit = DateTime.UtcNow;
            committed = _appliedSequence;
        }
        finally
        {
            _apply.Release();
        }
        await PruneChangesAsync(committed, cancel);
    }

    // Changes a Lucene commit holds are not needed again (a lost Lucene folder is rebuilt from the articles).
    private async Task PruneChangesAsync(long upTo, CancellationToken cancel)
    {
        if (IsReadOnly) return;
        try
        {
            await using var c = await ConnectAsync(cancel);
            await ExecuteAsync(c, $"DELETE FROM changes WHERE seq <= {upTo.ToString(CultureInfo.InvariantCulture)}", cancel);
        }
        catch (SqliteException) { } // busy or full: the rows are pruned at a later commit
    }

    // The follower: other processes' writes reach this process's searches; the write lock is taken over when freed.
    private async Task FollowAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FollowInterval, stop);
                if (_fullTextBroken && _fullText is { } broken)
                {
                    // Open it anew (a writer an I/O failure closed stays closed) and bring it in step from the store.
                    await _apply.WaitAsync(stop);
                    try
                    {
                        try { broken.Dispose(); }
                        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
                        _fullText = OpenLucene();
                        _analysed.Clear();
                        _fullTextBroken = false;
                    }
                    finally { _apply.Release(); }
                    if (_fullText.IsWriter) await BringInStepAsync(allowMismatch: false, stop);
                    continue;
                }
                if (_fullText is { IsWriter: false })
                {
                    var reopened = LuceneIndex.Open(FullTextFolder);
                    if (reopened.IsWriter)
                    {
                        await _apply.WaitAsync(stop);
                        var old = _fullText;
                        try { _fullText = reopened; }
                        finally { _apply.Release(); }
                        old.Dispose();
                        await BringInStepAsync(allowMismatch: false, stop);
                    }
                    else reopened.Dispose();
                }
                await CatchUpAsync(stop);
                await CommitFullTextAsync(force: false, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e) when (e is SqliteException or IOException or IndexMismatchException or FullTextIndexDamagedException
                                       or ObjectDisposedException
                                       or global::Lucene.Net.Store.LockObtainFailedException or ObjectDisposedException)
            {
                // Tried again at the next tick (a busy store, a reindex in another process, a folder being swapped).
            }
        }
    }

    /// <summary>Marks an article written by this process as analysed, for the replay after its commit.</summary>
    private void Analysed(long doc, IndexedArticle? article)
    {
        if (article is not null && FullText.IsWriter) _analysed[doc] = article with { Doc = doc };
    }

    /// <summary>
    /// After a rolled-back write: the analyses it left are dropped (the numbers they were given go to the next
    /// articles written, maybe by another process); what was committed is read from the store again instead.
    /// </summary>
    private void ForgetAnalysed() => _analysed.Clear();

    private sealed record ArticleRow(long Doc, Import.Article Article, Text.Script Script, string? DateKey, IReadOnlyList<Passage> Passages);

    private IndexedArticle Analyse(ArticleRow row) => Passages.Analyse(row.Doc, row.Article, row.Passages, row.Script, row.DateKey);

    private async Task<List<ArticleRow>> ArticleRowsAsync(string where, (string, object?)[] parameters, CancellationToken cancel)
    {
        var rows = new List<ArticleRow>();
        await ReadAsync($"SELECT doc, id, title, text, author, date, source, url, script, date_key, passages FROM articles WHERE {where}", parameters, r =>
        {
            var article = ReadArticle(r, 1);
            var passages = PassageList.Decode((byte[])r.GetValue(10), article.Text.Length) ?? [new Passage(0, article.Text.Length)];
            rows.Add(new ArticleRow(r.GetInt64(0), article, (Text.Script)r.GetInt32(8), r.IsDBNull(9) ? null : r.GetString(9), passages));
        }, ReadStage.Texts, cancel);
        return rows;
    }

    private async Task CloseFullTextAsync()
    {
        if (_followerStop is not null)
        {
            await _followerStop.CancelAsync();
            try { if (_follower is not null) await _follower; } catch (OperationCanceledException) { }
        }
        if (_fullText is { IsWriter: true })
        {
            try
            {
                await CatchUpAsync(CancellationToken.None);
                await CommitFullTextAsync(force: true, CancellationToken.None);
            }
            catch (Exception e) when (e is SqliteException or IOException or ObjectDisposedException) { } // replayed from the store at the next open
        }
        _fullText?.Dispose();
        _passageAnalysis?.Dispose();
    }
}
