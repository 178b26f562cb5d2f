using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SourceSearch.Web.Tests;

/// <summary>
/// Behind a reverse proxy named in Web:TrustedProxies, the client address it forwards is the one the ask limit, the
/// write check and the audit log see; from any other sender, and with the setting empty, forwarded headers count for nothing.
/// </summary>
public sealed class TrustedProxyTests
{
    private static HttpRequestMessage Ask(string forwardedFor) => new(HttpMethod.Post, "/api/ask")
    {
        Content = JsonContent.Create(new { question = "苏州人工智能产业规模有多大？" }),
        Headers = { { "X-Forwarded-For", forwardedFor } },
    };

    [Fact]
    public async Task Each_forwarded_client_has_its_own_ask_limit_and_is_not_taken_for_loopback()
    {
        // The test client connects from 127.0.0.1: here that is the proxy.
        var server = new WebServer { Settings = [new("Web:TrustedProxies", "127.0.0.1, ::1"), new("Web:AskPermitLimit", "2"), new("Web:AskWindowSeconds", "3600")] };
        await server.InitializeAsync();
        try
        {
            for (int i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(Ask("203.0.113.1"))).StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await server.Client.SendAsync(Ask("203.0.113.1"))).StatusCode);
            // Another client behind the same proxy still has its questions.
            Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(Ask("203.0.113.2"))).StatusCode);

            // Without a token only loopback may write: a forwarded outside client is not loopback, though the proxy is.
            var add = new HttpRequestMessage(HttpMethod.Post, "/api/articles")
            {
                Content = JsonContent.Create(new { id = "via-proxy", title = "", text = "经代理写入的文章。" }),
                Headers = { { "X-Forwarded-For", "203.0.113.1" } },
            };
            Assert.Equal(HttpStatusCode.Forbidden, (await server.Client.SendAsync(add)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/api/articles/via-proxy")).StatusCode);

            // A write the proxy forwards for a client on the proxy's own machine is allowed, and audited with that address.
            var replace = new HttpRequestMessage(HttpMethod.Put, "/api/articles/004_c6996910d4f2c89e")
            {
                Content = JsonContent.Create(new { title = "改", text = "改过的文字。" }),
                Headers = { { "X-Forwarded-For", "::1" } },
            };
            Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(replace)).StatusCode);
            var history = await server.Client.GetFromJsonAsync<JsonElement>("/api/articles/004_c6996910d4f2c89e/history");
            Assert.Equal("::1", history.GetProperty("versions")[0].GetProperty("address").GetString());
        }
        finally { await server.DisposeAsync(); }
    }

    [Fact]
    public async Task Forwarded_headers_from_a_sender_not_named_count_for_nothing()
    {
        // The proxy named is not the test client: its X-Forwarded-For is ignored, so all its questions share one limit.
        var server = new WebServer { Settings = [new("Web:TrustedProxies", "192.0.2.10"), new("Web:AskPermitLimit", "2"), new("Web:AskWindowSeconds", "3600")] };
        await server.InitializeAsync();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(Ask("203.0.113.1"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(Ask("203.0.113.2"))).StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await server.Client.SendAsync(Ask("203.0.113.3"))).StatusCode);
            // And the sender is loopback as it is: it may write without a token.
            var add = new HttpRequestMessage(HttpMethod.Post, "/api/articles")
            {
                Content = JsonContent.Create(new { id = "direct", title = "", text = "直接写入的文章。" }),
                Headers = { { "X-Forwarded-For", "203.0.113.1" } },
            };
            Assert.Equal(HttpStatusCode.Created, (await server.Client.SendAsync(add)).StatusCode);
        }
        finally { await server.DisposeAsync(); }
    }

    [Fact]
    public async Task A_setting_that_is_not_an_address_stops_the_app_with_a_message()
    {
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1)); // a hang guard: it must not start serving
        int exit = await SourceSearchApp.RunAsync(
            ["--urls", "http://127.0.0.1:0", "--Index", TestPaths.NewTempDirectory(), "--Web:TrustedProxies", "127.0.0.1, proxy.example"], error, stop.Token);
        Assert.Equal(2, exit);
        Assert.Contains("Web:TrustedProxies", error.ToString());
        Assert.Contains("proxy.example", error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());
    }
}
