using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SourceSearch.Answer;
using SourceSearch.Search;

namespace SourceSearch.Cli;

internal static class AskCommand
{
    public static Command Create(CliIo io)
    {
        var json = new Option<bool>("--json")
        {
            Description = "Print {\"question\",\"found\",\"answer\",\"mode\",\"citations\":[{\"n\",\"id\",\"start\",\"end\",\"quote\"}],\"searched\"}; " +
                          "for a \"not found\" also \"closest\" (the nearest passages, as citations) and \"reason\"/\"reasonText\" (why).",
        };
        var jsonl = new Option<bool>("--jsonl") { Description = "Batch: one question a line on standard input (text, or JSON with \"q\"/\"question\"), one JSON line out for each, in order." };
        var question = new Argument<string?>("question") { Description = "A question, in Chinese (either script).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("ask",
            "Answer a question from the corpus with the sentences that answer it, each cited at its exact place; says so when the corpus does not " +
            "answer it (when the best sentence lacks the question's names or numbers, the kind of answer asked for, or most of its content), and shows " +
            "the closest passages and what was searched.")
        { json, jsonl, question };
        command.SetAction(async (parsed, cancel) =>
        {
            using var services = io.Services(parsed);
            using var index = await IndexAccess.OpenForSearchAsync(services, io, cancel);
            var answerer = Create(services, index);
            if (parsed.GetValue(jsonl))
            {
                string? line;
                while ((line = await io.In.ReadLineAsync(cancel)) is not null)
                {
                    string q = SearchCommand.QueryOfLine(line, out string? lineError);
                    var result = lineError is null ? await answerer.AskAsync(q, cancel) : new AnswerResult(q, false, "", "extractive", [], [], Error: lineError);
                    await io.Out.WriteLineAsync(JsonSerializer.Serialize(Json(result), CliApp.Json));
                }
                return ExitCodes.Success;
            }
            string? text = parsed.GetValue(question);
            if (text is null)
            {
                await io.Error.WriteLineAsync("sourcesearch: ask needs a QUESTION (or --jsonl with questions on standard input)");
                return ExitCodes.UsageOrUnusable;
            }
            var answer = await answerer.AskAsync(text, cancel);
            if (parsed.GetValue(json))
                await io.Out.WriteLineAsync(JsonSerializer.Serialize(Json(answer), CliApp.Json));
            else if (answer.Error is not null)
            {
                await io.Error.WriteLineAsync("sourcesearch: " + answer.Error);
                return ExitCodes.UsageOrUnusable;
            }
            else
            {
                await io.Out.WriteLineAsync(answer.Answer);
                // Each citation as a reader checks it: the article's title, then the words quoted (shortened on one line),
                // then where they are (id and offsets, for `sourcesearch export` or /articles/ID#…).
                foreach (var c in answer.Citations) await io.Out.WriteLineAsync(CitationLine(c));
                if (!answer.Found && answer.ReasonText is not null) await io.Out.WriteLineAsync("  " + answer.ReasonText);
                if (!answer.Found && answer.Closest.Count > 0)
                {
                    await io.Out.WriteLineAsync(answer.Answer.Any(char.IsAsciiLetter) ? "  closest passages:" : "  最接近的段落：");
                    foreach (var c in answer.Closest) await io.Out.WriteLineAsync(CitationLine(c));
                }
                await io.Out.WriteLineAsync($"  ({answer.Mode}; searched: {string.Join(" ", answer.SearchedTerms)})");
                if (answer.Translation is { } words)
                    await io.Out.WriteLineAsync("  translated: " + string.Join("; ", words.Select(w => $"{w.English} → {string.Join("/", w.Candidates.Select(c => c.Chinese))}")));
                foreach (var g in answer.Glosses ?? [])
                    await io.Out.WriteLineAsync($"  {g.Word}: {string.Join("; ", g.English.Take(3))}");
                if (answer.Notice is not null) await io.Out.WriteLineAsync($"  note: {answer.Notice}");
            }
            return answer.Error is null ? ExitCodes.Success : ExitCodes.UsageOrUnusable;
        });
        return command;
    }

    private static string CitationLine(Citation c)
    {
        string quote = string.Join(' ', c.Quote.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (quote.Length > 80) quote = quote[..79] + "…";
        string title = c.Title.Length > 0 ? $"《{c.Title}》 " : "";
        return $"  [{c.N}] {title}“{quote}” ({c.Id} {c.Start}-{c.End})";
    }

    internal static QuestionAnswerer Create(CliServices services, Index.SearchIndex index) =>
        services.App.CreateAnswerer(IndexAccess.Searcher(services, index));

    internal static object Json(AnswerResult a) => new
    {
        question = a.Question,
        found = a.Found,
        answer = a.Answer,
        mode = a.Mode,
        citations = a.Citations.Select(c => new { n = c.N, id = c.Id, start = c.Start, end = c.End, quote = c.Quote }),
        searched = a.SearchedTerms,
        translation = a.Translation?.Select(w => new { english = w.English, chinese = w.Candidates.Select(c => c.Chinese) }),
        glosses = a.Glosses?.Select(g => new { word = g.Word, english = g.English }),
        closest = a.Found ? null : a.Closest.Select(c => new { n = c.N, id = c.Id, title = c.Title, start = c.Start, end = c.End, quote = c.Quote }),
        reason = a.Reason is { } why ? JsonNamingPolicy.CamelCase.ConvertName(why.ToString()) : null,
        reasonText = a.Found ? null : a.ReasonText,
        notice = a.Notice,
        error = a.Error,
    };
}
