using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using SourceSearch.Import;

namespace SourceSearch.Index;

/// <summary>How <see cref="SearchIndex.ImportAsync"/> loads many articles.</summary>
public sealed record ImportOptions
{
    /// <summary>Threads analysing articles while one thread writes; 0 analyses on the writing thread.</summary>
    public int AnalysisThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Articles per transaction. Each committed transaction stays whatever happens after it.</summary>
    public int TransactionSize { get; init; } = 256;

    /// <summary>
    /// Articles per transaction of a bulk load: each commit writes every page the id and folded-hash indexes
    /// had touched (their keys are hashes, so nearly all of them), and fewer, larger commits write them less often.
    /// </summary>
    public const int BulkTransactionSize = 32768;

    /// <summary>Articles per transaction of an import that no server reads meanwhile (its own progress shows per transaction).</summary>
    public const int LargeTransactionSize = 8192;

    /// <summary>
    /// A transaction is also committed once its articles hold this many characters of text (64 M: 128 MB as
    /// .NET strings), whatever <see cref="TransactionSize"/> says: the texts stay in memory until the commit.
    /// </summary>
    public long TransactionChars { get; init; } = 64L << 20;

    /// <summary>The import of a reindex: it writes while the index is marked as being reindexed.</summary>
    internal bool Reindexing { get; init; }

    /// <summary>
    /// Loading much into an index nobody searches meanwhile: a large page cache for the writer, large transactions,
    /// and the full-text index's segments merged once at the end.
    /// </summary>
    public bool BulkLoad { get; init; }
}

/// <summary>Many articles at a time: analysed on worker threads, written by one.</summary>
public sealed partial class SearchIndex
{
    // Articles analysed together by one worker, in order; the writer takes the chunks in the order read.
    private const int ChunkSize = 256;

    private sealed record Chunk(Article[] Articles, PreparedArticle?[] Prepared);

    /// <summary>
    /// Adds or replaces every article (an unchanged one is skipped), in transactions of
    /// <see cref="ImportOptions.TransactionSize"/>, calling <paramref name="committed"/> with the outcomes of
    /// each transaction once it is committed. Articles must pass <see cref="Problem"/>.
    /// </summary>
    public async Task ImportAsync(IAsyncEnumerable<Article> articles, Actor? actor, ImportOptions options,
        Func<IReadOnlyList<(Article Article, AddOutcome Outcome)>, Task>? committed = null, CancellationToken cancel = default)
    {
        ThrowIfReadOnly();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        int threads = Math.Max(0, options.AnalysisThreads);
        var chunks = threads == 0 ? PrepareInline(articles, stop.Token) : PrepareOnWorkers(articles, threads, stop.Token);
        try
        {
            await WriteChunksAsync(chunks, actor, options, committed, stop.Token);
        }
        catch (SqliteException e) when (WriteFailure(e) is { } failure) { throw failure; }
        finally
        {
            await stop.CancelAsync(); // the workers stop reading when the writer stops early
        }
    }

    private async IAsyncEnumerable<Chunk> PrepareInline(IAsyncEnumerable<Article> articles, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var list in InChunks(articles, cancel)) yield return await PrepareChunkAsync(list, cancel);
    }

    private async IAsyncEnumerable<Chunk> PrepareOnWorkers(IAsyncEnumerable<Article> articles, int threads, [EnumeratorCancellation] CancellationToken cancel)
    {
        // Each chunk is analysed by a task of its own; the bounded channel holds them in reading order and
        // keeps at most about `threads` chunks in analysis ahead of the writer (memory stays bounded).
        var pending = Channel.CreateBounded<Task<Chunk>>(new BoundedChannelOptions(threads) { SingleReader = true, SingleWriter = true });
        using var local = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var started = new List<Task>();
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var list in InChunks(articles, local.Token))
                {
                    var analysis = Task.Run(() => PrepareChunkAsync(list, local.Token), local.Token);
                    lock (started) started.Add(analysis);
                    await pending.Writer.WriteAsync(analysis, local.Token);
                }
                pending.Writer.Complete();
            }
            catch (Exception e) { pending.Writer.Complete(e); }
        }, local.Token);
        try
        {
            await foreach (var task in pending.Reader.ReadAllAsync(local.Token))
            {
                var chunk = await task;
                // Only tasks not taken yet are kept for the end: a finished one holds its chunk's articles and analyses,
                // and keeping them all held the whole import in memory (about 11 KB an article).
                lock (started) started.Remove(task);
                yield return chunk;
            }
            await reading;
        }
        finally
        {
            // Stopped early (the writer failed or was cancelled): nothing of this import may go on reading files
            // or using the index after the import has returned.
            await local.CancelAsync();
            Task[] all;
            lock (started) all = [.. started, reading];
            try { await Task.WhenAll(all); }
            catch (Exception) { } // their failures follow from the one the import is already throwing
        }
    }

    private static async IAsyncEnumerable<Article[]> InChunks(IAsyncEnumerable<Article> articles, [EnumeratorCancellation] CancellationToken cancel)
    {
        var list = new List<Article>(ChunkSize);
        await foreach (var a in articles.WithCancellation(cancel))
        {
            cancel.ThrowIfCancellationRequested(); // a source that ignores the token stops here
            Validate(a);
            list.Add(StoredText.Clean(a));
            if (list.Count == ChunkSize) { yield return [.. list]; list.Clear(); }
        }
        if (list.Count > 0) yield return [.. list];
    }

    // Hashes, looks up what is stored (an unchanged article is not analysed again) and analyses the rest.
    private async Task<Chunk> PrepareChunkAsync(Article[] list, CancellationToken cancel)
    {
        var stored = await StoredHashesAsync(list.Select(a => a.Id), cancel);
        var prepared = new PreparedArticle?[list.Length];
        for (int i = 0; i < list.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            long hash = ContentHash(list[i]);
            if (!stored.TryGetValue(list[i].Id, out long old) || old != hash) prepared[i] = Prepare(list[i], hash);
        }
        return new Chunk(list, prepared);
    }

    private async Task WriteChunksAsync(IAsyncEnumerable<Chunk> chunks, Actor? actor, ImportOptions options,
        Func<IReadOnlyList<(Article, AddOutcome)>, Task>? committed, CancellationToken cancel)
    {
        // Unpooled when bulk loading: its big page cache must not go back to the pool with the connection.
        await using var c = await ConnectAsync(cancel, pooled: !options.BulkLoad);
        if (options.BulkLoad)
        {
            // A 128 MB page cache: the b-trees being appended to stay in memory.
            await ExecuteAsync(c, "PRAGMA cache_size=-131072;", cancel);
        }
        await using var statements = new Statements(c) { Reindexing = options.Reindexing };
        var change = NewChange("replace", actor);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = new List<(Article, AddOutcome)>();
        long chars = 0;
        SqliteTransaction? tx = null;
        try
        {
            await foreach (var chunk in chunks.WithCancellation(cancel))
                for (int i = 0; i < chunk.Articles.Length; i++)
                {
                    var a = chunk.Articles[i];
                    if (tx is null) EnsureRoom();
                    tx ??= statements.Transaction = (SqliteTransaction)await c.BeginTransactionAsync(cancel);
                    // Seen unchanged by the worker, but this import changed it before: it must be written after all.
                    var p = chunk.Prepared[i] ?? (written.Contains(a.Id) ? Prepare(a, ContentHash(a)) : null);
                    var outcome = p is null ? AddOutcome.Unchanged : await WriteAsync(statements, p, change, cancel);
                    if (outcome != AddOutcome.Unchanged) written.Add(a.Id);
                    outcomes.Add((a, outcome));
                    chars += a.Text.Length;
                    if (outcomes.Count >= options.TransactionSize || chars >= options.TransactionChars) await CommitAsync();
                }
            if (outcomes.Count > 0) await CommitAsync();
        }
        finally
        {
            if (tx is not null)
            {
                await tx.DisposeAsync(); // rolled back: nothing of an uncommitted transaction stays
                ForgetAnalysed(); // its article numbers may be given to other articles
            }
        }
        // The import's end is a durable point of the full-text index too.
        await CommitFullTextAsync(force: true, cancel);

        async Task CommitAsync()
        {
            await tx!.CommitAsync(cancel);
            await tx.DisposeAsync();
            tx = null;
            statements.Transaction = null;
            await CatchUpAsync(cancel, refresh: false);
            await CommitFullTextAsync(force: false, cancel);
            var done = outcomes;
            outcomes = [];
            chars = 0;
            if (committed is not null) await committed(done);
        }
    }
}
