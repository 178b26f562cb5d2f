using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SourceSearch.Tests.Fuzz;
using Xunit.Abstractions;

namespace SourceSearch.Web.Tests;

/// <summary>Random hostile queries and questions through the HTTP API: never a 500, every error a problem with a detail.</summary>
public sealed class ApiFuzzTests(ApiFuzzTests.Server fixture, ITestOutputHelper output) : IClassFixture<ApiFuzzTests.Server>
{
    /// <summary>A server with no practical ask limit, so that every question is really answered.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public WebServer Web { get; } = new() { Settings = [new("Web:AskPermitLimit", "100000")] };
        public Task InitializeAsync() => Web.InitializeAsync();
        public Task DisposeAsync() => Web.DisposeAsync();
    }

    private WebServer Web => fixture.Web;

    private static async Task AssertNotAFailureAsync(HttpResponseMessage r, string what, bool inPath = false)
    {
        string body = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode < 500, $"{(int)r.StatusCode} for {what}: {body}");
        // A NUL or control character in the path itself is refused by Kestrel before the app sees the request.
        if (inPath && r.StatusCode == HttpStatusCode.BadRequest && body.Length == 0) return;
        if (r.StatusCode != HttpStatusCode.OK)
        {
            Assert.True(r.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{(int)r.StatusCode} {r.Content.Headers.ContentType} for {what}: {body}");
            Assert.False(string.IsNullOrWhiteSpace(JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()), what);
        }
    }

    [Fact]
    public async Task Random_queries_and_questions_never_fail_the_server()
    {
        var input = new FuzzInput(FuzzInput.SeedFromEnvironment(314));
        output.WriteLine($"fuzz seed {input.Seed} (replay with SOURCESEARCH_FUZZ_SEED={input.Seed})");
        int answered = 0;
        for (int n = 0; n < 300; n++)
        {
            string q = n % 60 == 59 ? input.Text(5000) : input.Query(100);
            // Percent-encoded as UTF-8 bytes, lone surrogates included (as U+FFFD: a URL cannot carry them).
            string encoded = string.Concat(Encoding.UTF8.GetBytes(q).Select(b => $"%{b:X2}"));
            string what = $"seed {input.Seed} case {n}";
            await AssertNotAFailureAsync(await Web.Client.GetAsync($"/api/search?q={encoded}&page={1 + n % 3}"), "search " + what);
            if (n % 6 == 0)
            {
                // As JSON the lone surrogates stay (escaped): the server must answer them with a problem, not a 500.
                var ask = new StringContent(JsonSerializer.Serialize(new { question = q }), Encoding.UTF8, "application/json");
                var asked = await Web.Client.PostAsync("/api/ask", ask);
                await AssertNotAFailureAsync(asked, "ask " + what);
                if (asked.StatusCode == HttpStatusCode.OK) answered++;
                await AssertNotAFailureAsync(await Web.Client.GetAsync($"/api/ask/stream?question={encoded}"), "stream " + what);
                await AssertNotAFailureAsync(await Web.Client.GetAsync($"/api/articles/{encoded}"), "article " + what, inPath: true);
            }
        }
        Assert.True(answered > 10, $"only {answered} questions were answered: the rest never reached the answerer");
        Assert.Equal(HttpStatusCode.OK, (await Web.Client.GetAsync("/healthz")).StatusCode);
    }
}
