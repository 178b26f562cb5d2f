using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SourceSearch.Index;
using SourceSearch.Web;

namespace SourceSearch.Cli;

/// <summary>
/// `bench web`: GET /api/search under concurrent clients against an existing index, the server in this process on
/// 127.0.0.1; `bench startup`: how long `sourcesearch serve` takes, from process start, to answer its first search.
/// </summary>
internal static class WebBench
{
    public const string DefaultQueries = "../shared/bench/scale-queries.jsonl";

    public static Command Web(CliIo io)
    {
        var queries = new Option<string>("--queries") { Description = $"Queries as JSONL ({{\"q\"}} a line; default {DefaultQueries}).", DefaultValueFactory = _ => DefaultQueries };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (default 8).", DefaultValueFactory = _ => 8 };
        var requests = new Option<int>("--requests") { Description = "Searches in all, the queries taken in turn (default 4000).", DefaultValueFactory = _ => 4000 };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object." };
        var command = new Command("web",
            "Serve an existing index (--index DIR, default the one `bench index` made) on 127.0.0.1 in this process and send GET /api/search " +
            "(top 10 with snippets) from --clients concurrent clients, after one warm-up pass: p50/p95/p99 latency seen by the clients and requests/s; exit 1 when a request failed.")
        { queries, clients, requests, json };
        command.SetAction(async (parsed, cancel) =>
        {
            if (await ReadQueriesAsync(io, parsed.GetValue(queries)!, cancel) is not { } list) return ExitCodes.UsageOrUnusable;
            int n = parsed.GetValue(clients), total = parsed.GetValue(requests);
            if (n is < 1 or > 1000 || total < 1)
            {
                await io.Error.WriteLineAsync("sourcesearch: --clients must be from 1 to 1000 and --requests at least 1");
                return ExitCodes.UsageOrUnusable;
            }
            if (await ExistingIndexAsync(io, parsed) is not { } dir) return ExitCodes.UsageOrUnusable;

            await using var app = await SourceSearchApp.BuildAsync([],
            [
                .. CliApp.Overrides(parsed).Where(o => o.Key != "Index"),
                new("urls", "http://127.0.0.1:0"),
                new("Index", dir),
                new("Web:Corpus", ""),                          // serve the index as it is, never build one
                new("Logging:LogLevel:Default", "Warning"),     // a log line per request would be measured too
            ], cancel);
            await app.StartAsync(cancel);
            try
            {
                using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = n }) { BaseAddress = new Uri(app.Urls.First()) };
                string Url(string q) => "/api/search?q=" + Uri.EscapeDataString(q) + "&size=10";
                foreach (var q in list) (await client.GetAsync(Url(q), cancel)).Dispose(); // warm-up: JIT, caches, pages

                var times = new double[total];
                int next = -1, failed = 0;
                string? example = null;
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, n).Select(_ => Task.Run(async () =>
                {
                    for (int i; (i = Interlocked.Increment(ref next)) < total;)
                    {
                        var one = Stopwatch.StartNew();
                        try
                        {
                            using var response = await client.GetAsync(Url(list[i % list.Count]), cancel);
                            await response.Content.ReadAsByteArrayAsync(cancel);
                            if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref failed); example ??= $"{(int)response.StatusCode} for {list[i % list.Count]}"; }
                        }
                        catch (HttpRequestException e) { Interlocked.Increment(ref failed); example ??= e.Message; }
                        times[i] = one.Elapsed.TotalMilliseconds;
                    }
                }, cancel)));
                double seconds = clock.Elapsed.TotalSeconds;
                var sorted = times.Order().ToArray();
                double P(double p) => Percentile.Of(sorted, p, 2);
                var result = new
                {
                    clients = n,
                    requests = total,
                    failed,
                    seconds = Math.Round(seconds, 2),
                    requestsPerSecond = Math.Round(total / seconds, 1),
                    meanMs = Math.Round(sorted.Average(), 2),
                    p50Ms = P(0.50),
                    p95Ms = P(0.95),
                    p99Ms = P(0.99),
                    maxMs = Math.Round(sorted[^1], 2),
                    processors = Environment.ProcessorCount,
                };
                if (parsed.GetValue(json)) await io.Out.WriteLineAsync(JsonSerializer.Serialize(result, CliApp.Json));
                else
                {
                    await io.Out.WriteLineAsync($"GET /api/search, {n} clients on 127.0.0.1 (server in this process), {total:N0} requests in {result.seconds} s: {result.requestsPerSecond} requests/s");
                    await io.Out.WriteLineAsync($"  latency p50 {result.p50Ms} ms  p95 {result.p95Ms} ms  p99 {result.p99Ms} ms  max {result.maxMs} ms; failed {failed}{(example is null ? "" : " (" + example + ")")}");
                }
                return failed == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
            }
        });
        return command;
    }

    public static Command Startup(CliIo io)
    {
        var runs = new Option<int>("--runs") { Description = "Starts to time (default 3); the median is reported too.", DefaultValueFactory = _ => 3 };
        var query = new Option<string>("--query") { Description = "The first search (default 园林).", DefaultValueFactory = _ => "园林" };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object." };
        var command = new Command("startup",
            "Start `sourcesearch serve` on an existing index (--index DIR, default the one `bench index` made) as a child process and time, from the process start, " +
            "until GET /api/search answers 200 (the runtime, the dictionaries and the index opened); the target is under 2 s.")
        { runs, query, json };
        command.SetAction(async (parsed, cancel) =>
        {
            if (await ExistingIndexAsync(io, parsed) is not { } dir) return ExitCodes.UsageOrUnusable;
            string exe = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
            var seconds = new List<double>();
            for (int run = 0; run < Math.Max(1, parsed.GetValue(runs)); run++)
            {
                int port = FreePort();
                var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { "serve", "--index", dir, "--urls", $"http://127.0.0.1:{port}" }) psi.ArgumentList.Add(a);
                if (parsed.GetValue(CliApp.UserDictOption) is { Length: > 0 } userdict) { psi.ArgumentList.Add("--userdict"); psi.ArgumentList.Add(userdict); }
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                var url = $"http://127.0.0.1:{port}/api/search?q={Uri.EscapeDataString(parsed.GetValue(query)!)}";
                var clock = Stopwatch.StartNew();
                using var server = Process.Start(psi) ?? throw new InvalidOperationException($"{exe} did not start");
                _ = server.StandardOutput.ReadToEndAsync(cancel);
                var errors = server.StandardError.ReadToEndAsync(cancel);
                try
                {
                    while (true)
                    {
                        if (server.HasExited)
                        {
                            await io.Error.WriteLineAsync($"sourcesearch: the server exited ({server.ExitCode}) before answering: {await errors}");
                            return ExitCodes.SomeInputsFailed;
                        }
                        if (clock.Elapsed > TimeSpan.FromSeconds(120))
                        {
                            await io.Error.WriteLineAsync("sourcesearch: the server did not answer a search within 120 s");
                            return ExitCodes.SomeInputsFailed;
                        }
                        try
                        {
                            using var response = await client.GetAsync(url, cancel);
                            if (response.StatusCode == HttpStatusCode.OK) break;
                        }
                        catch (HttpRequestException) { } // not listening yet
                        await Task.Delay(5, cancel);
                    }
                    seconds.Add(clock.Elapsed.TotalSeconds);
                }
                finally
                {
                    if (!server.HasExited) server.Kill(entireProcessTree: true); // it only read the index
                    await server.WaitForExitAsync(CancellationToken.None);
                }
            }
            var sorted = seconds.Order().ToArray();
            var result = new
            {
                runs = seconds.Select(s => Math.Round(s, 3)).ToArray(),
                medianSeconds = Math.Round(sorted[sorted.Length / 2], 3),
                targetSeconds = 2.0,
            };
            if (parsed.GetValue(json)) await io.Out.WriteLineAsync(JsonSerializer.Serialize(result, CliApp.Json));
            else await io.Out.WriteLineAsync($"first search served {result.medianSeconds} s after the server process started (median of {sorted.Length}: {string.Join(", ", result.runs)} s); target < 2 s");
            return ExitCodes.Success;
        });
        return command;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string?> ExistingIndexAsync(CliIo io, ParseResult parsed)
    {
        using var services = io.Services(parsed);
        string dir = services.Get<IConfiguration>()["Index"] is { Length: > 0 } given ? given : Path.Combine(Path.GetTempPath(), "sourcesearch-bench-index");
        if (File.Exists(SearchIndex.PathIn(dir))) return dir;
        await io.Error.WriteLineAsync($"sourcesearch: there is no index in {dir} (make one with `sourcesearch bench index --index {dir}` or pass --index)");
        return null;
    }

    internal static async Task<List<string>?> ReadQueriesAsync(CliIo io, string path, CancellationToken cancel)
    {
        if (!File.Exists(path))
        {
            await io.Error.WriteLineAsync($"sourcesearch: queries file {path} does not exist (pass --queries FILE)");
            return null;
        }
        var list = new List<string>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancel))
        {
            if (line.Trim().Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.GetProperty("q").GetString() is { Length: > 0 } q) list.Add(q);
        }
        return list;
    }
}
