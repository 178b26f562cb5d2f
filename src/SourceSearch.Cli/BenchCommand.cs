using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SourceSearch.Text;

namespace SourceSearch.Cli;

/// <summary>`sourcesearch bench analysis`: throughput of the analysis chain and dictionary load time.</summary>
internal static class BenchCommand
{
    public const string DefaultInput = "../shared/bench/classical.jsonl.xz";

    public static Command Create(CliIo io)
    {
        var input = new Option<string>("--input")
        {
            Description = $"Documents as JSONL ({{\"title\",\"text\"}} a line), optionally .xz-compressed (default {DefaultInput}).",
            DefaultValueFactory = _ => DefaultInput,
        };
        var maxMb = new Option<double>("--max-mb") { Description = "Read at most this many MB of UTF-8 text (default: all).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object." };
        var analysis = new Command("analysis",
            "Measure the analysis chain (normalise, fold script, fold numerals, segment, bigrams) on one core: MB/s of UTF-8 input after a warm-up pass, and the time to load its dictionaries.")
        { input, maxMb, json };
        analysis.SetAction(async (parsed, cancel) =>
        {
            string path = parsed.GetValue(input)!;
            if (!File.Exists(path))
            {
                await io.Error.WriteLineAsync($"sourcesearch: bench input {path} does not exist (the benchmark corpus is ../shared/bench/classical.jsonl.xz beside the checkout; pass --input FILE)");
                return ExitCodes.UsageOrUnusable;
            }
            using var services = io.Services(parsed);
            var options = services.Get<IOptions<TextOptions>>().Value;

            var clock = Stopwatch.StartNew();
            var analyzer = TextAnalysis.Load(options, NullLogger.Instance);
            double firstLoad = clock.Elapsed.TotalSeconds;
            clock.Restart();
            analyzer = TextAnalysis.Load(options, NullLogger.Instance);
            double secondLoad = clock.Elapsed.TotalSeconds;

            var docs = await ReadDocumentsAsync(path, (long)(parsed.GetValue(maxMb) * 1_000_000), cancel);
            long bytes = docs.Sum(d => (long)Encoding.UTF8.GetByteCount(d));

            foreach (var d in docs.Take(Math.Max(1, docs.Count / 20))) analyzer.Analyze(d); // warm-up: JIT and caches

            clock.Restart();
            foreach (var d in docs) analyzer.Fold(d);
            double foldSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            long tokens = 0;
            foreach (var d in docs) tokens += analyzer.Analyze(d).Count;
            double seconds = clock.Elapsed.TotalSeconds;

            var result = new
            {
                input = Path.GetFileName(path),
                documents = docs.Count,
                megabytes = Math.Round(bytes / 1e6, 2),
                seconds = Math.Round(seconds, 3),
                megabytesPerSecond = Math.Round(bytes / 1e6 / seconds, 2),
                documentsPerSecond = Math.Round(docs.Count / seconds),
                tokens,
                foldOnlyMegabytesPerSecond = Math.Round(bytes / 1e6 / foldSeconds, 2),
                dictionaryLoadSeconds = Math.Round(firstLoad, 3),
                dictionaryReloadSeconds = Math.Round(secondLoad, 3),
                processors = Environment.ProcessorCount,
            };
            if (parsed.GetValue(json))
                await io.Out.WriteLineAsync(JsonSerializer.Serialize(result, CliApp.Json));
            else
            {
                await io.Out.WriteLineAsync($"analysis chain, one thread, {result.documents:N0} documents, {result.megabytes} MB UTF-8 ({result.input})");
                await io.Out.WriteLineAsync($"  full chain:        {result.megabytesPerSecond} MB/s  ({result.documentsPerSecond:N0} docs/s, {tokens:N0} tokens in {result.seconds} s)");
                await io.Out.WriteLineAsync($"  stages 1-3 (fold): {result.foldOnlyMegabytesPerSecond} MB/s");
                await io.Out.WriteLineAsync($"  dictionary load:   {result.dictionaryLoadSeconds} s first in this process, {result.dictionaryReloadSeconds} s again");
            }
            return ExitCodes.Success;
        });
        var bench = new Command("bench", "Benchmarks: analysis (the analysis chain), index (bulk indexing), queries (latency, one client), suggest (suggestions as you type), web (GET /api/search, 8 clients), startup (first search after start), load (writes while searching); see README: Performance.");
        bench.Subcommands.Add(analysis);
        bench.Subcommands.Add(IndexBench(io));
        bench.Subcommands.Add(QueryBench(io));
        bench.Subcommands.Add(SuggestBench(io));
        bench.Subcommands.Add(LoadBenchmark.Create(io));
        bench.Subcommands.Add(WebBench.Web(io));
        bench.Subcommands.Add(WebBench.Startup(io));
        return bench;
    }

    private static Command IndexBench(CliIo io)
    {
        var input = new Option<string>("--input") { Description = $"Articles as JSONL, optionally .xz (default {DefaultInput}).", DefaultValueFactory = _ => DefaultInput };
        var maxDocs = new Option<int>("--max-docs") { Description = "Index at most this many articles (default: all).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object." };
        var command = new Command("index",
            "Time `sourcesearch import FILE` as users run it (a process of its own, no flags, its start-up and final merge included) into a new " +
            "index (--index DIR, default a temporary folder kept for `bench queries`): wall time, documents/s, MB/s of UTF-8 text, the import " +
            "process's peak resident memory, size on disk (store and full-text index); then the same import again (every article unchanged).")
        { input, maxDocs, json };
        command.SetAction(async (parsed, cancel) =>
        {
            string path = parsed.GetValue(input)!;
            if (!File.Exists(path))
            {
                await io.Error.WriteLineAsync($"sourcesearch: bench input {path} does not exist (pass --input FILE)");
                return ExitCodes.UsageOrUnusable;
            }
            using var services = io.Services(parsed);
            var configuration = services.Get<Microsoft.Extensions.Configuration.IConfiguration>();
            string dir = configuration["Index"] is { Length: > 0 } given ? given : Path.Combine(Path.GetTempPath(), "sourcesearch-bench-index");
            if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            {
                await io.Error.WriteLineAsync($"sourcesearch: {dir} is not empty; bench index needs a new index folder (remove it or pass --index)");
                return ExitCodes.UsageOrUnusable;
            }
            // The articles as the JSONL file a user would import (written before the clock starts).
            var articles = await ReadArticlesAsync(path, parsed.GetValue(maxDocs), cancel);
            long bytes = articles.Sum(a => (long)Encoding.UTF8.GetByteCount(a.Title) + Encoding.UTF8.GetByteCount(a.Text));
            string file = Path.Combine(Path.GetTempPath(), $"sourcesearch-bench-{Environment.ProcessId}.jsonl");
            await using (var w = new StreamWriter(file, false, new UTF8Encoding(false)))
                foreach (var a in articles)
                    await w.WriteLineAsync(JsonSerializer.Serialize(new { id = a.Id, title = a.Title, text = a.Text, author = a.Author }));
            try
            {
                var args = new List<string> { "import", file, "--index", dir };
                if (configuration["Text:UserDictionary"] is { Length: > 0 } userdict) args.AddRange(["--userdict", userdict]);
                if (configuration["Analyzer"] is { Length: > 0 } analyzer) args.AddRange(["--analyzer", analyzer]);
                var first = await RunTimedAsync(args, cancel);
                if (first.ExitCode != 0)
                {
                    await io.Error.WriteLineAsync($"sourcesearch: the import failed (exit {first.ExitCode}): {first.Error}");
                    return ExitCodes.UsageOrUnusable;
                }
                long size = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                var again = await RunTimedAsync(args, cancel);

                var result = new
                {
                    index = dir,
                    documents = articles.Length,
                    megabytes = Math.Round(bytes / 1e6, 2),
                    seconds = Math.Round(first.Seconds, 2),
                    documentsPerSecond = Math.Round(articles.Length / first.Seconds),
                    megabytesPerSecond = Math.Round(bytes / 1e6 / first.Seconds, 2),
                    peakMemoryMegabytes = Math.Round(first.PeakBytes / 1e6),
                    indexMegabytes = Math.Round(size / 1e6, 1),
                    reimportUnchangedSeconds = Math.Round(again.Seconds, 2),
                    processors = Environment.ProcessorCount,
                };
                if (parsed.GetValue(json)) await io.Out.WriteLineAsync(JsonSerializer.Serialize(result, CliApp.Json));
                else
                {
                    await io.Out.WriteLineAsync($"sourcesearch import: {result.documents:N0} articles ({result.megabytes} MB UTF-8) in {result.seconds} s: {result.documentsPerSecond:N0} docs/s, {result.megabytesPerSecond} MB/s");
                    await io.Out.WriteLineAsync($"  peak resident memory {result.peakMemoryMegabytes} MB, store and index on disk {result.indexMegabytes} MB ({dir})");
                    await io.Out.WriteLineAsync($"  the same import again (all unchanged): {result.reimportUnchangedSeconds} s");
                }
                return ExitCodes.Success;
            }
            finally
            {
                File.Delete(file);
            }
        });
        return command;
    }

    // Runs this program with `args` as a process of its own: wall time, its peak resident memory (VmHWM, read while it runs), exit code.
    private static async Task<(int ExitCode, double Seconds, long PeakBytes, string Error)> RunTimedAsync(List<string> args, CancellationToken cancel)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync(cancel);
        var error = p.StandardError.ReadToEndAsync(cancel);
        long peak = 0;
        while (!p.HasExited)
        {
            peak = Math.Max(peak, PeakResident(p.Id));
            try { await p.WaitForExitAsync(cancel).WaitAsync(TimeSpan.FromMilliseconds(100), cancel); }
            catch (TimeoutException) { }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        await output;
        return (p.ExitCode, seconds, peak, await error);
    }

    private static long PeakResident(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().ToString().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { } // it has just exited
        return 0;
    }

    private static Command QueryBench(CliIo io)
    {
        var queries = new Option<string>("--queries") { Description = "Queries as JSONL ({\"q\",\"kind\"} a line; default ../shared/bench/scale-queries.jsonl).", DefaultValueFactory = _ => "../shared/bench/scale-queries.jsonl" };
        var maxQueries = new Option<int>("--max-queries") { Description = "Run at most this many queries (default: all).", DefaultValueFactory = _ => 0 };
        var top = new Option<int>("--top") { Description = "Hits per query, with snippets (default 10).", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object." };
        var command = new Command("queries",
            "Run the queries one at a time against an index (--index DIR, default the one `bench index` made), after one warm-up pass: mean, p50, p95, p99 latency and QPS, overall and per kind; and the warm-up pass's own latency (each query's first run: firstPass).")
        { queries, maxQueries, top, json };
        command.SetAction(async (parsed, cancel) =>
        {
            string path = parsed.GetValue(queries)!;
            if (!File.Exists(path))
            {
                await io.Error.WriteLineAsync($"sourcesearch: queries file {path} does not exist (pass --queries FILE)");
                return ExitCodes.UsageOrUnusable;
            }
            var list = await ReadQueriesAsync(path, cancel);
            if (parsed.GetValue(maxQueries) is > 0 and var max) list = list.Take(max).ToList();
            using var services = io.Services(parsed);
            string dir = services.Get<Microsoft.Extensions.Configuration.IConfiguration>()["Index"] is { Length: > 0 } given
                ? given : Path.Combine(Path.GetTempPath(), "sourcesearch-bench-index");
            using var index = await SourceSearch.Index.SearchIndex.OpenAsync(dir, services.Analyzer, create: false, cancel: cancel);
            var searcher = IndexAccess.Searcher(services, index);
            int size = parsed.GetValue(top);
            // Warm-up, as a server is by the time people search: the "did you mean" vocabulary built (a server starts it
            // at start), and every query run once.
            if (searcher.Suggester is { } suggester) await suggester.VocabularyAsync(cancel);
            // The warm-up pass is timed too: each query's first run, with nothing kept from an earlier run of it (the
            // searcher keeps folded passages across queries, as a server does; the measured pass finds its own there).
            var first = new List<double>(list.Count);
            foreach (var (q, _) in list)
            {
                var one = Stopwatch.StartNew();
                await searcher.SearchAsync(new SourceSearch.Search.SearchRequest(q, Size: size), cancel);
                first.Add(one.Elapsed.TotalMilliseconds);
            }
            var times = new List<(string Kind, double Ms)>();
            SourceSearch.Index.QueryProfile.Reset();
            var clock = Stopwatch.StartNew();
            foreach (var (q, kind) in list)
            {
                var one = Stopwatch.StartNew();
                await searcher.SearchAsync(new SourceSearch.Search.SearchRequest(q, Size: size), cancel);
                times.Add((kind, one.Elapsed.TotalMilliseconds));
            }
            double total = clock.Elapsed.TotalSeconds;
            var result = new
            {
                queries = times.Count,
                qps = Math.Round(times.Count / total, 1),
                all = LatencyStats(times.Select(t => t.Ms)),
                byKind = times.GroupBy(t => t.Kind).ToDictionary(g => g.Key, g => LatencyStats(g.Select(t => t.Ms))),
                firstPass = LatencyStats(first),
                // Where the time goes: SQLite statements per stage (FTS5 match and BM25 ranking, article rows, texts); the rest is analysis, snippets and ranking in .NET.
                profile = SourceSearch.Index.QueryProfile.Snapshot().ToDictionary(p => p.Key.ToString().ToLowerInvariant(),
                    p => new { ms = Math.Round(p.Value.Ms, 1), statements = p.Value.Calls, shareOfTotal = Math.Round(p.Value.Ms / 1000 / total, 3) }),
            };
            await io.Out.WriteLineAsync(JsonSerializer.Serialize(result, parsed.GetValue(json) ? CliApp.Json : new JsonSerializerOptions(CliApp.Json) { WriteIndented = true }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command SuggestBench(CliIo io)
    {
        var queries = new Option<string>("--queries") { Description = "Queries as JSONL ({\"q\"} a line; default ../shared/bench/scale-queries.jsonl): what is typed is their prefixes.", DefaultValueFactory = _ => "../shared/bench/scale-queries.jsonl" };
        var maxQueries = new Option<int>("--max-queries") { Description = "Use at most this many queries (default: all).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object." };
        var command = new Command("suggest",
            "Suggestions as you type against an index (--index DIR, default the one `bench index` made): the time to build the vocabulary, then each query's first word typed a character at a time (1 to 4 characters) and, for Chinese, its toneless pinyin typed a letter at a time (2 to 8 letters), through the call GET /api/suggest makes: server time mean, p50, p95, p99.")
        { queries, maxQueries, json };
        command.SetAction(async (parsed, cancel) =>
        {
            string path = parsed.GetValue(queries)!;
            if (!File.Exists(path))
            {
                await io.Error.WriteLineAsync($"sourcesearch: queries file {path} does not exist (pass --queries FILE)");
                return ExitCodes.UsageOrUnusable;
            }
            var list = (await ReadQueriesAsync(path, cancel)).Select(q => q.Q).ToList();
            if (parsed.GetValue(maxQueries) is > 0 and var max) list = list.Take(max).ToList();
            using var services = io.Services(parsed);
            string dir = services.Get<Microsoft.Extensions.Configuration.IConfiguration>()["Index"] is { Length: > 0 } given
                ? given : Path.Combine(Path.GetTempPath(), "sourcesearch-bench-index");
            using var index = await SourceSearch.Index.SearchIndex.OpenAsync(dir, services.Analyzer, create: false, cancel: cancel);
            var suggester = IndexAccess.Searcher(services, index).Suggester!;
            var build = Stopwatch.StartNew();
            var vocabulary = await suggester.VocabularyAsync(cancel);
            double buildSeconds = build.Elapsed.TotalSeconds;
            var pinyin = services.App.Pinyin();

            // What a person types on the way to each query: its first word a character at a time, and its pinyin a letter at a time.
            var typed = new List<(string Text, string Kind)>();
            foreach (string q in list)
            {
                string word = q.Trim().Split(' ', '\u3000')[0];
                var chars = word.EnumerateRunes().Select(r => r.ToString()).ToList();
                for (int n = 1; n <= Math.Min(4, chars.Count); n++) typed.Add((string.Concat(chars.Take(n)), "hanzi"));
                string folded = services.Analyzer.FoldToString(string.Concat(chars.Take(3)));
                if (pinyin?.Readings(folded) is { Count: > 0 } readings)
                    for (int n = 2; n <= Math.Min(8, readings[0].Length); n++) typed.Add((readings[0][..n], "pinyin"));
            }
            foreach (var (text, _) in typed.Take(500)) await suggester.SuggestAsync(text, suggester.Options.DefaultSize, null, cancel); // warm-up
            var times = new List<(string Kind, double Ms)>();
            int empty = 0;
            foreach (var (text, kind) in typed)
            {
                var r = await suggester.SuggestAsync(text, suggester.Options.DefaultSize, null, cancel);
                times.Add((kind, r.TookMs));
                if (r.Suggestions.Count == 0) empty++;
            }
            var result = new
            {
                vocabulary = new
                {
                    terms = vocabulary.TermCount, buildSeconds = Math.Round(buildSeconds, 2),
                    readingTermsSeconds = Math.Round(vocabulary.TermsSeconds, 2), readingTitlesSeconds = Math.Round(vocabulary.TitlesSeconds, 2),
                },
                requests = times.Count,
                withoutSuggestions = empty,
                all = LatencyStats(times.Select(t => t.Ms)),
                byKind = times.GroupBy(t => t.Kind).ToDictionary(g => g.Key, g => LatencyStats(g.Select(t => t.Ms))),
            };
            await io.Out.WriteLineAsync(JsonSerializer.Serialize(result, parsed.GetValue(json) ? CliApp.Json : new JsonSerializerOptions(CliApp.Json) { WriteIndented = true }));
            return ExitCodes.Success;
        });
        return command;
    }

    // The benchmark queries: {"q", "kind"?} a line.
    private static async Task<List<(string Q, string Kind)>> ReadQueriesAsync(string path, CancellationToken cancel)
    {
        var list = new List<(string Q, string Kind)>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancel))
        {
            if (line.Trim().Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            list.Add((doc.RootElement.GetProperty("q").GetString() ?? "", doc.RootElement.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : ""));
        }
        return list;
    }

    // Count, mean and percentiles of latencies in milliseconds.
    private static object LatencyStats(IEnumerable<double> ms)
    {
        var sorted = ms.Order().ToArray();
        double P(double p) => Percentile.Of(sorted, p, 3);
        return new { count = sorted.Length, meanMs = Math.Round(sorted.DefaultIfEmpty().Average(), 3), p50Ms = P(0.50), p95Ms = P(0.95), p99Ms = P(0.99) };
    }

    private static async Task<SourceSearch.Import.Article[]> ReadArticlesAsync(string path, int max, CancellationToken cancel)
    {
        var result = new List<SourceSearch.Import.Article>();
        await foreach (var line in ReadLinesAsync(path, cancel))
        {
            if (line.Trim().Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            string? S(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (S("id") is not { Length: > 0 } id || S("text") is not { } text || text.Trim().Length == 0) continue;
            result.Add(new SourceSearch.Import.Article(id, S("title") ?? "", text, S("author"), S("date"), S("source"), S("url")));
            if (max > 0 && result.Count >= max) break;
        }
        return [.. result];
    }

    private static async IAsyncEnumerable<string> ReadLinesAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        Process? xz = null;
        TextReader reader;
        if (path.EndsWith(".xz", StringComparison.OrdinalIgnoreCase))
        {
            var psi = new ProcessStartInfo("xz") { ArgumentList = { "-dc", path }, RedirectStandardOutput = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
            xz = Process.Start(psi) ?? throw new InvalidOperationException("xz did not start (apt-get install xz-utils)");
            reader = xz.StandardOutput;
        }
        else reader = new StreamReader(path, Encoding.UTF8);
        try
        {
            string? line;
            while ((line = await reader.ReadLineAsync(cancel)) is not null) yield return line;
        }
        finally
        {
            if (xz is not null)
            {
                if (!xz.HasExited) xz.Kill();
                await xz.WaitForExitAsync(CancellationToken.None);
                xz.Dispose();
            }
            reader.Dispose();
        }
    }

    /// <summary>Title and text of each JSONL line; .xz input is decompressed by xz(1).</summary>
    internal static async Task<List<string>> ReadDocumentsAsync(string path, long maxBytes, CancellationToken cancel)
    {
        var docs = new List<string>();
        long bytes = 0;
        await foreach (var line in ReadLinesAsync(path, cancel))
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            string title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            string text = root.TryGetProperty("text", out var x) && x.ValueKind == JsonValueKind.String ? x.GetString()! : "";
            string both = title.Length > 0 ? title + "\n" + text : text;
            docs.Add(both);
            bytes += Encoding.UTF8.GetByteCount(both);
            if (maxBytes > 0 && bytes >= maxBytes) break;
        }
        return docs;
    }

}
