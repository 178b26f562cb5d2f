using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SourceSearch.Import;
using SourceSearch.Web;

namespace SourceSearch.Cli;

/// <summary>What one load run is asked to do.</summary>
internal sealed record LoadOptions(double Seconds = 20, int Clients = 8, string Corpus = "corpus", double AskShare = 0.25);

internal sealed record LatencyStats(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs);

/// <summary>The result of a load run: what was done, how fast, and what went wrong (nothing, when it holds).</summary>
internal sealed record LoadReport(
    double Seconds, int Clients, long StartArticles, long EndArticles, int Added, int Uploads,
    int Searches, int TokenSearches, int Asks, int AskRateLimited, double RequestsPerSecond, double SearchesPerSecond,
    LatencyStats Search, LatencyStats Ask, LatencyStats Add,
    int FailedRequests, int Misses, int MissingAfterwards, IReadOnlyList<string> IndexProblems, IReadOnlyList<string> Examples)
{
    public bool Held => FailedRequests == 0 && Misses == 0 && MissingAfterwards == 0 && IndexProblems.Count == 0;
}

/// <summary>
/// `sourcesearch bench load`: the web app on 127.0.0.1 over a fresh index built from a corpus, one writer adding
/// articles through POST /api/articles (JSON, and every fourth as a multipart .jsonl upload of two) while N clients
/// search and ask. Every added article carries a unique Latin token; a client searching for the token of an article
/// whose add had returned 201 before that search started must find it. Any non-2xx answer is a failure, except a 429
/// from the ask rate limit (set high here, so it is counted apart). Latencies are measured by the clients (HTTP included),
/// on the same machine as the server.
/// </summary>
internal static class LoadBenchmark
{
    public static Command Create(CliIo io)
    {
        var seconds = new Option<double>("--seconds") { Description = "How long to run (default 20).", DefaultValueFactory = _ => 20 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients searching and asking (default 8).", DefaultValueFactory = _ => 8 };
        var corpus = new Option<string>("--corpus") { Description = "Articles that build the index first and lend their text to the added ones (default corpus/).", DefaultValueFactory = _ => "corpus" };
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object." };
        var command = new Command("load",
            "Load test: serve a fresh temporary index (built from --corpus) on 127.0.0.1 in this process, add articles through the API without pause " +
            "while --clients clients search (3 in 4 requests; half of them for an article just added) and ask (extractive, no LLM). " +
            "Reports requests/s, search, ask and add latency (p50/p95/p99), failed requests and searches that missed an article added before they started; " +
            "exit 1 when any request failed or any search missed.")
        { seconds, clients, corpus, json };
        command.SetAction(async (parsed, cancel) =>
        {
            var options = new LoadOptions(parsed.GetValue(seconds), parsed.GetValue(clients), parsed.GetValue(corpus)!);
            if (options.Seconds is <= 0 or > 24 * 3600 || options.Clients is < 1 or > 1000)
            {
                await io.Error.WriteLineAsync("sourcesearch: --seconds must be above 0 (at most a day) and --clients from 1 to 1000");
                return ExitCodes.UsageOrUnusable;
            }
            if (parsed.GetValue(CliApp.IndexOption) is not null)
            {
                // It writes without pause: never into an index someone uses.
                await io.Error.WriteLineAsync("sourcesearch: bench load always serves a fresh temporary index built from --corpus (removed afterwards); it does not take --index");
                return ExitCodes.UsageOrUnusable;
            }
            if (!Directory.Exists(options.Corpus))
            {
                await io.Error.WriteLineAsync($"sourcesearch: the corpus folder {options.Corpus} does not exist (pass --corpus DIR)");
                return ExitCodes.UsageOrUnusable;
            }
            var report = await RunAsync(options, CliApp.Overrides(parsed).Where(o => o.Key != "Index"), io.Error, cancel);
            if (parsed.GetValue(json)) await io.Out.WriteLineAsync(JsonSerializer.Serialize(report, CliApp.Json));
            else await WriteHumanAsync(io.Out, report);
            return report.Held ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
        });
        return command;
    }

    private static async Task WriteHumanAsync(TextWriter o, LoadReport r)
    {
        await o.WriteLineAsync($"load: {r.Clients} clients for {r.Seconds:0.0} s against 127.0.0.1 (server in this process), one writer adding articles");
        await o.WriteLineAsync($"  requests/s:  {r.RequestsPerSecond:0.0} in all, {r.SearchesPerSecond:0.0} searches/s");
        await o.WriteLineAsync($"  search:      {r.Searches:N0} ({r.TokenSearches:N0} for a just-added article)  p50 {r.Search.P50Ms} ms  p95 {r.Search.P95Ms} ms  p99 {r.Search.P99Ms} ms  max {r.Search.MaxMs} ms");
        await o.WriteLineAsync($"  ask:         {r.Asks:N0} ({r.AskRateLimited} refused by the rate limit)  p50 {r.Ask.P50Ms} ms  p99 {r.Ask.P99Ms} ms");
        await o.WriteLineAsync($"  add:         {r.Added:N0} articles ({r.Uploads} of them in multipart uploads)  p50 {r.Add.P50Ms} ms  p99 {r.Add.P99Ms} ms; index {r.StartArticles:N0} → {r.EndArticles:N0} articles");
        await o.WriteLineAsync($"  failed requests {r.FailedRequests}, searches that missed an added article {r.Misses}, added articles missing afterwards {r.MissingAfterwards}, " +
                               $"index check: {(r.IndexProblems.Count == 0 ? "sound" : string.Join("; ", r.IndexProblems))}");
        foreach (var e in r.Examples) await o.WriteLineAsync("  ! " + e);
        await o.WriteLineAsync(r.Held ? "held" : "DID NOT HOLD");
    }

    /// <summary>Runs the load against a fresh temporary index (removed afterwards).</summary>
    public static async Task<LoadReport> RunAsync(LoadOptions options, IEnumerable<KeyValuePair<string, string?>> overrides, TextWriter log, CancellationToken cancel)
    {
        var material = await MaterialAsync(options.Corpus, cancel);
        string index = Path.Combine(Path.GetTempPath(), "sourcesearch-load-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var app = await SourceSearchApp.BuildAsync([],
            [
                .. overrides,
                new("urls", "http://127.0.0.1:0"),
                new("Index", index),
                new("Web:Corpus", options.Corpus),
                new("Web:AskPermitLimit", "1000000"),   // the limit is not what is measured: a 429 is still counted apart
                new("Llm:Endpoint", ""),                // extractive answers: the server's own work, not an LLM's
                new("ADMIN_TOKEN", ""),                 // loopback writes without a token
            ], cancel);
            await app.StartAsync(cancel);
            try
            {
                using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                {
                    BaseAddress = new Uri(app.Urls.First()),
                    Timeout = TimeSpan.FromSeconds(100),
                };
                var host = app.Services.GetService(typeof(IndexHost)) as IndexHost ?? throw new InvalidOperationException("no index host");
                var report = await new Run(options, client, host, material, log).ExecuteAsync(cancel);
                // The integrity check runs once the server has stopped and every request it took has finished
                // (a request the clients gave up on at the end may still have been writing).
                await app.StopAsync(CancellationToken.None);
                return report with { IndexProblems = await host.Index.CheckAsync(cancel) };
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            try { Directory.Delete(index, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The corpus's text, for the added articles, the queries and the questions.</summary>
    private static async Task<List<string>> MaterialAsync(string corpus, CancellationToken cancel)
    {
        var texts = new List<string>();
        await foreach (var r in new ArticleReader().ReadAsync([corpus], cancel))
            if (r.Article is { Text.Length: > 50 } a) texts.Add(a.Text);
        if (texts.Count == 0) throw new Index.IndexUnusableException($"the corpus folder {corpus} holds no article with text to build the load from");
        return texts;
    }

    private sealed class Run(LoadOptions options, HttpClient client, IndexHost host, List<string> material, TextWriter log)
    {
        private readonly string _runTag = RandomLetters(Random.Shared, 4);
        private readonly List<(string Id, string Token)> _confirmed = [];   // adds that returned success, in order
        private readonly Lock _lock = new();
        private readonly ConcurrentBag<double> _search = [], _ask = [], _add = [];
        private readonly ConcurrentQueue<string> _examples = new();
        private int _failed, _misses, _tokenSearches, _rateLimited, _uploads;

        private void Example(string text)
        {
            if (_examples.Count < 10) _examples.Enqueue(text);
        }

        public async Task<LoadReport> ExecuteAsync(CancellationToken cancel)
        {
            long startArticles = await host.Index.CountAsync(cancel);
            // Warm-up outside the measurement: JIT, the English dictionary (a Latin query loads it), the answerer.
            var warm = new Random(7);
            foreach (string q in new[] { "zqwarmup", Excerpt(warm, 2), Excerpt(warm, 3) })
                (await client.GetAsync("/api/search?q=" + Uri.EscapeDataString(q), cancel)).EnsureSuccessStatusCode();
            (await client.PostAsJsonAsync("/api/ask", new { question = Excerpt(warm, 8) + "是什么？" }, cancel)).EnsureSuccessStatusCode();
            await log.WriteLineAsync($"sourcesearch: load: {startArticles} articles served at {client.BaseAddress}; {options.Clients} clients and a writer for {options.Seconds} s");
            var clock = Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            stop.CancelAfter(TimeSpan.FromSeconds(options.Seconds));
            var tasks = new List<Task> { WriterAsync(stop.Token) };
            for (int i = 0; i < options.Clients; i++) tasks.Add(ClientAsync(i, stop.Token));
            await Task.WhenAll(tasks);
            double seconds = clock.Elapsed.TotalSeconds;
            cancel.ThrowIfCancellationRequested();

            // Afterwards: every article whose add succeeded is stored with the text sent (the index check follows the stop).
            int missing = 0;
            foreach (var (id, token) in _confirmed)
            {
                var stored = await host.Index.GetAsync(id, cancel);
                if (stored is null || !stored.Article.Text.Contains(token, StringComparison.Ordinal))
                {
                    missing++;
                    Example($"article {id} was added (201) but is {(stored is null ? "absent" : "stored with other text")} afterwards");
                }
            }
            long endArticles = await host.Index.CountAsync(cancel);
            int requests = _search.Count + _ask.Count + _rateLimited + _add.Count;
            return new LoadReport(Math.Round(seconds, 2), options.Clients, startArticles, endArticles, _confirmed.Count, _uploads,
                _search.Count, _tokenSearches, _ask.Count, _rateLimited, Math.Round(requests / seconds, 1), Math.Round(_search.Count / seconds, 1),
                Stats(_search), Stats(_ask), Stats(_add), _failed, _misses, missing, [], [.. _examples]);
        }

        private static LatencyStats Stats(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            double P(double p) => Percentile.Of(sorted, p, 2);
            return new LatencyStats(sorted.Length, P(0.50), P(0.95), P(0.99), sorted.Length == 0 ? 0 : Math.Round(sorted[^1], 2));
        }

        private static string RandomLetters(Random random, int length)
        {
            var chars = new char[length];
            for (int i = 0; i < length; i++) chars[i] = (char)('a' + random.Next(26));
            return new string(chars);
        }

        /// <summary>A unique word of Latin letters (one token to the analyzer, found by nothing else): run tag + counter in base 26.</summary>
        private string Token(int n)
        {
            var sb = new StringBuilder("zq").Append(_runTag);
            do { sb.Append((char)('a' + n % 26)); n /= 26; } while (n > 0);
            return sb.ToString();
        }

        private (string Id, string Token, string Title, string Text) NewArticle(int n, Random random)
        {
            string source = material[random.Next(material.Count)];
            int length = Math.Min(source.Length, 300 + random.Next(900));
            int start = random.Next(source.Length - length + 1);
            string token = Token(n);
            return ($"load/{_runTag}/{n}", token, $"负载测试第{n}篇", $"本文编号 {token}。\n\n{source.Substring(start, length)}");
        }

        private async Task WriterAsync(CancellationToken stop)
        {
            var random = new Random(1);
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                bool upload = n % 4 == 3;
                var articles = Enumerable.Range(0, upload ? 2 : 1).Select(k => NewArticle(n + k, random)).ToList();
                n += articles.Count;
                HttpContent content;
                if (upload)
                {
                    string jsonl = string.Concat(articles.Select(a => JsonSerializer.Serialize(new { id = a.Id, title = a.Title, text = a.Text }) + "\n"));
                    var file = new ByteArrayContent(Encoding.UTF8.GetBytes(jsonl));
                    file.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                    content = new MultipartFormDataContent { { file, "file", $"load-{n}.jsonl" } };
                }
                else content = JsonContent.Create(new { id = articles[0].Id, title = articles[0].Title, text = articles[0].Text });
                var clock = Stopwatch.StartNew();
                HttpResponseMessage response;
                try { response = await client.PostAsync("/api/articles", content, CancellationToken.None); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { Interlocked.Increment(ref _failed); Example($"POST /api/articles: {e.Message}"); continue; }
                using (response)
                {
                    double ms = clock.Elapsed.TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref _failed);
                        Example($"POST /api/articles ({articles[0].Id}): {(int)response.StatusCode} {Short(await response.Content.ReadAsStringAsync(CancellationToken.None))}");
                        continue;
                    }
                    if (upload)
                    {
                        // Every article of the upload must be listed as added.
                        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
                        var added = doc.RootElement.GetProperty("added").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToHashSet();
                        if (!articles.All(a => added.Contains(a.Id)))
                        {
                            Interlocked.Increment(ref _failed);
                            Example($"upload of {string.Join(", ", articles.Select(a => a.Id))} added only {string.Join(", ", added)}");
                            continue;
                        }
                        _uploads += articles.Count;
                    }
                    _add.Add(ms);
                    lock (_lock) foreach (var a in articles) _confirmed.Add((a.Id, a.Token));
                }
            }
        }

        private async Task ClientAsync(int number, CancellationToken stop)
        {
            var random = new Random(100 + number);
            while (!stop.IsCancellationRequested)
            {
                if (random.NextDouble() < options.AskShare) await AskAsync(random);
                else await SearchAsync(random);
            }
        }

        private async Task SearchAsync(Random random)
        {
            // Half the searches look for an article already added: the latest (the hardest case) or any earlier one.
            (string Id, string Token)? target = null;
            if (random.Next(2) == 0)
                lock (_lock)
                    if (_confirmed.Count > 0) target = _confirmed[random.Next(2) == 0 ? _confirmed.Count - 1 : random.Next(_confirmed.Count)];
            string q = target?.Token ?? Excerpt(random, 2 + random.Next(3));
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await client.GetAsync("/api/search?q=" + Uri.EscapeDataString(q), CancellationToken.None);
                string body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                double ms = clock.Elapsed.TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _failed);
                    Example($"GET /api/search?q={q}: {(int)response.StatusCode} {Short(body)}");
                    return;
                }
                _search.Add(ms);
                if (target is not { } t) return;
                Interlocked.Increment(ref _tokenSearches);
                using var doc = JsonDocument.Parse(body);
                if (!doc.RootElement.GetProperty("hits").EnumerateArray().Any(h => h.GetProperty("id").GetString() == t.Id))
                {
                    Interlocked.Increment(ref _misses);
                    Example($"search for {t.Token} missed {t.Id}, whose add had returned 201 before the search started (total {doc.RootElement.GetProperty("total")})");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { Interlocked.Increment(ref _failed); Example($"GET /api/search: {e.Message}"); }
        }

        private async Task AskAsync(Random random)
        {
            string question = Excerpt(random, 6 + random.Next(8)) + "是什么？";
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await client.PostAsJsonAsync("/api/ask", new { question }, CancellationToken.None);
                string body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                double ms = clock.Elapsed.TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.TooManyRequests) { Interlocked.Increment(ref _rateLimited); return; }
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _failed);
                    Example($"POST /api/ask {question}: {(int)response.StatusCode} {Short(body)}");
                    return;
                }
                _ask.Add(ms);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { Interlocked.Increment(ref _failed); Example($"POST /api/ask: {e.Message}"); }
        }

        /// <summary>A run of Han characters from the corpus: a query or the body of a question that finds something.</summary>
        private string Excerpt(Random random, int length)
        {
            for (int attempt = 0; ; attempt++)
            {
                string text = material[random.Next(material.Count)];
                int start = random.Next(Math.Max(1, text.Length - length));
                string piece = text.Substring(start, Math.Min(length, text.Length - start));
                if (piece.All(c => c is >= '\u4e00' and <= '\u9fff') || attempt > 50) return piece.Trim().Length > 0 ? piece : "苏州";
            }
        }

        private static string Short(string s) => s.Length <= 200 ? s : s[..200] + "…";
    }
}
