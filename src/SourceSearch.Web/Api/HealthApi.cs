using Microsoft.AspNetCore.Http.HttpResults;

namespace SourceSearch.Web.Api;

public sealed record HealthDto(string Status, long Articles);

public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async Task<Results<Ok<HealthDto>, ProblemHttpResult>> (IndexHost host, CancellationToken cancel) =>
        {
            try { return TypedResults.Ok(new HealthDto("ok", await host.Index.CountAsync(cancel))); }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                return TypedResults.Problem($"the index cannot be read: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Unhealthy");
            }
        }).WithTags("Health").WithSummary("ok and the number of articles when the index can be read.");
    }
}
