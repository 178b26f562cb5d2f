using System.CommandLine;
using System.Text;
using System.Text.Json;
using SourceSearch.Search;
using SourceSearch.Text;

namespace SourceSearch.Cli;

internal static class SearchCommand
{
    public static Command Create(CliIo io)
    {
        var json = new Option<bool>("--json") { Description = "Print the whole response as one JSON object." };
        var jsonl = new Option<bool>("--jsonl") { Description = "Batch: one query a line on standard input (text, or JSON with \"q\"), one JSON line out for each, in order." };
        var top = new Option<int>("--top") { Description = "Hits per page (default 10).", DefaultValueFactory = _ => 10 };
        var page = new Option<int>("--page") { Description = "Page of hits (default 1).", DefaultValueFactory = _ => 1 };
        var source = new Option<string?>("--source") { Description = "Only articles from this source." };
        var author = new Option<string?>("--author") { Description = "Only articles by this author." };
        var from = new Option<string?>("--from") { Description = "Only articles dated on or after YYYY[-MM[-DD]]." };
        var to = new Option<string?>("--to") { Description = "Only articles dated on or before YYYY[-MM[-DD]]." };
        var sort = new Option<string>("--sort") { Description = "relevance (default) or date (newest first).", DefaultValueFactory = _ => "relevance" };
        sort.AcceptOnlyFromAmong("relevance", "date");
        var script = new Option<string?>("--script") { Description = "Show snippets, titles, sources and authors converted to zh-Hans or zh-Hant (highlights stay on the right characters)." };
        script.AcceptOnlyFromAmong([.. ChineseScripts.Tags]);
        var any = new Option<bool>("--any") { Description = "Match articles with any of the terms (as for a question), not all of them." };
        var query = new Argument<string?>("query")
        {
            Description = "Words (all must match), \"exact phrase\", -excluded, a OR b, title:word, source:…, author:…, from:2024, to:2025-06. Either script.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("search", "Search the index: ranked articles with their best passage and highlighted snippet.")
        { json, jsonl, top, page, source, author, from, to, sort, script, any, query };
        command.SetAction(async (parsed, cancel) =>
        {
            using var services = io.Services(parsed);
            using var index = await IndexAccess.OpenForSearchAsync(services, io, cancel);
            var searcher = IndexAccess.Searcher(services, index);
            ChineseScript? display = ChineseScripts.TryParse(parsed.GetValue(script), out var s) ? s : null;
            SearchRequest Request(string q) => new(q, parsed.GetValue(page), parsed.GetValue(top), parsed.GetValue(source), parsed.GetValue(author),
                parsed.GetValue(from), parsed.GetValue(to), parsed.GetValue(sort) == "date" ? SortOrder.Date : SortOrder.Relevance, display,
                parsed.GetValue(any) ? MatchMode.Any : MatchMode.Auto);

            if (parsed.GetValue(jsonl))
            {
                string? line;
                while ((line = await io.In.ReadLineAsync(cancel)) is not null)
                {
                    string q = QueryOfLine(line, out string? lineError);
                    var response = lineError is null ? await searcher.SearchAsync(Request(q), cancel) : null;
                    await io.Out.WriteLineAsync(JsonSerializer.Serialize(JsonlLine(q, response, lineError), CliApp.Json));
                }
                return ExitCodes.Success;
            }

            string? text = parsed.GetValue(query);
            if (text is null)
            {
                await io.Error.WriteLineAsync("sourcesearch: search needs a QUERY (or --jsonl with queries on standard input)");
                return ExitCodes.UsageOrUnusable;
            }
            var result = await searcher.SearchAsync(Request(text), cancel);
            if (parsed.GetValue(json))
            {
                await io.Out.WriteLineAsync(JsonSerializer.Serialize(Full(result), CliApp.Json));
                return result.Error is null ? ExitCodes.Success : ExitCodes.UsageOrUnusable;
            }
            if (result.Error is not null)
            {
                await io.Error.WriteLineAsync("sourcesearch: " + result.Error);
                return ExitCodes.UsageOrUnusable;
            }
            await WriteHumanAsync(io.Out, result);
            return ExitCodes.Success;
        });
        return command;
    }

    // A line is a query, or a JSON object with "q" (or "query"), as in ../shared/bench/scale-queries.jsonl.
    internal static string QueryOfLine(string line, out string? error)
    {
        error = null;
        string trimmed = line.Trim();
        if (trimmed.Length == 0) { error = "blank line: no query"; return ""; }
        if (trimmed[0] != '{') return line;
        try
        {
            using var doc = JsonDocument.Parse(trimmed);
            foreach (var name in new[] { "q", "query", "question" })
                if (doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String) return v.GetString()!;
            error = "JSON line without a \"q\" string";
            return "";
        }
        catch (JsonException)
        {
            return line; // not JSON after all: search it as text
        }
    }

    private static object JsonlLine(string q, SearchResponse? r, string? lineError) => new
    {
        query = q,
        hits = (r?.Hits ?? []).Select(h => new { id = h.Id, title = h.Title, score = h.Score, start = h.Start, end = h.End, snippet = h.Snippet }),
        total = r?.Total ?? 0,
        took_ms = Math.Round(r?.TookMs ?? 0, 3),
        error = lineError ?? r?.Error,
    };

    internal static object Full(SearchResponse r) => new
    {
        query = r.Query,
        total = r.Total,
        totalIsLowerBound = r.TotalIsLowerBound,
        page = r.Page,
        size = r.Size,
        took_ms = Math.Round(r.TookMs, 3),
        understood = r.Understood,
        hits = r.Hits.Select(h => new
        {
            id = h.Id, title = h.Title, score = h.Score, start = h.Start, end = h.End, snippet = h.Snippet,
            snippetStart = h.SnippetStart, snippetEnd = h.SnippetEnd,
            highlights = h.Highlights.Select(x => new { start = x.Start, end = x.End, snippetStart = x.SnippetStart, snippetEnd = x.SnippetEnd }),
            author = h.Author, date = h.Date, source = h.Source, url = h.Url, script = h.Script.ToString(), otherVersions = h.OtherVersions,
            titleHighlights = (h.TitleHighlights ?? []).Select(x => new { start = x.SnippetStart, end = x.SnippetEnd }),
        }),
        facets = new { sources = r.Sources, years = r.Years, sourceLabels = r.SourceLabels },
        notices = r.Notices,
        didYouMean = r.DidYouMean,
        error = r.Error,
    };

    private static async Task WriteHumanAsync(TextWriter o, SearchResponse r)
    {
        foreach (var n in r.Notices) await o.WriteLineAsync($"note: {n.Text}");
        string total = r.TotalIsLowerBound ? $"more than {r.Total}" : r.Total.ToString();
        await o.WriteLineAsync($"{total} articles ({r.TookMs:0.#} ms); searched: {string.Join(" ", r.Understood!.Clauses.Select(Describe))} [{r.Understood.Mode}]");
        if (r.DidYouMean is { } better) await o.WriteLineAsync($"did you mean: {better}");
        int n0 = (r.Page - 1) * r.Size;
        foreach (var (h, k) in r.Hits.Select((h, k) => (h, k)))
        {
            await o.WriteLineAsync();
            await o.WriteLineAsync($"{n0 + k + 1}. {(h.Title.Length > 0 ? h.Title : "(untitled)")}  [{h.Id}]  {h.Score:G3}");
            var meta = new[] { h.Source, h.Author, h.Date }.Where(x => !string.IsNullOrEmpty(x));
            if (meta.Any()) await o.WriteLineAsync("   " + string.Join(" · ", meta));
            var sb = new StringBuilder();
            int at = 0;
            foreach (var x in h.Highlights)
            {
                sb.Append(h.Snippet, at, x.SnippetStart - at).Append('【').Append(h.Snippet, x.SnippetStart, x.SnippetEnd - x.SnippetStart).Append('】');
                at = x.SnippetEnd;
            }
            sb.Append(h.Snippet, at, h.Snippet.Length - at);
            await o.WriteLineAsync("   " + sb.ToString().ReplaceLineEndings(" "));
            if (h.OtherVersions.Count > 0) await o.WriteLineAsync("   also as: " + string.Join(", ", h.OtherVersions));
        }
    }

    private static string Describe(ClauseUnderstanding c) =>
        (c.Alternative ? "OR " : "") + (c.Excluded ? "-" : "") + (c.Field == "title" ? "title:" : "")
        + (c.Phrase ? "\"" + string.Join(" ", c.Terms) + "\"" : string.Join(" ", c.Terms));
}
