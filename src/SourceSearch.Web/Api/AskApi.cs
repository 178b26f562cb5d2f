using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SourceSearch.Answer;
using SourceSearch.Search;
using SourceSearch.Text;

namespace SourceSearch.Web.Api;

public sealed record AskRequest(string? Question, string? Script = null);

public sealed record CitationDto(int N, string Id, int Start, int End, string Quote, string Title);

public sealed record TranslationDto(string English, IReadOnlyList<string> Chinese);

public sealed record GlossDto(string Word, IReadOnlyList<string> English);

/// <summary>
/// The answer; for a "not found", <c>Closest</c> holds the nearest passages (the best sentence of each, as citations: the
/// quote is the article's text between start and end) and <c>Reason</c>/<c>ReasonText</c> say why it was not an answer.
/// </summary>
public sealed record AnswerDto(
    string Question, bool Found, string Answer, string Mode, IReadOnlyList<CitationDto> Citations,
    IReadOnlyList<string> Searched, string? Notice, IReadOnlyList<TranslationDto>? Translation, IReadOnlyList<GlossDto>? Glosses,
    IReadOnlyList<CitationDto>? Closest = null, string? Reason = null, string? ReasonText = null,
    Notice? NoticeMessage = null, Notice? ReasonMessage = null);

public static class AskApi
{
    public static void MapAskApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/ask").WithTags("Ask").RequireRateLimiting(ApplicationServices.AskRateLimit);
        api.MapPost("/", AskAsync)
            .Accepts<AskRequest>("application/json")
            .WithSummary("Answers a question from the corpus; every citation's quote is exactly the article text between start and end.");
        api.MapGet("/stream", Stream)
            .WithSummary("The answer as server-sent events: 'delta' events with text as an LLM writes it, then one 'answer' event (the same object as POST /api/ask).");
    }

    internal static async Task<Results<Ok<AnswerDto>, ProblemHttpResult>> AskAsync(HttpRequest request, QuestionAnswerer answerer, WebOptions web, OpenCcConverter openCc, CancellationToken cancel)
    {
        var (body, problem) = await Json.ReadAsync<AskRequest>(request, cancel);
        if (problem is not null) return problem;
        if (Check(body!.Question, body.Script, web, out var script) is { } bad) return bad;
        var result = await answerer.AskAsync(body.Question!, cancel);
        if (result.Error is not null) return Problems.BadRequest(result.Error);
        return TypedResults.Ok(ToDto(result, script, openCc));
    }

    private static ProblemHttpResult? Check(string? question, string? scriptText, WebOptions web, out ChineseScript? script)
    {
        script = null;
        if (string.IsNullOrWhiteSpace(question)) return Problems.BadRequest("question-empty", "the question is empty: write a question, e.g. {\"question\": \"苏州的人工智能产业有多大？\"}", "问题是空的：请写一个问题，例如“苏州的人工智能产业有多大？”");
        if (question.Length > web.MaxQueryLength) return Problems.BadRequest("question-too-long", $"the question is {question.Length} characters long; at most {web.MaxQueryLength} are allowed: shorten it", $"问题有 {question.Length} 个字符，最多 {web.MaxQueryLength} 个：请缩短");
        return SearchApi.TryScript(scriptText, out script, out var problem) ? null : problem;
    }

    internal static Results<ServerSentEventsResult<string>, ProblemHttpResult> Stream(
        QuestionAnswerer answerer, Searcher searcher, AnswerOptions options, LlmAnswerer llm, WebOptions web, OpenCcConverter openCc,
        CancellationToken cancel, string? question = null, string? script = null)
    {
        if (Check(question, script, web, out var display) is { } bad) return bad;
        return TypedResults.ServerSentEvents(Events(question!, display, answerer, searcher, options, llm, openCc, cancel));
    }

    private static async IAsyncEnumerable<SseItem<string>> Events(string question, ChineseScript? display, QuestionAnswerer answerer, Searcher searcher,
        AnswerOptions options, LlmAnswerer llm, OpenCcConverter openCc, [EnumeratorCancellation] CancellationToken cancel)
    {
        var json = JsonOptions;
        var extractive = await answerer.AskExtractiveAsync(question, cancel);
        if (extractive.Error is not null || !llm.IsConfigured)
        {
            yield return Answer(extractive);
            yield break;
        }
        if (await answerer.LlmRequestAsync(question, extractive, cancel) is not { } request)
        {
            yield return Answer(extractive);
            yield break;
        }
        await foreach (var e in llm.StreamAnswerAsync(question, request.Given, request.Corpus, cancel))
        {
            if (e is LlmTextDelta delta) yield return new SseItem<string>(delta.Text, "delta");
            else if (e is LlmAnswerCompleted { Answer: var reply }) yield return Answer(QuestionAnswerer.FromLlm(question, reply, request, extractive));
        }

        SseItem<string> Answer(AnswerResult r) => new(JsonSerializer.Serialize(ToDto(r, display, openCc), json), "answer");
    }

    internal static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    /// <summary>The answer as JSON; with a display script the answer text is converted (quotes stay the article's own text, as their offsets require).</summary>
    internal static AnswerDto ToDto(AnswerResult a, ChineseScript? display, OpenCcConverter openCc) => new(
        a.Question, a.Found, display is { } s && a.Found ? openCc.Convert(a.Answer, s) : a.Answer, a.Mode,
        a.Citations.Select(c => new CitationDto(c.N, c.Id, c.Start, c.End, c.Quote, display is { } t ? openCc.Convert(c.Title, t) : c.Title)).ToList(),
        a.SearchedTerms, a.Notice,
        a.Translation?.Select(w => new TranslationDto(w.English, w.Candidates.Select(c => c.Chinese).ToList())).ToList(),
        a.Glosses?.Select(g => new GlossDto(g.Word, g.English)).ToList(),
        a.Found ? null : a.Closest.Select(c => new CitationDto(c.N, c.Id, c.Start, c.End, c.Quote, display is { } t ? openCc.Convert(c.Title, t) : c.Title)).ToList(),
        a.Reason is { } why ? JsonNamingPolicy.CamelCase.ConvertName(why.ToString()) : null,
        a.Found || a.ReasonText is null ? null : display is { } d ? openCc.Convert(a.ReasonText, d) : a.ReasonText,
        a.NoticeMessage,
        // The Chinese reason in the display script (names in it are the question's words).
        a.Found || a.ReasonMessage is not { } m ? null : display is { } z ? m with { Zh = openCc.Convert(m.Zh, z) } : m);
}
