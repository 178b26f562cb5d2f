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
        var bench = new Command("bench", "Benchmarks (see README: Performance).");
        bench.Subcommands.Add(analysis);
        return bench;
    }

    /// <summary>Title and text of each JSONL line; .xz input is decompressed by xz(1).</summary>
    internal static async Task<List<string>> ReadDocumentsAsync(string path, long maxBytes, CancellationToken cancel)
    {
        var docs = new List<string>();
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
            long bytes = 0;
            string? line;
            while ((line = await reader.ReadLineAsync(cancel)) is not null)
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
        return docs;
    }
}
