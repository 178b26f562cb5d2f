using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SourceSearch.Web.Tests;

/// <summary>The ask rate limit and the body size limit, on a server configured with small ones.</summary>
public sealed class LimitTests(LimitedServer limited) : IClassFixture<LimitedServer>
{
    private HttpClient Client => limited.Server.Client;

    [Fact]
    public async Task Asking_more_than_the_limit_in_the_window_gets_429_and_search_is_not_limited()
    {
        // 3 questions a minute from one address, POST and the stream counted together.
        for (int i = 0; i < 2; i++)
        {
            var ok = await Client.PostAsJsonAsync("/api/ask", new { question = "苏州人工智能产业规模有多大？" });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        var streamed = await Client.GetAsync("/api/ask/stream?question=" + Uri.EscapeDataString("苏州在哪里？"));
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);

        foreach (var refused in new[]
        {
            await Client.PostAsJsonAsync("/api/ask", new { question = "苏州人工智能产业规模有多大？" }),
            await Client.GetAsync("/api/ask/stream?question=" + Uri.EscapeDataString("苏州在哪里？")),
        })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var retry = refused.Headers.RetryAfter?.Delta;
            Assert.NotNull(retry);
            Assert.InRange(retry.Value.TotalSeconds, 1, 60);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
            Assert.Equal("https://www.rfc-editor.org/rfc/rfc6585#section-4", problem.GetProperty("type").GetString());
            Assert.Contains("Web:AskPermitLimit", problem.GetProperty("detail").GetString());
        }

        for (int i = 0; i < 10; i++)
        {
            var search = await Client.GetAsync("/api/search?q=" + Uri.EscapeDataString("苏州"));
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        }
    }
}
