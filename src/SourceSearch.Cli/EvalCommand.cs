using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SourceSearch.Index;
using SourceSearch.Search;

namespace SourceSearch.Cli;

/// <summary>`sourcesearch eval DIR`: retrieval metrics of the search on an evaluation folder.</summary>
internal static class EvalCommand
{
    public static Command Create(CliIo io)
    {
        var dir = new Argument<string>("dir") { Description = "A folder with corpus.jsonl ({id,title,text} a line) and queries.jsonl ({question, doc, answers, variants})." };
        var variant = new Option<string>("--variant")
        {
            Description = "Which form of each question to ask: 'question' (default), a key of its variants (zh-Hans, zh-Hant, zh-TW, zh-CN, en), or 'all' for each in turn.",
            DefaultValueFactory = _ => "question",
        };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON." };
        var answers = new Option<bool>("--answers") { Description = "Also ask every question: answer-hit@1 (a gold answer in the first quote, at most 200 characters), share answered, share with a citation, citations whose quote is not the text at its offsets." };
        var questionsFile = new Option<string?>("--questions") { Description = "Ask the questions of this queries.jsonl instead (e.g. another set's, to count how often the answer is 'not found')." };
        var noTranslate = new Option<bool>("--no-translate") { Description = "Search English questions as they are, without translating them to Chinese terms (for comparison)." };
        var misses = new Option<int>("--show-misses") { Description = "Print up to N questions whose gold document is not in the top 5, with its rank and what came first (to stderr).", DefaultValueFactory = _ => 0 };
        var command = new Command("eval",
            "Index the folder's corpus into a temporary index, search every question, and print Recall@1/5/20 and MRR@10 of the gold document and the time taken.")
        { dir, variant, json, misses, answers, questionsFile, noTranslate };
        command.SetAction(async (parsed, cancel) =>
        {
            string folder = parsed.GetValue(dir)!;
            string corpus = Path.Combine(folder, "corpus.jsonl"), queriesPath = parsed.GetValue(questionsFile) ?? Path.Combine(folder, "queries.jsonl");
            if (!File.Exists(corpus) || !File.Exists(queriesPath))
            {
                await io.Error.WriteLineAsync($"sourcesearch: {folder} needs corpus.jsonl and queries.jsonl");
                return ExitCodes.UsageOrUnusable;
            }
            var queries = new List<EvalQuery>();
            int lineNo = 0;
            foreach (var line in await File.ReadAllLinesAsync(queriesPath, cancel))
            {
                lineNo++;
                if (line.Trim().Length == 0) continue;
                try { queries.Add(EvalQuery.Parse(line)); }
                catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
                {
                    await io.Error.WriteLineAsync($"sourcesearch: {queriesPath}:{lineNo}: {e.Message}");
                    return ExitCodes.UsageOrUnusable;
                }
            }
            string wanted = parsed.GetValue(variant)!;
            var keys = wanted == "all"
                ? new[] { "question" }.Concat(queries.SelectMany(q => q.Variants.Keys).Distinct().Order(StringComparer.Ordinal)).ToList()
                : [wanted];

            using var services = io.Services(parsed);
            string tempDir = Path.Combine(Path.GetTempPath(), "sourcesearch-eval-" + Guid.NewGuid().ToString("N")[..12]);
            try
            {
                var clock = Stopwatch.StartNew();
                using var index = await SearchIndex.OpenAsync(tempDir, services.Analyzer, create: true, cancel: cancel,
                    tokenizer: IndexAccess.RequestedTokenizer(services) ?? Text.Analysis.TokenizerKind.Words);
                var counts = await ArticleCommands.ImportAsync(index, [corpus], io.Error, plainProgress: true, cancel);
                double indexSeconds = clock.Elapsed.TotalSeconds;
                var searcher = IndexAccess.Searcher(services, index);
                var answerer = parsed.GetValue(answers) ? AskCommand.Create(services, index) : null;
                var rows = new List<EvalRow>();
                foreach (var key in keys)
                    rows.Add(await RunAsync(searcher, answerer, queries, key, parsed.GetValue(misses), !parsed.GetValue(noTranslate), io.Error, cancel));

                if (parsed.GetValue(json))
                    await io.Out.WriteLineAsync(JsonSerializer.Serialize(new { set = Path.GetFileName(Path.GetFullPath(folder)), documents = counts.Added, indexSeconds = Math.Round(indexSeconds, 2), rows }, CliApp.Json));
                else
                {
                    await io.Out.WriteLineAsync($"{Path.GetFileName(Path.GetFullPath(folder))}: {counts.Added} documents indexed in {indexSeconds:0.00} s");
                    string answerHead = answerer is null ? "" : $" {"hit@1",6} {"found",6} {"cited",6} {"badq",5}";
                    await io.Out.WriteLineAsync($"{"variant",-10} {"asked",6} {"R@1",6} {"R@5",6} {"R@20",6} {"MRR@10",7}{answerHead} {"time",7}");
                    foreach (var r in rows)
                    {
                        string answerCols = r.Answers is not { } a ? "" : $" {a.HitAt1,6:0.000} {a.Found,6:0.000} {a.WithCitation,6:0.000} {a.BadQuotes,5}";
                        await io.Out.WriteLineAsync($"{r.Variant,-10} {r.Asked,6} {r.RecallAt1,6:0.000} {r.RecallAt5,6:0.000} {r.RecallAt20,6:0.000} {r.MrrAt10,7:0.000}{answerCols} {r.Seconds,6:0.0}s");
                    }
                }
                return ExitCodes.Success;
            }
            finally
            {
                try { Directory.Delete(tempDir, recursive: true); } catch (IOException) { }
            }
        });
        return command;
    }

    internal sealed record EvalQuery(string Question, string Doc, IReadOnlyList<string> Answers, IReadOnlyDictionary<string, string> Variants)
    {
        public static EvalQuery Parse(string line)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var variants = new Dictionary<string, string>();
            if (root.TryGetProperty("variants", out var v) && v.ValueKind == JsonValueKind.Object)
                foreach (var p in v.EnumerateObject())
                    if (p.Value.ValueKind == JsonValueKind.String) variants[p.Name] = p.Value.GetString()!;
            var answers = root.TryGetProperty("answers", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : [];
            return new EvalQuery(root.GetProperty("question").GetString() ?? "", root.GetProperty("doc").GetString()
                ?? throw new InvalidOperationException("\"doc\" must be a string"), answers, variants);
        }

        public string? Text(string variant) => variant == "question" ? Question : Variants.GetValueOrDefault(variant);
    }

    internal sealed record EvalRow(string Variant, int Asked, int Unanswerable, double RecallAt1, double RecallAt5, double RecallAt20, double MrrAt10, double Seconds, AnswerMetrics? Answers);

    /// <summary>Answer-hit@1: a gold answer occurs in the first quote, which is at most 200 characters.</summary>
    internal sealed record AnswerMetrics(double HitAt1, double Found, double WithCitation, int BadQuotes);

    private static async Task<EvalRow> RunAsync(Searcher searcher, Answer.QuestionAnswerer? answerer, List<EvalQuery> queries, string variant, int showMisses, bool translate, TextWriter log, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        int showAnswerMisses = showMisses;
        int asked = 0, errors = 0, r1 = 0, r5 = 0, r20 = 0;
        int hits = 0, answered = 0, cited = 0, badQuotes = 0;
        double mrr = 0;
        foreach (var q in queries)
        {
            string? text = q.Text(variant);
            if (text is null) continue;
            asked++;
            if (answerer is not null)
            {
                var a = await answerer.AskAsync(text, cancel);
                if (a.Found) answered++;
                if (a.Citations.Count > 0) cited++;
                foreach (var c in a.Citations)
                    if (await searcher.QuoteAtAsync(c.Id, c.Start, c.End, cancel) != c.Quote) badQuotes++;
                if (a.Citations.FirstOrDefault() is { } first && first.Quote.Length <= 200 && q.Answers.Any(g => g.Length > 0 && first.Quote.Contains(g, StringComparison.Ordinal)))
                    hits++;
                else if (showAnswerMisses-- > 0)
                    await log.WriteLineAsync($"answer miss [{variant}] {text} → gold '{string.Join("' or '", q.Answers)}' in {q.Doc}; {(a.Found ? $"quoted {a.Citations[0].Id}: {a.Citations[0].Quote}" : "not found")}");
            }
            var response = await searcher.SearchAsync(new SearchRequest(text, Size: 20, Translate: translate), cancel);
            if (response.Error is not null) { errors++; continue; }
            int rank = response.Hits.Select((h, i) => (h, i)).FirstOrDefault(x => x.h.Id == q.Doc || x.h.OtherVersions.Contains(q.Doc)).i + 1;
            bool found = rank > 0 && response.Hits.Any(h => h.Id == q.Doc || h.OtherVersions.Contains(q.Doc));
            if ((!found || rank > 5) && showMisses-- > 0)
                await log.WriteLineAsync($"miss [{variant}] {text} → gold {q.Doc} at {(found ? rank.ToString() : "-")}; first: {string.Join(", ", response.Hits.Take(3).Select(h => h.Id))}; searched: {string.Join(" ", response.Understood?.Clauses.SelectMany(c => c.Terms) ?? [])}");
            if (!found) continue;
            if (rank <= 1) r1++;
            if (rank <= 5) r5++;
            if (rank <= 20) r20++;
            if (rank <= 10) mrr += 1.0 / rank;
        }
        double n = Math.Max(1, asked);
        var answerMetrics = answerer is null ? null : new AnswerMetrics(Math.Round(hits / n, 3), Math.Round(answered / n, 3), Math.Round(cited / n, 3), badQuotes);
        return new EvalRow(variant, asked, errors, Math.Round(r1 / n, 3), Math.Round(r5 / n, 3), Math.Round(r20 / n, 3), Math.Round(mrr / n, 3), Math.Round(clock.Elapsed.TotalSeconds, 2), answerMetrics);
    }
}
