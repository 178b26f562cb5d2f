using System.CommandLine;
using System.Text.Json;
using SourceSearch.Import;
using SourceSearch.Index;

namespace SourceSearch.Cli;

/// <summary>import, delete, export, check, reindex: the commands that change or inspect the index.</summary>
internal static class ArticleCommands
{
    public static IEnumerable<Command> Create(CliIo io)
    {
        yield return Import(io);
        yield return Delete(io);
        yield return Export(io);
        yield return Check(io);
        yield return Reindex(io);
    }

    private static Command Import(CliIo io)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Files or folders: .txt .md .html .docx .pdf .json .jsonl (folders recursively; a folder's metadata.json gives titles and sources).",
            Arity = ArgumentArity.OneOrMore,
        };
        var bulk = new Option<bool>("--bulk")
        {
            Description = "A large load while nobody searches: 32768 articles a transaction, and always one merge of the full-text index's segments at the end.",
        };
        var transactionSize = new Option<int?>("--transaction-size")
        {
            Description = "Articles per transaction (default: 8192 when no server has the index open, else 256; 32768 with --bulk). " +
                          "Each committed transaction is reported and kept, whatever happens after it.",
        };
        transactionSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--transaction-size must be at least 1");
        });
        var command = new Command("import",
            "Add articles to the index (creating it); an article with an id already there replaces it, an unchanged one is skipped. " +
            "A bad file or line is reported and the rest imported; exit 1 when any failed.")
        { paths, bulk, transactionSize };
        command.SetAction(async (parsed, cancel) =>
        {
            using var services = io.Services(parsed);
            using var index = await IndexAccess.OpenAsync(services, create: true, cancel: cancel);
            bool isBulk = parsed.GetValue(bulk);
            // No server reading (this process holds the full-text index's write lock): large transactions, as a bulk load.
            // With a server running, small ones, which it replays into its index as they commit.
            bool alone = index.OwnsFullText;
            int batch = parsed.GetValue(transactionSize) ?? (isBulk ? ImportOptions.BulkTransactionSize : alone ? ImportOptions.LargeTransactionSize : 256);
            var counts = await ImportAsync(index, parsed.GetValue(paths)!, io.Error, !io.ErrorIsTerminal, cancel, batch, isBulk || alone);
            // A large import leaves many segments: merged once, which queries are measured on.
            if ((isBulk || (alone && counts.Added + counts.Replaced >= LargeImport)) && counts.Added + counts.Replaced > 0)
                await index.OptimizeAsync(cancel);
            await io.Out.WriteLineAsync($"added {counts.Added}, replaced {counts.Replaced}, unchanged {counts.Unchanged}, failed {counts.Failed}");
            return counts.Failed > 0 ? ExitCodes.SomeInputsFailed : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Articles written by one import from which its end merges the full-text index's segments.</summary>
    internal const int LargeImport = 20_000;

    internal sealed record ImportCounts(int Added, int Replaced, int Unchanged, int Failed);

    /// <summary>
    /// Reads, analyses (on every core) and commits <paramref name="batchSize"/> articles a transaction; each
    /// committed transaction stays committed whatever happens after it, and is reported only once committed.
    /// </summary>
    internal static async Task<ImportCounts> ImportAsync(SearchIndex index, IEnumerable<string> paths, TextWriter log, bool plainProgress, CancellationToken cancel,
        int batchSize = 256, bool bulkLoad = false)
    {
        int added = 0, replaced = 0, unchanged = 0, failed = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var logLock = new SemaphoreSlim(1, 1);

        async Task LogAsync(string line, bool newLine = true)
        {
            await logLock.WaitAsync(CancellationToken.None);
            try { if (newLine) await log.WriteLineAsync(line); else await log.WriteAsync(line); }
            finally { logLock.Release(); }
        }

        async IAsyncEnumerable<Article> Readable()
        {
            await foreach (var result in new ArticleReader().ReadAsync(paths, cancel))
            {
                if (result.Failure is { } f)
                {
                    Interlocked.Increment(ref failed);
                    await LogAsync($"{(plainProgress ? "" : "\n")}sourcesearch: {f.Path}{(f.Line is { } line ? ":" + line : "")}: {f.Reason}");
                    continue;
                }
                var article = result.Article!;
                if (SearchIndex.Problem(article) is { } problem)
                {
                    Interlocked.Increment(ref failed);
                    await LogAsync($"sourcesearch: article '{article.Id}': {problem}");
                    continue;
                }
                yield return article;
            }
        }

        async Task Committed(IReadOnlyList<(Article Article, AddOutcome Outcome)> outcomes)
        {
            foreach (var (_, outcome) in outcomes)
                _ = outcome switch { AddOutcome.Added => added++, AddOutcome.Replaced => replaced++, _ => unchanged++ };
            int done = added + replaced + unchanged;
            int bad = Volatile.Read(ref failed);
            if (plainProgress) await LogAsync($"sourcesearch: {done} articles imported, {bad} failed ({clock.Elapsed.TotalSeconds:0.0} s)");
            else await LogAsync($"\r[{new string('#', Math.Min(30, done / batchSize))}{new string('.', Math.Max(0, 30 - done / batchSize))}] {done} articles, {bad} failed   ", newLine: false);
        }

        await index.ImportAsync(Readable(), HistoryCommands.CliActor, new ImportOptions { TransactionSize = batchSize, BulkLoad = bulkLoad }, Committed, cancel);
        if (!plainProgress) await log.WriteLineAsync();
        return new ImportCounts(added, replaced, unchanged, Volatile.Read(ref failed));
    }

    private static Command Delete(CliIo io)
    {
        var id = new Argument<string>("id") { Description = "The article's id, exactly as imported." };
        var command = new Command("delete", "Remove an article from the index (exit 1 when there is none with that id); it stays restorable for Index:RestoreDays days (see `restore`).") { id };
        command.SetAction(async (parsed, cancel) =>
        {
            using var services = io.Services(parsed);
            using var index = await IndexAccess.OpenAsync(services, create: false, cancel: cancel);
            string given = parsed.GetValue(id)!;
            if (await index.DeleteAsync(given, HistoryCommands.CliActor, cancel))
            {
                await io.Out.WriteLineAsync($"deleted {given}");
                return ExitCodes.Success;
            }
            await io.Error.WriteLineAsync($"sourcesearch: no article with id '{given}'");
            return ExitCodes.SomeInputsFailed;
        });
        return command;
    }

    private static Command Export(CliIo io)
    {
        var command = new Command("export", "Write every article as JSONL on standard output, in the import format (id, title, text, and author, date, source, url when set).");
        command.SetAction(async (parsed, cancel) =>
        {
            using var services = io.Services(parsed);
            using var index = await IndexAccess.OpenAsync(services, create: false, allowMismatch: true, cancel: cancel);
            await foreach (var a in index.AllAsync(cancel))
                await io.Out.WriteLineAsync(JsonSerializer.Serialize(ExportLine(a), CliApp.Json));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static Dictionary<string, string> ExportLine(Article a)
    {
        var line = new Dictionary<string, string> { ["id"] = a.Id, ["title"] = a.Title, ["text"] = a.Text };
        if (a.Author is not null) line["author"] = a.Author;
        if (a.Date is not null) line["date"] = a.Date;
        if (a.Source is not null) line["source"] = a.Source;
        if (a.Url is not null) line["url"] = a.Url;
        return line;
    }

    private static Command Check(CliIo io)
    {
        var command = new Command("check", "Check the index: SQLite's integrity check, Lucene's CheckIndex, that every article's passages are in the full-text index once (and nothing else), that it holds the store's change sequence, that every id is found by its key and held once, and the schema and analysis versions. Exit 0 when sound.");
        command.SetAction(async (parsed, cancel) =>
        {
            using var services = io.Services(parsed);
            using var index = await IndexAccess.OpenAsync(services, create: false, allowMismatch: true, cancel: cancel);
            var problems = await index.CheckAsync(cancel);
            foreach (var p in problems) await io.Error.WriteLineAsync("sourcesearch: " + p);
            if (problems.Count > 0) return ExitCodes.UsageOrUnusable;
            await io.Out.WriteLineAsync($"ok: {await index.CountAsync(cancel)} articles, index sound");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Reindex(CliIo io)
    {
        var command = new Command("reindex", "Re-analyse every article from its stored text (after a dictionary, user dictionary or OpenCC change, or with --analyzer NAME to change the analyzer), " +
            "rebuilding the index in the current schema (an index of an older schema is brought up to date). It builds a new index beside the old one (DIR/.reindex: " +
            "free disk space for a second copy is needed) and swaps it in when complete; until then the old index is untouched and usable, so a cut reindex " +
            "changes nothing. Articles and history are kept.");
        command.SetAction(async (parsed, cancel) =>
        {
            using var services = io.Services(parsed);
            string dir = IndexAccess.Directory(services);
            if (!File.Exists(SearchIndex.PathIn(dir))) throw new IndexUnusableException($"there is no index in {dir}/ to reindex");
            var progress = new Progress<int>(n => io.Error.WriteLine($"sourcesearch: {n} articles re-analysed"));
            int count = await SearchIndex.ReindexIntoNewFolderAsync(dir, services.Analyzer, IndexAccess.RequestedTokenizer(services), progress, cancel);
            await io.Out.WriteLineAsync($"reindexed {count} articles");
            return ExitCodes.Success;
        });
        return command;
    }
}
