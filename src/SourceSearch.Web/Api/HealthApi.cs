using Microsoft.AspNetCore.Http.HttpResults;

namespace SourceSearch.Web.Api;

/// <summary>Readable index: "ok", its article count, and whether writes are refused (a read-only index is served, not healthy for writing).</summary>
public sealed record HealthDto(string Status, long Articles, bool ReadOnly);

public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async Task<Results<Ok<HealthDto>, ProblemHttpResult>> (IndexHost host, CancellationToken cancel) =>
        {
            try { return TypedResults.Ok(new HealthDto("ok", await host.Index.CountAsync(cancel), host.Index.IsReadOnly)); }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                return TypedResults.Problem($"the index cannot be read: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Unhealthy");
            }
        }).WithTags("Health").WithSummary("ok, the number of articles and readOnly (writes refused) when the index can be read.");
    }
}
