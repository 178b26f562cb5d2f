using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace SourceSearch.Web.Tests;

/// <summary>The security headers, and the page under its Content-Security-Policy in Chromium: it works, and hostile text stays text.</summary>
public sealed class SecurityPageTests(WebServer server) : IClassFixture<WebServer>
{

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/api/search?q=%E8%8B%8F%E5%B7%9E")]
    [InlineData("/api/search?q=")]
    [InlineData("/no/such/thing")]
    [InlineData("/articles/some%20id")]
    public async Task Every_response_carries_the_security_headers(string url)
    {
        var r = await server.Client.GetAsync(url);
        string csp = string.Join(";", r.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", Assert.Single(r.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(r.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task A_write_refused_for_its_origin_still_carries_the_headers()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/articles") { Content = JsonContent.Create(new { text = "x" }) };
        request.Headers.Add("Origin", "http://evil.example");
        var r = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.True(r.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task The_page_works_under_its_policy_and_hostile_article_text_renders_as_text_and_never_runs()
    {
        const string id = "csp/hostile 1";
        const string title = "<script>window.__pwned='title'</script>外滩";
        const string text = "外滩的钟楼<script>window.__pwned='script'</script>" +
                            "<img src=x onerror=\"window.__pwned='img'\">" +
                            "<iframe src=\"javascript:parent.__pwned='iframe'\"></iframe>" +
                            "<svg onload=\"window.__pwned='svg'\"></svg>" +
                            "<a href=\"javascript:window.__pwned='link'\">点我</a>每到整点敲响。";
        var added = await server.Client.PostAsJsonAsync("/api/articles", new { id, title, text });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "zh-CN" });
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy")) lock (violations) violations.Add(m.Text); };
        bool dialog = false;
        page.Dialog += (_, d) => { dialog = true; _ = d.DismissAsync(); };

        // The page's own features under the policy: search, the ask stream, the article view.
        await page.GotoAsync(new Uri(server.BaseAddress, "/?q=" + Uri.EscapeDataString("外滩 钟楼")).ToString());
        await page.WaitForSelectorAsync(".hit");
        Assert.Contains(title, await page.Locator(".hit .title").AllTextContentsAsync());
        await page.FillAsync("#question", "苏州人工智能产业规模有多大？");
        await page.ClickAsync("#ask-form button");
        await page.WaitForSelectorAsync("#answer .citations li");

        await page.GotoAsync(new Uri(server.BaseAddress, "/articles/" + Uri.EscapeDataString(id)).ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('article-text').textContent.includes('钟楼')");
        Assert.Equal(text, await page.EvaluateAsync<string>(Browser.ArticleTextScript));
        Assert.Equal(0, await page.Locator("main script, main img, main iframe, main svg, #article-text a:not(.plink)").CountAsync());
        await page.WaitForTimeoutAsync(300); // let anything that could fire (an image error, a frame load) fire
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__pwned"));
        Assert.False(dialog);
        lock (violations) Assert.True(violations.Count == 0, "the page's own code broke the policy: " + string.Join("\n", violations));

        // The policy itself holds: markup that did get into the page (as a bug might put it) cannot run.
        await page.EvaluateAsync("""
            () => {
              const s = document.createElement('script'); s.textContent = "window.__inline = 1"; document.body.append(s);
              const d = document.createElement('div'); d.innerHTML = '<img src="/nothing.png" onerror="window.__handler = 1">'; document.body.append(d);
            }
            """);
        await page.WaitForFunctionAsync("n => document.querySelectorAll('img').length === n", 1);
        // The browser reports each blocked script and handler: once both reports are in, neither ran.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(20))
            lock (violations) if (violations.Count >= 2) break;
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__inline"));
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__handler"));
        lock (violations) Assert.True(violations.Count >= 2, "blocked but not reported: " + string.Join("\n", violations));

        await server.Client.DeleteAsync("/api/articles/" + Uri.EscapeDataString(id));
    }
}
