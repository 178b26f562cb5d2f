using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using SourceSearch.Import;
using SourceSearch.Text;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Index;

public enum AddOutcome { Added, Replaced, Unchanged }

/// <summary>An article as the index holds it.</summary>
public sealed record StoredArticle(Article Article, Script Script, IReadOnlyList<Passage> Passages, IReadOnlyList<string> OtherVersions);

/// <summary>
/// The index: the article store, one SQLite database (WAL) with the articles (original text verbatim), their
/// passages (offsets into the text), the audit log and the change sequence; and the full-text index derived
/// from it (Lucene, see SearchIndex.FullText). All SQL lives here. Every write is one store transaction, so a
/// crash leaves each article wholly there or wholly absent.
/// </summary>
public sealed partial class SearchIndex : IDisposable
{
    public const int SchemaVersion = 3;
    public const string FileName = "sourcesearch.db";

    private readonly string _connectionString;

    public Analyzer Analyzer { get; }
    public string DatabasePath { get; }

    static SearchIndex() => SQLitePCL.Batteries_V2.Init();

    private SearchIndex(string path, Analyzer analyzer, bool readOnly, bool immutable = false)
    {
        DatabasePath = path;
        Analyzer = analyzer;
        IsReadOnly = readOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = immutable ? ImmutableUri(path) : path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30, // seconds to wait for another writer (CLI import while the server runs)
        }.ToString();
    }

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>
    /// Opens (creating when <paramref name="create"/>) the index in <paramref name="directory"/>.
    /// Throws <see cref="IndexMismatchException"/> when another schema or analysis built it, unless
    /// <paramref name="allowMismatch"/> (for reindex).
    /// </summary>
    public static Task<SearchIndex> OpenAsync(string directory, Analyzer analyzer, bool create = true, bool allowMismatch = false, CancellationToken cancel = default,
        TokenizerKind tokenizer = TokenizerKind.Words, IProgress<(long Done, long Total)>? rebuildProgress = null) =>
        OpenCoreAsync(directory, analyzer, create, allowMismatch, cancel, tokenizer, rebuildProgress, forReindex: false);

    private static async Task<SearchIndex> OpenCoreAsync(string directory, Analyzer analyzer, bool create, bool allowMismatch, CancellationToken cancel,
        TokenizerKind tokenizer, IProgress<(long Done, long Total)>? rebuildProgress, bool forReindex)
    {
        if (!forReindex) FinishInterruptedSwap(directory);
        string path = PathIn(directory);
        if (!File.Exists(path))
        {
            if (!create) throw new IndexUnusableException($"there is no index in {directory}/ yet: run 'sourcesearch import PATH' first");
            try { System.IO.Directory.CreateDirectory(directory); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IndexUnusableException($"cannot create the index folder {directory}: {e.Message}", e);
            }
        }
        var index = new SearchIndex(path, analyzer, readOnly: false) { Tokenizer = tokenizer, RebuildProgress = rebuildProgress, ForReindex = forReindex };
        try
        {
            await index.InitializeAsync(allowMismatch, cancel);
        }
        catch (SqliteException e)
        {
            index.Dispose();
            // A folder or file that cannot be written: searches are still served from it, read-only.
            if (CannotWrite(e) && await OpenReadOnlyAsync(directory, analyzer, allowMismatch, cancel) is { } readOnly) return readOnly;
            throw new IndexUnusableException($"the index {path} cannot be opened: {e.Message}", e);
        }
        try
        {
            await index.OpenFullTextAsync(allowMismatch, cancel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or global::Lucene.Net.Store.LockObtainFailedException)
        {
            index.Dispose();
            throw new IndexUnusableException($"the full-text index in {Path.Combine(directory, FullTextFolderName)} cannot be opened: {e.Message}", e);
        }
        catch
        {
            index.Dispose();
            throw;
        }
        return index;
    }

    private async Task InitializeAsync(bool allowMismatch, CancellationToken cancel)
    {
        await using var c = await ConnectAsync(cancel);
        bool fresh = await ScalarAsync<long>(c, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'", cancel) == 0;
        // Pages freed (a reindex drops whole tables) can then be
        // given back to the file system; only a new, still empty database takes it (before WAL mode writes its header).
        if (fresh && !IsReadOnly && await ScalarAsync<long>(c, "SELECT count(*) FROM sqlite_master", cancel) == 0)
            await ExecuteAsync(c, "PRAGMA auto_vacuum=INCREMENTAL;", cancel);
        if (!IsReadOnly) await ExecuteAsync(c, "PRAGMA journal_mode=WAL;", cancel);
        if (fresh)
        {
            await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancel);
            await ExecuteAsync(c, Schema, cancel, tx);
            await SetMetaAsync(c, tx, "schema_version", SchemaVersion.ToString(CultureInfo.InvariantCulture), cancel);
            await SetMetaAsync(c, tx, "tokenizer", Tokenizer.Name(), cancel);
            await SetMetaAsync(c, tx, "analysis", Fingerprint, cancel);
            await SetMetaAsync(c, tx, "created", DateTimeOffset.UtcNow.ToString("O"), cancel);
            await tx.CommitAsync(cancel);
            await EnsureHistoryAsync(c, cancel);
            return;
        }
        string? schema = await GetMetaAsync(c, "schema_version", cancel);
        string? analysis = await GetMetaAsync(c, "analysis", cancel);
        // The tokenizer is chosen when the index is created; queries use the one it was built with.
        if (TokenizerKinds.TryParse(await GetMetaAsync(c, "tokenizer", cancel), out var kind)) Tokenizer = kind;
        else Tokenizer = TokenizerKind.Words;
        _olderSchema = SchemaMismatch(schema);
        // An index of another version is not touched (not even the history table added) until reindex.
        if (allowMismatch)
        {
            if (!IsReadOnly) await EnsureHistoryAsync(c, cancel);
            return;
        }
        if (_olderSchema is { } mismatch) throw new IndexMismatchException(mismatch);
        if (analysis != Fingerprint)
            throw new IndexMismatchException(
                $"the index {DatabasePath} was analysed differently ({Describe(analysis)}) from how queries are analysed now ({Describe(Fingerprint)}): run 'sourcesearch reindex' to bring it in step");
        if (!IsReadOnly) await EnsureHistoryAsync(c, cancel);
    }

    private static string Describe(string? fingerprint) => fingerprint ?? "unknown";

    // Why the tables (schema_version in meta) cannot be read by this program; null when they can. An index opened
    // despite that (for reindex, export, check, history) reads only what every schema has until its reindex.
    private string? _olderSchema;

    private string? SchemaMismatch(string? schema) => schema == SchemaVersion.ToString(CultureInfo.InvariantCulture) ? null
        : $"the index {DatabasePath} has schema version {schema ?? "unknown"}, this program uses {SchemaVersion}: run 'sourcesearch reindex' to rebuild it from the stored articles";

    // Row layout (since schema 2), smallest that serves: hashes as 64-bit integers instead of hex text, the script as
    // a number, the text as UTF-16 bytes (TextColumn), the passages as a BLOB in the article's row (PassageList);
    // passages before text so that reading them does not touch the text. Schema 3: no FTS5 table, the change log.
    // Ids are found through a 32-bit hash of them (IdKey; every lookup compares the id too): an index of the ids
    // themselves took 15 MB of the benchmark's 345k articles, this one 5. The writer keeps ids unique (it looks
    // an id up in the transaction that writes it) and `check` verifies it. Schema 1 took 362 MB for that corpus.
    private const string Schema = $"""
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        {ArticlesTable}
        {ChangesTable}
        """;

    private const string ArticlesTable = """
        CREATE TABLE articles(
            doc INTEGER PRIMARY KEY,
            id_key INTEGER NOT NULL,
            passages BLOB NOT NULL,
            script INTEGER NOT NULL,
            content_hash INTEGER NOT NULL,
            folded_hash INTEGER NOT NULL,
            date_key TEXT,
            year INTEGER,
            title TEXT NOT NULL,
            author TEXT, date TEXT, source TEXT, url TEXT,
            id TEXT NOT NULL,
            text BLOB NOT NULL);
        CREATE INDEX articles_id ON articles(id_key);
        CREATE INDEX articles_folded ON articles(folded_hash);
        CREATE INDEX articles_date ON articles(date_key) WHERE date_key IS NOT NULL;
        """;

    // Every write to the articles records here, in its transaction, which article rows it added and removed:
    // the full-text index replays them in order (SearchIndex.FullText). AUTOINCREMENT: a number is never
    // given again, also after the rows a Lucene commit holds are pruned.
    private const string ChangesTable = """
        CREATE TABLE changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, doc INTEGER NOT NULL, added INTEGER NOT NULL);
        """;

    internal async Task<SqliteConnection> ConnectAsync(CancellationToken cancel, bool pooled = true)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var c = new SqliteConnection(pooled ? _connectionString : new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
        try
        {
            await c.OpenAsync(cancel);
            await ExecuteAsync(c, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;", cancel);
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
        return c;
    }

    // ---- writing ----

    /// <summary>Adds or replaces (same id) one article in one transaction.</summary>
    public async Task<AddOutcome> AddAsync(Article article, CancellationToken cancel = default) =>
        (await AddBatchAsync([article], null, cancel))[0];

    /// <summary>Adds or replaces one article; a replace is recorded in the audit log as done by <paramref name="actor"/>.</summary>
    public async Task<AddOutcome> AddAsync(Article article, Actor? actor, CancellationToken cancel = default) =>
        (await AddBatchAsync([article], actor, cancel))[0];

    public Task<IReadOnlyList<AddOutcome>> AddBatchAsync(IReadOnlyList<Article> batch, CancellationToken cancel = default) =>
        AddBatchAsync(batch, null, cancel);

    /// <summary>
    /// Adds or replaces a batch in one transaction. Articles are analysed first (on every core),
    /// then written; an article whose content is unchanged is skipped. The version a replace overwrites goes
    /// into the history in the same transaction.
    /// </summary>
    public async Task<IReadOnlyList<AddOutcome>> AddBatchAsync(IReadOnlyList<Article> batch, Actor? actor, CancellationToken cancel = default)
    {
        ThrowIfReadOnly();
        foreach (var a in batch) Validate(a);
        batch = [.. batch.Select(StoredText.Clean)];
        var outcomes = new AddOutcome[batch.Count];
        await using var c = await ConnectAsync(cancel);

        // An article already stored with the same content is not analysed again: re-importing an
        // unchanged corpus costs a hash and a lookup per article.
        var hashes = batch.Select(ContentHash).ToArray();
        var stored = await StoredHashesAsync(batch.Select(a => a.Id), cancel);
        var prepared = new PreparedArticle?[batch.Count];
        Parallel.For(0, batch.Count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            if (!stored.TryGetValue(batch[i].Id, out long h) || h != hashes[i]) prepared[i] = Prepare(batch[i], hashes[i]);
        });

        var change = NewChange("replace", actor);
        try
        {
            await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancel);
            await using var statements = new Statements(c) { Transaction = tx };
            for (int i = 0; i < prepared.Length; i++)
                outcomes[i] = prepared[i] is { } p ? await WriteAsync(statements, p, change, cancel) : AddOutcome.Unchanged;
            await tx.CommitAsync(cancel);
        }
        catch (SqliteException e) when (WriteFailure(e) is { } failure) { ForgetAnalysed(); throw failure; }
        catch { ForgetAnalysed(); throw; }
        await CatchUpAsync(cancel); // searchable by the next search
        return outcomes;
    }

    /// <summary>Why the index would refuse <paramref name="a"/>, or null when it is fine.</summary>
    public static string? Problem(Article a) =>
        string.IsNullOrEmpty(a.Id) ? "an article needs an id"
        : !StoredText.IsStorable(a.Id) ? "the id holds a NUL character (U+0000) or a broken surrogate pair: give a plain id"
        : a.Text is null || a.Text.Trim().Length == 0 ? "the text is empty: nothing to search"
        : null;

    private static void Validate(Article a)
    {
        if (Problem(a) is { } problem) throw new ArticleRejectedException(a.Id ?? "", problem);
    }

    private sealed record PreparedArticle(
        Article Article, long ContentHash, long FoldedHash, Script Script, IReadOnlyList<Passage> Passages, IndexedArticle? Indexed);

    // The content hashes stored for these ids (and for ids sharing their keys), read in one statement.
    private async Task<Dictionary<string, long>> StoredHashesAsync(IEnumerable<string> ids, CancellationToken cancel)
    {
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await ReadAsync("SELECT id, content_hash FROM articles WHERE id_key IN (SELECT value FROM json_each($keys))",
            [("$keys", System.Text.Json.JsonSerializer.Serialize(ids.Select(IdKey).Distinct()))], r => stored[r.GetString(0)] = r.GetInt64(1), ReadStage.Docs, cancel);
        return stored;
    }

    private PreparedArticle Prepare(Article a, long contentHash)
    {
        var script = Analyzer.DetectScript(a.Text);
        var passages = PassageSplitter.Split(a.Text);
        if (passages.Count == 0) passages = [new Passage(0, a.Text.Length)];
        // Analysed here (on the import's workers) when this process writes the full-text index; the article's
        // number is given when it is written.
        var indexed = _fullText is { IsWriter: true } ? Passages.Analyse(0, a, passages, script, DateKeys.Parse(a.Date).Key) : null;
        return new PreparedArticle(a, contentHash, FoldedHash(Analyzer.FoldCharacters(a.Text)), script, passages, indexed);
    }

    // 64 bits of SHA-256: a changed article mistaken for unchanged, or two different texts taken for versions of
    // one, needs a collision of odds about 1 in 10^19 per pair (1 in 10^9 over a corpus of a million articles).
    internal static long ContentHash(Article a)
    {
        // The parts with their lengths, so that moving text from one part to the next changes the hash.
        var sb = new StringBuilder();
        foreach (var part in new[] { a.Title, a.Author, a.Date, a.Source, a.Url })
            sb.Append(part?.Length ?? -1).Append(':').Append(part).Append('\u0001');
        sb.Append(a.Text.Length).Append(':');
        return Hash64([sb.ToString(), a.Text, "\u0001"]);
    }

    // The same article in both scripts has the same characters folded one by one; white space and punctuation aside.
    internal static long FoldedHash(string folded)
    {
        char[] kept = System.Buffers.ArrayPool<char>.Shared.Rent(folded.Length);
        try
        {
            int n = 0;
            foreach (char c in folded)
                if (c < 0x80 ? char.IsAsciiLetterOrDigit(c) : (c is >= '\u4E00' and <= '\u9FFF') || char.IsLetterOrDigit(c) || char.IsSurrogate(c))
                    kept[n++] = c;
            return Hash64([new string(kept, 0, n)]);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(kept);
        }
    }

    // The first eight bytes of the SHA-256 of the parts' UTF-8, as if they were one string (stored hashes depend on it).
    // One-shot into a pooled buffer: an incremental hash object per article cost more than the hashing.
    private static long Hash64(ReadOnlySpan<string> parts)
    {
        int most = 0;
        foreach (var part in parts) most += Encoding.UTF8.GetMaxByteCount(part.Length);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(most);
        try
        {
            int n = 0;
            foreach (var part in parts) n += Encoding.UTF8.GetBytes(part, buffer.AsSpan(n));
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, n), digest);
            return BitConverter.ToInt64(digest);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The key an id is looked up by (ids sharing one are told apart by the id itself).</summary>
    internal static int IdKey(string id) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(id)), 0);


    /// <summary>
    /// The statements of one connection, prepared on first use and reused with their parameters rebound:
    /// parsing the same INSERT for every article and passage cost as much as running it, and on a query of a
    /// millisecond or two the parsing was a good part of the time. Writes and the kept-open search connections use it.
    /// </summary>
    internal sealed class Statements(SqliteConnection connection) : IDisposable, IAsyncDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteConnection Connection { get; } = connection;

        public SqliteTransaction? Transaction
        {
            get;
            set { field = value; NextDoc = null; AnalysisChecked = false; }
        }

        /// <summary>The next article number, known once read in this transaction (it holds the write lock).</summary>
        public long? NextDoc { get; set; }

        /// <summary>Whether this transaction has seen the index analysed as this process analyses (see EnsureSameAnalysisAsync).</summary>
        public bool AnalysisChecked { get; set; }

        /// <summary>The statements of a reindex, which writes while the index is marked as being reindexed.</summary>
        public bool Reindexing { get; init; }

        public SqliteCommand Get(string sql, params (string Name, object? Value)[] parameters)
        {
            if (!_commands.TryGetValue(sql, out var cmd))
            {
                cmd = Connection.CreateCommand();
                cmd.CommandText = sql;
                foreach (var (name, _) in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
                _commands[sql] = cmd;
            }
            cmd.Transaction = Transaction;
            foreach (var (name, value) in parameters) cmd.Parameters[name].Value = value ?? DBNull.Value;
            return cmd;
        }

        public void Dispose()
        {
            foreach (var cmd in _commands.Values) cmd.Dispose();
            _commands.Clear();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private async Task<AddOutcome> WriteAsync(Statements s, PreparedArticle p, Change change, CancellationToken cancel)
    {
        await EnsureSameAnalysisAsync(s, cancel);
        var a = p.Article;
        var old = await StoredRowAsync(s, a.Id, cancel);
        if (old?.ContentHash == p.ContentHash) return AddOutcome.Unchanged;

        if (old is { } existing)
        {
            await RecordOldVersionAsync(s.Connection, s.Transaction!, existing.Doc, change, cancel);
            await DeleteRowsAsync(s, existing.Doc, cancel);
        }
        // A replaced article gets new row ids at the end: its passages may be more than before.
        long doc = await NextDocAsync(s, cancel);
        var (dateKey, year) = DateKeys.Parse(a.Date);
        await s.Get("""
            INSERT INTO articles(doc, id_key, passages, script, content_hash, folded_hash, date_key, year, title, author, date, source, url, id, text)
            VALUES($doc, $id_key, $passages, $script, $content_hash, $folded_hash, $date_key, $year, $title, $author, $date, $source, $url, $id, $text)
            """,
            ("$doc", doc), ("$id_key", IdKey(a.Id)), ("$id", a.Id), ("$passages", PassageList.Encode(p.Passages)), ("$script", (int)p.Script),
            ("$content_hash", p.ContentHash), ("$folded_hash", p.FoldedHash), ("$date_key", dateKey), ("$year", year),
            ("$title", a.Title ?? ""), ("$author", a.Author), ("$date", a.Date), ("$source", a.Source), ("$url", a.Url),
            ("$text", TextColumn.Encode(a.Text))).ExecuteNonQueryAsync(cancel);
        await s.Get("INSERT INTO changes(doc, added) VALUES($doc, 1)", ("$doc", doc)).ExecuteNonQueryAsync(cancel);
        Analysed(doc, p.Indexed);
        s.NextDoc = doc + 1;
        return old is null ? AddOutcome.Added : AddOutcome.Replaced;
    }

    // Checked in each write transaction (it holds the write lock, so the answer stays true until it commits):
    // a reindex by another process moves the articles aside and imports them again, and an article this
    // process wrote meanwhile would be overwritten, or a deleted one brought back; after it, this process
    // would write terms of an analysis the index no longer has.
    private async Task EnsureSameAnalysisAsync(Statements s, CancellationToken cancel)
    {
        if (s.AnalysisChecked || s.Reindexing) return;
        string? analysis;
        await using (var r = await s.Get("SELECT value FROM meta WHERE key = 'analysis'").ExecuteReaderAsync(cancel))
            analysis = await r.ReadAsync(cancel) ? r.GetString(0) : null;
        if (analysis != Fingerprint)
            throw new IndexWriteException(WriteFailureKind.Reindexed,
                analysis == "reindex in progress"
                    ? $"the index {DatabasePath} is being reindexed by another process: nothing was written; searches miss articles until it ends. " +
                      "Write again once it has finished (restart the server after a reindex)"
                    : $"the index {DatabasePath} was reindexed with another analysis since this process opened it: nothing was written; restart the server (or run the command again)");
        s.AnalysisChecked = true;
    }

    private readonly record struct StoredRow(long Doc, long ContentHash);

    private static async Task<StoredRow?> StoredRowAsync(Statements s, string id, CancellationToken cancel)
    {
        await using var r = await s.Get("SELECT doc, content_hash FROM articles WHERE id_key = $key AND id = $id",
            ("$key", IdKey(id)), ("$id", id)).ExecuteReaderAsync(cancel);
        if (!await r.ReadAsync(cancel)) return null;
        return new StoredRow(r.GetInt64(0), r.GetInt64(1));
    }

    // A new article row takes the number after the greatest ever given (AUTOINCREMENT's record of articles is not
    // kept, so the greatest in the table or in the change log: a number the full-text index has seen is never reused).
    private static async Task<long> NextDocAsync(Statements s, CancellationToken cancel)
    {
        if (s.NextDoc is { } known) return known;
        await using var r = await s.Get("SELECT max(coalesce((SELECT max(doc) FROM articles), 0), coalesce((SELECT max(doc) FROM changes), 0))").ExecuteReaderAsync(cancel);
        return (s.NextDoc = (await r.ReadAsync(cancel) && !r.IsDBNull(0) ? r.GetInt64(0) : 0) + 1).Value;
    }

    private static async Task DeleteRowsAsync(Statements s, long doc, CancellationToken cancel)
    {
        await s.Get("DELETE FROM articles WHERE doc = $doc", ("$doc", doc)).ExecuteNonQueryAsync(cancel);
        await s.Get("INSERT INTO changes(doc, added) VALUES($doc, 0)", ("$doc", doc)).ExecuteNonQueryAsync(cancel);
    }

    /// <summary>Deletes an article (its last version kept in the history); false when there is none with that id.</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken cancel = default) => DeleteAsync(id, null, cancel);

    public async Task<bool> DeleteAsync(string id, Actor? actor, CancellationToken cancel = default)
    {
        ThrowIfReadOnly();
        try
        {
            await using var c = await ConnectAsync(cancel);
            await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancel);
            await using var statements = new Statements(c) { Transaction = tx };
            await EnsureSameAnalysisAsync(statements, cancel);
            if (await StoredRowAsync(statements, id, cancel) is not { } row) return false;
            await RecordOldVersionAsync(c, tx, row.Doc, NewChange("delete", actor), cancel);
            await DeleteRowsAsync(statements, row.Doc, cancel);
            await tx.CommitAsync(cancel);
        }
        catch (SqliteException e) when (WriteFailure(e) is { } failure) { throw failure; }
        await CatchUpAsync(cancel);
        return true;
    }

    /// <summary>
    /// Re-analyses every article from its stored text with the current analysis chain, into tables of the
    /// current schema (an index of an older schema is brought up to date the same way). Re-runnable: the
    /// articles stay in <c>articles_old</c> until the new tables are complete, and until then the index stays
    /// marked as needing a reindex. The audit log is kept as it is. <paramref name="batchSize"/> articles are
    /// read and committed at a time.
    /// </summary>
    /// <param name="tokenizer">The tokenizer to analyse with from now on (another than the index was made with); null keeps it.</param>
    public async Task<int> ReindexAsync(int batchSize = ImportOptions.BulkTransactionSize, IProgress<int>? progress = null, CancellationToken cancel = default,
        TokenizerKind? tokenizer = null)
    {
        // Batches of none would read no article from articles_old, and then drop it.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ThrowIfReadOnly();
        if (!FullText.IsWriter)
            throw new IndexUnusableException($"another process (a server?) holds the full-text index in {FullTextFolder}: stop it, then run reindex");
        if (tokenizer is { } kind && kind != Tokenizer)
        {
            Tokenizer = kind;
            _passageAnalysis?.Dispose();
            _passageAnalysis = null;
        }
        // The rebuilt articles are numbered anew: the full-text index starts empty, marked as being rebuilt (an
        // interrupted reindex leaves it so, and the next open after the store's reindex builds it from the store).
        await _apply.WaitAsync(cancel);
        try
        {
            FullText.DeleteAll();
            FullText.Commit(0, "rebuilding");
            _appliedSequence = 0;
            _analysed.Clear();
        }
        finally { _apply.Release(); }
        await using (var c = await ConnectAsync(cancel))
        {
            await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancel);
            await SetMetaAsync(c, tx, "analysis", "reindex in progress", cancel);
            bool resuming = await ScalarAsync<long>(c, "SELECT count(*) FROM sqlite_master WHERE name = 'articles_old'", cancel, tx) > 0;
            // Schema 1 kept passages in a table of their own (referring to articles: dropped before the rename).
            await ExecuteAsync(c, """
                DROP TABLE IF EXISTS passages; DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS changes;
                DROP INDEX IF EXISTS articles_id; DROP INDEX IF EXISTS articles_folded; DROP INDEX IF EXISTS articles_date;
                """, cancel, tx);
            await ExecuteAsync(c, resuming ? "DROP TABLE IF EXISTS articles;" : "ALTER TABLE articles RENAME TO articles_old;", cancel, tx);
            await ExecuteAsync(c, ArticlesTable + ChangesTable, cancel, tx);
            await tx.CommitAsync(cancel);
        }

        int done = 0;
        await ImportAsync(OldArticlesAsync(Math.Min(batchSize, 512), cancel), null, new ImportOptions { BulkLoad = true, TransactionSize = batchSize, Reindexing = true },
            committed =>
            {
                done += committed.Count;
                progress?.Report(done);
                return Task.CompletedTask;
            }, cancel);

        await using (var c = await ConnectAsync(cancel))
        {
            await using (var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancel))
            {
                await ExecuteAsync(c, "DROP TABLE articles_old;", cancel, tx);
                await SetMetaAsync(c, tx, "analysis", Fingerprint, cancel);
                await SetMetaAsync(c, tx, "tokenizer", Tokenizer.Name(), cancel);
                await SetMetaAsync(c, tx, "schema_version", SchemaVersion.ToString(CultureInfo.InvariantCulture), cancel);
                await tx.CommitAsync(cancel);
            }
            _olderSchema = null;
            await ExecuteAsync(c, "PRAGMA incremental_vacuum;", cancel);
        }
        await CatchUpAsync(cancel);
        await _apply.WaitAsync(cancel);
        try { FullText.Optimize(); }
        finally { _apply.Release(); }
        await CommitFullTextAsync(force: true, cancel);
        return done;
    }

    // The articles of the table being rebuilt, in their order, a statement per batch (no read transaction held
    // open over the whole rebuild, which would keep the WAL from being checkpointed).
    private async IAsyncEnumerable<Article> OldArticlesAsync(int batchSize, [EnumeratorCancellation] CancellationToken cancel)
    {
        long last = long.MinValue;
        while (true)
        {
            var batch = new List<Article>(batchSize);
            await using (var c = await ConnectAsync(cancel))
            await using (var read = Command(c, null, "SELECT doc, id, title, text, author, date, source, url FROM articles_old WHERE doc > $last ORDER BY doc LIMIT $n",
                             ("$last", last), ("$n", batchSize)))
            await using (var r = await read.ExecuteReaderAsync(cancel))
                while (await r.ReadAsync(cancel))
                {
                    last = r.GetInt64(0);
                    batch.Add(ReadArticle(r, 1));
                }
            if (batch.Count == 0) yield break;
            foreach (var a in batch) yield return a;
        }
    }

    // ---- reading ----

    private static Article ReadArticle(SqliteDataReader r, int first) => new(
        r.GetString(first), r.GetString(first + 1), TextColumn.Read(r, first + 2),
        r.IsDBNull(first + 3) ? null : r.GetString(first + 3),
        r.IsDBNull(first + 4) ? null : r.GetString(first + 4),
        r.IsDBNull(first + 5) ? null : r.GetString(first + 5),
        r.IsDBNull(first + 6) ? null : r.GetString(first + 6));

    public async Task<StoredArticle?> GetAsync(string id, CancellationToken cancel = default)
    {
        if (_olderSchema is { } mismatch) throw new IndexMismatchException(mismatch);
        await using var c = await ConnectAsync(cancel);
        long doc;
        Article article;
        Script script;
        long folded;
        List<Passage>? passages;
        await using (var cmd = Command(c, null, "SELECT doc, id, title, text, author, date, source, url, script, folded_hash, passages FROM articles WHERE id_key = $key AND id = $id",
                         ("$key", IdKey(id)), ("$id", id)))
        await using (var r = await cmd.ExecuteReaderAsync(cancel))
        {
            if (!await r.ReadAsync(cancel)) return null;
            doc = r.GetInt64(0);
            article = ReadArticle(r, 1);
            script = (Script)r.GetInt32(8);
            folded = r.GetInt64(9);
            passages = PassageList.Decode((byte[])r.GetValue(10), article.Text.Length);
        }
        var versions = new List<string>();
        await using (var cmd = Command(c, null, "SELECT id FROM articles WHERE folded_hash = $h AND doc <> $doc ORDER BY id", ("$h", folded), ("$doc", doc)))
        await using (var r = await cmd.ExecuteReaderAsync(cancel))
            while (await r.ReadAsync(cancel)) versions.Add(r.GetString(0));
        return new StoredArticle(article, script, passages ?? [new Passage(0, article.Text.Length)], versions);
    }

    /// <summary>Merges the full-text index's segments (after a bulk load: smaller and faster to query), commits it, and gives the store's freed pages back.</summary>
    public async Task OptimizeAsync(CancellationToken cancel = default)
    {
        ThrowIfReadOnly();
        await CatchUpAsync(cancel);
        if (FullText.IsWriter)
        {
            await _apply.WaitAsync(cancel);
            try { FullText.Optimize(); }
            finally { _apply.Release(); }
            await CommitFullTextAsync(force: true, cancel);
        }
        await using var c = await ConnectAsync(cancel);
        try { await ExecuteAsync(c, "PRAGMA incremental_vacuum; PRAGMA wal_checkpoint(TRUNCATE);", cancel); }
        catch (SqliteException e) when (WriteFailure(e) is { } failure) { throw failure; }
    }

    /// <summary>Every article, in the order they were last written (a replace moves an article to the end), for export.</summary>
    public async IAsyncEnumerable<Article> AllAsync([EnumeratorCancellation] CancellationToken cancel = default)
    {
        await using var c = await ConnectAsync(cancel);
        // One read transaction: a reindex finishing meanwhile cannot drop the table being read.
        await using var tx = c.BeginTransaction(deferred: true);
        // A reindex cut short has re-imported only some of the articles; all of them are still in articles_old.
        string table = await ScalarAsync<long>(c, "SELECT count(*) FROM sqlite_master WHERE name = 'articles_old'", cancel, tx) > 0 ? "articles_old" : "articles";
        await using var cmd = Command(c, tx, $"SELECT id, title, text, author, date, source, url FROM {table} ORDER BY doc");
        await using var r = await cmd.ExecuteReaderAsync(cancel);
        while (await r.ReadAsync(cancel)) yield return ReadArticle(r, 0);
    }

    /// <summary>Every article's id and title (the titles suggestions complete).</summary>
    public async Task<List<(string Id, string Title)>> TitlesAsync(CancellationToken cancel = default)
    {
        await using var c = await ConnectAsync(cancel);
        await using var cmd = Command(c, null, "SELECT id, title FROM articles WHERE title <> '' ORDER BY doc");
        await using var r = await cmd.ExecuteReaderAsync(cancel);
        var titles = new List<(string, string)>();
        while (await r.ReadAsync(cancel)) titles.Add((r.GetString(0), r.GetString(1)));
        return titles;
    }

    /// <summary>The terms of the passages' text with the number of passages holding each, for those <paramref name="keep"/> takes.</summary>
    public async Task<List<(string Term, int Passages)>> TermsAsync(TermFilter keep, CancellationToken cancel = default)
    {
        await CatchUpAsync(cancel);
        return FullText.Terms(keep);
    }

    /// <summary>The last store change the full-text index holds: it moves with every write.</summary>
    public long AppliedSequence => Interlocked.Read(ref _appliedSequence);

    public async Task<long> CountAsync(CancellationToken cancel = default)
    {
        await using var c = await ConnectAsync(cancel);
        return await ScalarAsync<long>(c, "SELECT count(*) FROM articles", cancel);
    }

    /// <summary>
    /// SQLite's integrity check, Lucene's CheckIndex, the store's own invariants, and that store and full-text
    /// index agree: every passage indexed once, nothing extra, and the sequence of changes held. Empty when sound.
    /// </summary>
    public async Task<IReadOnlyList<string>> CheckAsync(CancellationToken cancel = default)
    {
        var problems = new List<string>();
        await using var c = await ConnectAsync(cancel, pooled: false);
        await using (var cmd = Command(c, null, "PRAGMA integrity_check"))
        await using (var r = await cmd.ExecuteReaderAsync(cancel))
            while (await r.ReadAsync(cancel))
                if (r.GetString(0) != "ok") problems.Add("sqlite: " + r.GetString(0));
        // The passage lists and id keys are read from columns an older schema does not have.
        if (SchemaMismatch(await GetMetaAsync(c, "schema_version", cancel)) is { } mismatch)
        {
            problems.Add(mismatch);
            return problems;
        }
        string? analysis = await GetMetaAsync(c, "analysis", cancel);
        if (analysis != Fingerprint) problems.Add("analysis differs from the current one: run 'sourcesearch reindex'");
        var passages = await CheckStoreAsync(c, problems, cancel);
        // The full-text index as of everything the store holds (this process writes it) or as of the writer's last commit.
        await CatchUpAsync(cancel);
        await CommitFullTextAsync(force: true, cancel);
        problems.AddRange(FullText.CheckIntegrity());
        long sequence = await LatestSequenceAsync(c, cancel);
        if (FullText.IsWriter && FullText.CommittedSequence != sequence)
            problems.Add($"the full-text index holds the store's changes up to {FullText.CommittedSequence}, the store has {sequence}");
        if (FullText.CommittedAnalysis is { } committed && committed != Fingerprint)
            problems.Add($"the full-text index was analysed differently ({committed}): run 'sourcesearch reindex'");
        if (FullText.IsWriter)
        {
            var indexed = FullText.PassageCounts();
            long missing = 0, extra = 0, wrong = 0;
            foreach (var (doc, count) in passages)
            {
                if (!indexed.Remove(doc, out int n)) missing++;
                else if (n != count) wrong++;
            }
            extra = indexed.Count;
            if (missing > 0) problems.Add($"{missing} articles are missing from the full-text index");
            if (wrong > 0) problems.Add($"{wrong} articles have another number of passages in the full-text index than in the store");
            if (extra > 0) problems.Add($"the full-text index has passages of {extra} articles the store does not have");
        }
        return problems;
    }

    // Every article's passage list reads and fits its text; every id is filed under its key, and once. Returns each
    // article's number of passages.
    private static async Task<Dictionary<long, int>> CheckStoreAsync(SqliteConnection c, List<string> problems, CancellationToken cancel)
    {
        var passages = new Dictionary<long, int>();
        long unreadable = 0, misfiled = 0;
        await using (var cmd = Command(c, null, "SELECT doc, passages, length(text), id_key, id FROM articles ORDER BY doc"))
        await using (var r = await cmd.ExecuteReaderAsync(cancel))
            while (await r.ReadAsync(cancel))
            {
                long doc = r.GetInt64(0);
                if (r.GetInt32(3) != IdKey(r.GetString(4))) misfiled++;
                var list = r.GetValue(1) is byte[] bytes ? PassageList.Decode(bytes, r.GetInt32(2) / 2) : null;
                if (list is null) { unreadable++; continue; }
                passages[doc] = list.Count;
            }
        if (unreadable > 0) problems.Add($"{unreadable} articles have an unreadable passage list");
        long twice = await ScalarAsync<long>(c, "SELECT count(*) FROM (SELECT 1 FROM articles GROUP BY id_key, id HAVING count(*) > 1)", cancel);
        if (twice > 0) problems.Add($"{twice} ids belong to more than one article");
        if (misfiled > 0) problems.Add($"{misfiled} articles are filed under another id's key (they cannot be found by id)");
        return passages;
    }

    // ---- helpers ----

    internal static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private static async Task ExecuteAsync(SqliteConnection c, string sql, CancellationToken cancel, SqliteTransaction? tx = null)
    {
        await using var cmd = Command(c, tx, sql);
        await cmd.ExecuteNonQueryAsync(cancel);
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection c, string sql, CancellationToken cancel, SqliteTransaction? tx = null, params (string, object?)[] parameters)
    {
        await using var cmd = Command(c, tx, sql, parameters);
        object? v = await cmd.ExecuteScalarAsync(cancel);
        if (v is null || v is DBNull) return default!;
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(v, target, CultureInfo.InvariantCulture);
    }

    private static async Task<string?> GetMetaAsync(SqliteConnection c, string key, CancellationToken cancel) =>
        await ScalarAsync<string?>(c, "SELECT value FROM meta WHERE key = $k", cancel, null, ("$k", key));

    private static async Task SetMetaAsync(SqliteConnection c, SqliteTransaction tx, string key, string value, CancellationToken cancel)
    {
        await using var cmd = Command(c, tx, "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value", ("$k", key), ("$v", value));
        await cmd.ExecuteNonQueryAsync(cancel);
    }

    public void Dispose()
    {
        CloseFullTextAsync().GetAwaiter().GetResult();
        CloseReaders();
        using var c = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(c); // release the pooled connections (and their file handles) now
    }
}

/// <summary>What the searcher reads from the index: matching passages and the articles they belong to.</summary>
public sealed partial class SearchIndex
{
    internal readonly record struct Candidate(long Doc, int Start, int End, double Score);

    internal sealed record DocInfo(long Doc, string Id, string Title, string? Author, string? Date, string? Source, string? Url,
        Script Script, long FoldedHash, int? Year, string? DateKey);

    /// <summary>
    /// Passages matching <paramref name="query"/> in the full-text index, best first by BM25 with the given field
    /// weights, of articles the store still has; with <paramref name="infos"/>, their articles' details go into it.
    /// </summary>
    internal async Task<List<Candidate>> MatchAsync(IndexQuery query, IndexFilters filters, int limit, FieldWeights weights,
        CancellationToken cancel, Dictionary<long, DocInfo>? infos = null)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!FullText.IsWriter) RefreshFromCommitsNow();
        var matches = FullText.Search(query, filters, weights, limit);
        QueryProfile.Add(ReadStage.Match, started);
        if (AfterReadForTests is { } after) await after(ReadStage.Match);
        var docs = await DocsAsync(matches.Select(m => m.Doc), cancel);
        // An article the store no longer has (deleted or replaced, the full-text index a moment behind) is left out.
        var result = new List<Candidate>(matches.Count);
        foreach (var m in matches)
        {
            if (!docs.TryGetValue(m.Doc, out var info)) continue;
            result.Add(new Candidate(m.Doc, m.Start, m.End, m.Score));
            infos?.TryAdd(m.Doc, info);
        }
        return result;
    }

    // A process that is not the writer sees the writer's commits; looked at no more than four times a second.
    private long _lastCommitLook;

    private void RefreshFromCommitsNow()
    {
        long now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastCommitLook) < 250) return;
        Interlocked.Exchange(ref _lastCommitLook, now);
        FullText.RefreshFromCommits();
    }

    private static string F(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);

    // A list of row ids as one parameter (a JSON array), so the statement is prepared once whatever the count.
    private static string IdList(IEnumerable<long> docs) => "[" + string.Join(',', docs.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    internal async Task<Dictionary<long, DocInfo>> DocsAsync(IEnumerable<long> docs, CancellationToken cancel)
    {
        var result = new Dictionary<long, DocInfo>();
        var ids = docs.Distinct().ToList();
        if (ids.Count == 0) return result;
        await ReadAsync($"SELECT a.doc, {DocInfoColumns} FROM articles a WHERE a.doc IN (SELECT value FROM json_each($docs))",
            [("$docs", IdList(ids))], r => result[r.GetInt64(0)] = ReadDocInfo(r, r.GetInt64(0), 1), ReadStage.Docs, cancel);
        return result;
    }

    private const string DocInfoColumns = "a.id, a.title, a.author, a.date, a.source, a.url, a.script, a.folded_hash, a.year, a.date_key";

    private static DocInfo ReadDocInfo(SqliteDataReader r, long doc, int first) =>
        new(doc, r.GetString(first), r.GetString(first + 1), Str(r, first + 2), Str(r, first + 3), Str(r, first + 4), Str(r, first + 5),
            (Script)r.GetInt32(first + 6), r.GetInt64(first + 7), r.IsDBNull(first + 8) ? null : r.GetInt32(first + 8), Str(r, first + 9));

    /// <summary>The texts of the given articles, read in one statement (those not already in <paramref name="into"/>).</summary>
    internal async Task TextsAsync(IEnumerable<long> docs, Dictionary<long, string> into, CancellationToken cancel)
    {
        var wanted = docs.Where(d => !into.ContainsKey(d)).Distinct().ToList();
        if (wanted.Count == 0) return;
        await ReadAsync("SELECT doc, text FROM articles WHERE doc IN (SELECT value FROM json_each($docs))", [("$docs", IdList(wanted))],
            r => into[r.GetInt64(0)] = TextColumn.Read(r, 1), ReadStage.Texts, cancel);
    }

    /// <summary>The article's text; null when there is no article <paramref name="doc"/> (any more).</summary>
    internal async Task<string?> TextAsync(long doc, CancellationToken cancel)
    {
        var one = new Dictionary<long, string>();
        await TextsAsync([doc], one, cancel);
        return one.GetValueOrDefault(doc);
    }

    /// <summary>Run after each read statement of a search (tests write between a search's statements with it).</summary>
    internal Func<ReadStage, Task>? AfterReadForTests { get; set; }

    /// <summary>Runs a query on a kept-open connection and hands each row to <paramref name="row"/>.</summary>
    private async Task ReadAsync(string sql, (string, object?)[] parameters, Action<SqliteDataReader> row, ReadStage stage, CancellationToken cancel)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var reader = await RentReaderAsync(cancel);
        try
        {
            var cmd = reader.Command(sql, parameters);
            await using (var r = await cmd.ExecuteReaderAsync(cancel))
                while (await r.ReadAsync(cancel)) row(r);
        }
        catch
        {
            reader.Dispose(); // not trusted again after a failure
            throw;
        }
        Return(reader);
        QueryProfile.Add(stage, started);
        if (AfterReadForTests is { } after) await after(stage);
    }

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
