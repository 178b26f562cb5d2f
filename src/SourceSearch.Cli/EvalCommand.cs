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
        var answers = new Option<bool>("--answers")
        {
            Description = "Also ask every question, as `ask` does: answer-hit@1 (a gold answer in the first quote, at most 200 characters), share answered, " +
                          "share with a citation, citations whose quote is not the text at its offsets; and the same by part: the questions are split " +
                          "in two by a hash of their text, 'tune' and 'held-out' (the answerer's weights were learned on the first only).",
        };
        var questionsFile = new Option<string?>("--questions")
        {
            Description = "With --answers: also ask the questions of this queries.jsonl as ones the corpus cannot answer (another set's, e.g. xquad-dev's " +
                          "over cmrc2018-trial), and print 'not found' recall (share of them answered 'not found') and precision (share of all 'not found' " +
                          "answers that were theirs), by part. Without --answers: search these questions instead of DIR's.",
        };
        var part = new Option<string>("--part")
        {
            Description = "Ask only the questions of one part: 'tune', 'held-out' or 'all' (default).",
            DefaultValueFactory = _ => "all",
        };
        part.AcceptOnlyFromAmong("all", "tune", "held-out");
        var features = new Option<string?>("--features")
        {
            Description = "With --answers: write a JSON line for every question asked (part, unanswerable or not, found, whether the best sentence holds a " +
                          "gold answer, the evidence its answer was decided on, and every candidate sentence's ranking features) to this file, for scripts/train-answerability.",
        };
        var noTranslate = new Option<bool>("--no-translate") { Description = "Search English questions as they are, without translating them to Chinese terms (for comparison)." };
        var misses = new Option<int>("--show-misses") { Description = "Print up to N questions whose gold document is not in the top 5, with its rank and what came first (to stderr).", DefaultValueFactory = _ => 0 };
        var command = new Command("eval",
            "Index the folder's corpus into a temporary index, search every question, and print Recall@1/5/20 and MRR@10 of the gold document and the time taken.")
        { dir, variant, json, misses, answers, questionsFile, noTranslate, part, features };
        command.SetAction(async (parsed, cancel) =>
        {
            string folder = parsed.GetValue(dir)!;
            bool asking = parsed.GetValue(answers);
            string? otherQuestions = parsed.GetValue(questionsFile);
            string corpus = Path.Combine(folder, "corpus.jsonl");
            string queriesPath = !asking && otherQuestions is not null ? otherQuestions : Path.Combine(folder, "queries.jsonl");
            if (!File.Exists(corpus) || !File.Exists(queriesPath))
            {
                await io.Error.WriteLineAsync($"sourcesearch: {folder} needs corpus.jsonl and queries.jsonl");
                return ExitCodes.UsageOrUnusable;
            }
            if (otherQuestions is not null && !File.Exists(otherQuestions))
            {
                await io.Error.WriteLineAsync($"sourcesearch: {otherQuestions} does not exist");
                return ExitCodes.UsageOrUnusable;
            }
            string only = parsed.GetValue(part)!;
            bool InPart(EvalQuery q) => only == "all" || PartOf(q.Question) == only;
            var queries = await ReadQueriesAsync(queriesPath, io.Error, cancel);
            var negatives = asking && otherQuestions is not null ? await ReadQueriesAsync(otherQuestions, io.Error, cancel) : [];
            if (queries is null || negatives is null) return ExitCodes.UsageOrUnusable;
            queries = queries.Where(InPart).ToList();
            negatives = negatives.Where(InPart).ToList();
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
                var answerer = asking ? AskCommand.Create(services, index) : null;
                var rows = new List<EvalRow>();
                await using var featureFile = parsed.GetValue(features) is { } featurePath && answerer is not null ? new StreamWriter(featurePath) : null;
                foreach (var key in keys)
                    rows.Add(await RunAsync(searcher, answerer, queries, negatives, key, parsed.GetValue(misses), !parsed.GetValue(noTranslate), io.Error, featureFile, cancel));

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
                    if (answerer is not null)
                    {
                        await io.Out.WriteLineAsync($"answers by part (split by a hash of the question; 'not found' against {(negatives.Count > 0 ? $"{negatives.Count} questions of {otherQuestions}" : "no unanswerable questions: give --questions")}):");
                        await io.Out.WriteLineAsync($"{"variant",-10} {"part",-8} {"asked",6} {"hit@1",6} {"found",6} {"neg",5} {"NF-P",6} {"NF-R",6}");
                        foreach (var r in rows)
                            foreach (var p in r.Parts ?? [])
                                await io.Out.WriteLineAsync($"{r.Variant,-10} {p.Part,-8} {p.Asked,6} {p.HitAt1,6:0.000} {p.Found,6:0.000} {p.Negatives,5} {Figure(p.NotFoundPrecision),6} {Figure(p.NotFoundRecall),6}");
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

    internal sealed record EvalRow(string Variant, int Asked, int Unanswerable, double RecallAt1, double RecallAt5, double RecallAt20, double MrrAt10, double Seconds,
        AnswerMetrics? Answers, IReadOnlyList<PartMetrics>? Parts = null);

    /// <summary>Answer-hit@1: a gold answer occurs in the first quote, which is at most 200 characters.</summary>
    internal sealed record AnswerMetrics(double HitAt1, double Found, double WithCitation, int BadQuotes);

    /// <summary>
    /// Answers of one part: hit@1 and share answered of the set's questions; of the unanswerable ones (--questions), the
    /// share answered "not found" (recall), and of all "not found" answers the share that were right (precision).
    /// </summary>
    internal sealed record PartMetrics(string Part, int Asked, double HitAt1, double Found, int Negatives, double? NotFoundPrecision, double? NotFoundRecall);

    private static string Figure(double? x) => x is { } v ? v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "-";

    /// <summary>
    /// The part a question is in: 'tune' or 'held-out', by the first byte of the SHA-256 of its text (UTF-8), so the same
    /// question is in the same part on every machine, in every variant, and whichever set it is asked against.
    /// </summary>
    internal static string PartOf(string question) =>
        (System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(question))[0] & 1) == 0 ? "tune" : "held-out";

    // One question's answer and its evidence; "best" is whether the best sentence (quoted, or the first closest passage of a
    // "not found") holds a gold answer, what a threshold that let it through would score.
    private static Task WriteFeaturesAsync(TextWriter features, string variant, EvalQuery q, string text, Answer.AnswerResult a, bool negative)
    {
        var first = a.Found ? a.Citations.FirstOrDefault() : a.Closest.FirstOrDefault();
        bool best = !negative && first is not null && first.Quote.Length <= 200 && q.Answers.Any(g => g.Length > 0 && first.Quote.Contains(g, StringComparison.Ordinal));
        return features.WriteLineAsync(JsonSerializer.Serialize(new
        {
            part = PartOf(q.Question), variant, negative, question = text, found = a.Found, best, reason = a.Reason?.ToString(), evidence = a.Evidence,
            // Every candidate's ranking features and whether its quote holds a gold answer (what the ranking learns from; an
            // unanswerable question's too, for what the decision may learn of the ranking).
            candidates = a.Candidates.Select(c => new
            {
                hit = !negative && c.Quote.Length <= 200 && q.Answers.Any(g => g.Length > 0 && c.Quote.Contains(g, StringComparison.Ordinal)),
                x = c.Features.Select(f => Math.Round(f, 4)),
            }),
        }, CliApp.Json));
    }

    private static async Task<List<EvalQuery>?> ReadQueriesAsync(string path, TextWriter error, CancellationToken cancel)
    {
        var queries = new List<EvalQuery>();
        int lineNo = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancel))
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            try { queries.Add(EvalQuery.Parse(line)); }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                await error.WriteLineAsync($"sourcesearch: {path}:{lineNo}: {e.Message}");
                return null;
            }
        }
        return queries;
    }

    private static async Task<EvalRow> RunAsync(Searcher searcher, Answer.QuestionAnswerer? answerer, List<EvalQuery> queries, List<EvalQuery> negatives,
        string variant, int showMisses, bool translate, TextWriter log, TextWriter? features, CancellationToken cancel)
    {
        // Per part: asked, hits, answered (the set's questions); negatives asked, negatives answered "not found".
        var tally = new Dictionary<string, int[]> { ["tune"] = new int[5], ["held-out"] = new int[5] };
        var clock = Stopwatch.StartNew();
        int showAnswerMisses = showMisses, showWrong = showMisses;
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
                var t = tally[PartOf(q.Question)];
                t[0]++;
                if (a.Found) { answered++; t[2]++; }
                if (a.Citations.Count > 0) cited++;
                foreach (var c in a.Citations)
                    if (await searcher.QuoteAtAsync(c.Id, c.Start, c.End, cancel) != c.Quote) badQuotes++;
                if (a.Citations.FirstOrDefault() is { } first && first.Quote.Length <= 200 && q.Answers.Any(g => g.Length > 0 && first.Quote.Contains(g, StringComparison.Ordinal)))
                {
                    hits++;
                    t[1]++;
                }
                else if (showAnswerMisses-- > 0)
                    await log.WriteLineAsync($"answer miss [{variant}] {text} → gold '{string.Join("' or '", q.Answers)}' in {q.Doc}; {(a.Found ? $"quoted {a.Citations[0].Id}: {a.Citations[0].Quote}" : "not found")}");
                if (features is not null) await WriteFeaturesAsync(features, variant, q, text, a, negative: false);
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
        if (answerer is not null)
            foreach (var q in negatives)
            {
                // A question of another set, in the same variant when it has one.
                string? text = q.Text(variant) ?? q.Question;
                var a = await answerer.AskAsync(text, cancel);
                var t = tally[PartOf(q.Question)];
                t[3]++;
                if (!a.Found) t[4]++;
                if (features is not null) await WriteFeaturesAsync(features, variant, q, text, a, negative: true);
                else if (showWrong-- > 0)
                    await log.WriteLineAsync($"answered unanswerable [{variant}] {text} → {a.Citations[0].Id}: {a.Citations[0].Quote}");
            }
        var parts = answerer is null ? null : tally.Select(kv =>
        {
            var t = kv.Value;
            int notFound = (t[0] - t[2]) + t[4];
            return new PartMetrics(kv.Key, t[0], Math.Round(t[1] / Math.Max(1.0, t[0]), 3), Math.Round(t[2] / Math.Max(1.0, t[0]), 3), t[3],
                t[3] == 0 || notFound == 0 ? null : Math.Round(t[4] / (double)notFound, 3), t[3] == 0 ? null : Math.Round(t[4] / (double)t[3], 3));
        }).Where(p => p.Asked + p.Negatives > 0).ToList();
        double n = Math.Max(1, asked);
        var answerMetrics = answerer is null ? null : new AnswerMetrics(Math.Round(hits / n, 3), Math.Round(answered / n, 3), Math.Round(cited / n, 3), badQuotes);
        return new EvalRow(variant, asked, errors, Math.Round(r1 / n, 3), Math.Round(r5 / n, 3), Math.Round(r20 / n, 3), Math.Round(mrr / n, 3), Math.Round(clock.Elapsed.TotalSeconds, 2), answerMetrics, parts);
    }
}
