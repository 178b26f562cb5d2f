using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using SourceSearch.Index;

namespace SourceSearch.Web.Api;

public sealed record HistoryEntryDto(
    int Version, string Action, DateTimeOffset At, string Who, string? Address, string? OldHash, bool Restorable, string? Title, int? Length);

public sealed record HistoryDto(string Id, bool Exists, int RestoreDays, IReadOnlyList<HistoryEntryDto> Versions);

public sealed record RestoredDto(string Id, int Version, string Outcome, string Link);

/// <summary>
/// The audit log of an article and restoring an old version. The paths end in an unencoded /history or
/// /restore after the percent-encoded id, so an article whose id ends in "/history" (sent as %2Fhistory) is
/// still just an article.
/// </summary>
public static class HistoryApi
{
    private const string HistoryRoute = "/api/articles/{**id:regex(^.+/history$)}";
    private const string RestoreRoute = "/api/articles/{**id:regex(^.+/restore$)}";

    public static void MapHistoryApi(this IEndpointRouteBuilder app)
    {
        // The log names writers and their addresses, and the titles of deleted articles: reading it takes the right to write.
        app.MapGet(HistoryRoute, GetAsync).WithTags("Articles").WithOrder(-1).AddEndpointFilter<WriteAccess>()
            .WithSummary("The article's audit log: each replace, delete and restore with who, from where, when, the old content hash, and whether that version can still be restored.");
        app.MapPost(RestoreRoute, RestoreAsync).WithTags("Articles").WithOrder(-1).AddEndpointFilter<WriteAccess>()
            .WithSummary("Puts back a replaced or deleted version (?version=N, default the latest kept); the version it replaces is kept in turn.");
    }

    /// <summary>Who the audit log names for a write through the API: the token's holder, or a loopback client, and its address.</summary>
    internal static Actor ActorOf(HttpContext http, IConfiguration configuration) => new(
        string.IsNullOrEmpty(configuration[WriteAccess.TokenSetting]) ? "loopback" : "token holder",
        http.Connection.RemoteIpAddress is { } remote ? (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString() : null);

    /// <summary>The id before the given suffix, taken from the raw request target and decoded once (as ArticlesApi.IdOf).</summary>
    private static string IdBefore(HttpContext context, string suffix)
    {
        string raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
        int q = raw.IndexOf('?');
        if (q >= 0) raw = raw[..q];
        int at = raw.IndexOf(ArticlesApi.Prefix, StringComparison.Ordinal);
        if (at < 0 || !raw.EndsWith(suffix, StringComparison.Ordinal)) return "";
        string encoded = raw[(at + ArticlesApi.Prefix.Length)..^suffix.Length];
        return encoded.Length == 0 ? "" : Uri.UnescapeDataString(encoded);
    }

    internal static async Task<Results<Ok<HistoryDto>, ProblemHttpResult>> GetAsync(HttpContext context, IndexHost host, CancellationToken cancel)
    {
        string id = IdBefore(context, "/history");
        if (id.Length == 0) return Problems.BadRequest("give the article's id: GET /api/articles/{id}/history (the id percent-encoded)");
        var entries = await host.Index.HistoryAsync(id, cancel: cancel);
        bool exists = await host.Index.GetAsync(id, cancel) is not null;
        if (entries.Count == 0 && !exists) return Problems.NotFound($"there is no article '{id}' and no history of one");
        return TypedResults.Ok(new HistoryDto(id, exists, host.Index.RestoreDays, entries.Select(e => new HistoryEntryDto(
            e.Version, e.Action, e.At, e.Who, e.Address, e.OldHash, e.Restorable,
            e.Restorable ? e.Old!.Title : null, e.Restorable ? e.Old!.Text.Length : null)).ToList()));
    }

    internal static async Task<Results<Ok<RestoredDto>, ProblemHttpResult>> RestoreAsync(
        HttpContext context, IndexHost host, IConfiguration configuration, CancellationToken cancel, string? version = null)
    {
        string id = IdBefore(context, "/restore");
        if (id.Length == 0) return Problems.BadRequest("give the article's id: POST /api/articles/{id}/restore (the id percent-encoded)");
        int? wanted = null;
        if (version is not null)
        {
            if (!int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 1)
                return Problems.BadRequest($"'version' must be a version number from GET /api/articles/{{id}}/history (1 or more); it was '{Problems.Shorten(version)}'");
            wanted = n;
        }
        var result = await host.Index.RestoreAsync(id, wanted, ActorOf(context, configuration), cancel);
        string link = ArticlesApi.Prefix + Uri.EscapeDataString(id);
        return result.Status switch
        {
            RestoreStatus.Restored => TypedResults.Ok(new RestoredDto(id, result.Version!.Value, "restored", link)),
            RestoreStatus.NoSuchArticle or RestoreStatus.NoSuchVersion => Problems.NotFound(result.Message),
            RestoreStatus.Expired => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status410Gone, title: "Past the restore window"),
            _ => Problems.Conflict(result.Message),
        };
    }
}
