using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SourceSearch.Search;
using SourceSearch.Text;

namespace SourceSearch.Web.Api;

public sealed record HighlightDto(int Start, int End, int SnippetStart, int SnippetEnd);

public sealed record HitDto(
    string Id, string Title, double Score, int Start, int End, string Snippet, int SnippetStart, int SnippetEnd,
    IReadOnlyList<HighlightDto> Highlights, string? Source, string? Date, string? Author, string? Url, string Script,
    IReadOnlyList<string> OtherVersions, IReadOnlyList<TitleHighlightDto> TitleHighlights);

/// <summary>Where the title holds the query's terms: offsets into the title.</summary>
public sealed record TitleHighlightDto(int Start, int End);

/// <summary>Counts by source and year; with ?script=, <c>sourceLabels</c> gives each source's name as shown (filter by the key).</summary>
public sealed record FacetsDto(IReadOnlyDictionary<string, int> Sources, IReadOnlyDictionary<int, int> Years,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? SourceLabels = null);

public sealed record SearchResultDto(
    string Query, IReadOnlyList<HitDto> Hits, int Total, bool TotalIsLowerBound, int Page, int Size,
    [property: JsonPropertyName("took_ms")] double TookMs,
    QueryUnderstanding? Understood, FacetsDto Facets, IReadOnlyList<Notice> Notices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DidYouMean = null);

/// <summary>A completion: its text, whether a term or a title (with the article's id), and for pinyin typed the term's readings.</summary>
public sealed record SuggestionDto(string Text, string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Pinyin,
    bool Polyphonic);

public sealed record SuggestResultDto(string Query, IReadOnlyList<SuggestionDto> Suggestions, [property: JsonPropertyName("took_ms")] double TookMs);

public static class SearchApi
{
    public const int MaxPage = 1000;

    public static void MapSearchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Search");
        api.MapGet("/search", SearchAsync)
            .WithSummary("Ranked articles for a query, each with its best passage and a snippet with highlights (offsets into the snippet and the article).");
        api.MapGet("/suggest", SuggestAsync)
            .WithSummary("Completions of what is being typed: frequent terms of the index (in either script; toneless pinyin such as suzh completes to 苏州, with the readings and whether the term is polyphonic) and titles that start with the query.");
    }

    internal static async Task<Results<Ok<SuggestResultDto>, ProblemHttpResult>> SuggestAsync(
        Searcher searcher, WebOptions web, CancellationToken cancel, string? q = null, string? size = null, string? script = null)
    {
        if (searcher.Suggester is not { } suggester) return Problems.BadRequest("suggest-unavailable", "suggestions are not set up on this server", "这个服务器没有开启输入提示");
        if (q is null) return Problems.BadRequest("query-missing", "add ?q= with what has been typed so far", "请用 ?q= 给出已经输入的内容");
        if (q.Length > web.MaxQueryLength) return QueryTooLong(q, web);
        if (!Problems.TryPositive(size, "size", suggester.Options.DefaultSize, suggester.Options.MaxSize, out int n, out var problem)) return problem!;
        if (!TryScript(script, out var display, out problem)) return problem!;
        var r = await suggester.SuggestAsync(q, n, display, cancel);
        return TypedResults.Ok(new SuggestResultDto(r.Query,
            r.Suggestions.Select(x => new SuggestionDto(x.Text, x.Kind, x.Id, x.Pinyin, x.Polyphonic)).ToList(), Math.Round(r.TookMs, 3)));
    }

    /// <summary>Parses ?script=: original (or nothing), zh-Hans, zh-Hant (zh-TW, zh-HK too).</summary>
    internal static bool TryScript(string? text, out ChineseScript? script, out ProblemHttpResult? problem)
    {
        script = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(text) || text.Equals("original", StringComparison.OrdinalIgnoreCase)) return true;
        if (ChineseScripts.TryParse(text, out var s)) { script = s; return true; }
        problem = Problems.BadRequest("unknown-script", $"unknown script '{Problems.Shorten(text)}': use original, zh-Hans (简体) or zh-Hant (繁體)",
            $"没有“{Problems.Shorten(text)}”这种字形：请用 original（原文）、zh-Hans（简体）或 zh-Hant（繁體）");
        return false;
    }

    internal static async Task<Results<Ok<SearchResultDto>, ProblemHttpResult>> SearchAsync(
        Searcher searcher, SearchOptions options, WebOptions web, CancellationToken cancel,
        string? q = null, string? page = null, string? size = null, string? script = null,
        string? source = null, string? author = null, string? from = null, string? to = null, string? sort = null)
    {
        if (string.IsNullOrWhiteSpace(q)) return Problems.BadRequest("query-empty", "the query is empty: add ?q= with a word or a phrase to search for", "检索内容是空的：请输入要找的词或短语");
        if (q.Length > web.MaxQueryLength) return QueryTooLong(q, web);
        if (!Problems.TryPositive(page, "page", 1, MaxPage, out int p, out var problem)) return problem!;
        if (!Problems.TryPositive(size, "size", 10, options.MaxPageSize, out int n, out problem)) return problem!;
        if (!TryScript(script, out var display, out problem)) return problem!;
        SortOrder order;
        if (string.IsNullOrEmpty(sort) || sort == "relevance") order = SortOrder.Relevance;
        else if (sort == "date") order = SortOrder.Date;
        else return Problems.BadRequest("unknown-sort", $"unknown sort '{Problems.Shorten(sort)}': use relevance or date", $"没有“{Problems.Shorten(sort)}”这种排序：请用 relevance（相关度）或 date（日期）");

        var r = await searcher.SearchAsync(new SearchRequest(q, p, n, Blank(source), Blank(author), Blank(from), Blank(to), order, display), cancel);
        if (r.Error is not null) return Problems.BadRequest(r.Error);
        return TypedResults.Ok(new SearchResultDto(
            r.Query,
            r.Hits.Select(h => new HitDto(h.Id, h.Title, h.Score, h.Start, h.End, h.Snippet, h.SnippetStart, h.SnippetEnd,
                h.Highlights.Select(x => new HighlightDto(x.Start, x.End, x.SnippetStart, x.SnippetEnd)).ToList(),
                h.Source, h.Date, h.Author, h.Url, h.Script.ToString(), h.OtherVersions,
                (h.TitleHighlights ?? []).Select(x => new TitleHighlightDto(x.SnippetStart, x.SnippetEnd)).ToList())).ToList(),
            r.Total, r.TotalIsLowerBound, r.Page, r.Size, Math.Round(r.TookMs, 3), r.Understood,
            new FacetsDto(r.Sources, r.Years, r.SourceLabels), r.Notices, r.DidYouMean));
    }

    internal static ProblemHttpResult QueryTooLong(string q, WebOptions web) => Problems.BadRequest("query-too-long",
        $"the query is {q.Length} characters long; at most {web.MaxQueryLength} are allowed: shorten it", $"检索内容有 {q.Length} 个字符，最多 {web.MaxQueryLength} 个：请缩短");

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
