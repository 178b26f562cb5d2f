using System.Net.Http.Json;
using Microsoft.Playwright;

namespace SourceSearch.Web.Tests;

/// <summary>The page in Debian's Chromium (installed by scripts/setup), driven by Playwright.</summary>
public sealed class PageTests(WebServer server) : IClassFixture<WebServer>
{

    [Fact]
    public async Task Search_renders_results_and_article_text_is_never_markup()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 1400 }, Locale = "zh-CN" });
        bool dialog = false;
        page.Dialog += (_, d) => { dialog = true; _ = d.DismissAsync(); };

        await page.GotoAsync(new Uri(server.BaseAddress, "/?q=" + Uri.EscapeDataString("蘇州")).ToString());
        await page.WaitForSelectorAsync(".hit");
        Assert.True(await page.Locator(".hit").CountAsync() >= 4);
        Assert.True(await page.Locator(".hit mark").CountAsync() > 0);
        Assert.Contains("蘇州", await page.InputValueAsync("#q"));

        await page.FillAsync("#question", "苏州人工智能产业规模有多大？");
        await page.ClickAsync("#ask-form button");
        await page.WaitForSelectorAsync("#answer .citations li");
        Assert.True(await page.Locator("#answer a.cite").CountAsync() > 0);
        // "Searched:" names the terms that counted: not 有, and not the question words 多大.
        string searched = (await page.Locator("#answer p.meta", new() { HasTextString = "检索词" }).First.TextContentAsync())!;
        var terms = searched[(searched.IndexOf('：') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("人工智能", terms);
        Assert.DoesNotContain("有", terms);
        Assert.DoesNotContain("多大", terms);
        await Screens.SaveAsync(page, "results-and-answer");
        // The README's screenshot: SOURCESEARCH_SCREENSHOT=docs/screenshot.png ./test --filter PageTests
        if (Environment.GetEnvironmentVariable("SOURCESEARCH_SCREENSHOT") is { Length: > 0 } shot)
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.GetFullPath(shot, TestPaths.RepoRoot), FullPage = true });

        // An article whose title and text are markup shows them as text, in the results and in the article view.
        const string id = "xss/test #1";
        const string hostile = "<img src=x onerror=alert(1)> 蘇州的一篇文章。";
        var added = await server.Client.PostAsJsonAsync("/api/articles", new { id, title = "<b>標題</b>", text = hostile });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        await page.ReloadAsync();
        await page.WaitForSelectorAsync(".hit");
        Assert.Contains(await page.Locator(".hit .title").AllTextContentsAsync(), t => t == "<b>標題</b>");
        Assert.Equal(0, await page.Locator(".results img, .results b").CountAsync());

        await page.GotoAsync(new Uri(server.BaseAddress, "/articles/" + Uri.EscapeDataString(id) + "?start=0&end=28").ToString());
        await page.WaitForSelectorAsync("#article-text mark");
        Assert.Equal(hostile, await page.EvaluateAsync<string>(Browser.ArticleTextScript));
        Assert.Equal("<img src=x onerror=alert(1)>", await page.TextContentAsync("#article-text mark"));
        Assert.Equal(0, await page.Locator("img").CountAsync());
        Assert.False(dialog);

        await server.Client.DeleteAsync("/api/articles/" + Uri.EscapeDataString(id));
    }

    [Fact]
    public async Task A_source_facet_filters_the_results_and_goes_into_the_URL()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "zh-CN" });
        await page.GotoAsync(new Uri(server.BaseAddress, "/?q=" + Uri.EscapeDataString("苏州")).ToString());
        await page.WaitForSelectorAsync(".hit");
        int before = await page.Locator(".hit").CountAsync();
        var facet = page.Locator("#facets a.facet[data-source]").First;
        string source = (await facet.GetAttributeAsync("data-source"))!;
        Assert.Contains("(", await facet.TextContentAsync());
        await facet.ClickAsync();
        await page.WaitForFunctionAsync("s => new URLSearchParams(location.search).get('source') === s", source);
        await page.WaitForSelectorAsync("#facets a[aria-current]");
        var metas = await page.Locator(".hit .meta").AllTextContentsAsync();
        Assert.NotEmpty(metas);
        Assert.True(await page.Locator(".hit").CountAsync() <= before);
        foreach (var hit in await page.Locator(".hit .meta:first-of-type").AllTextContentsAsync()) Assert.StartsWith(source, hit);

        // No results: the help offers what would help (never "the other script": search ignores script). A filter
        // that matches nothing: a link that removes the filters, and then the articles are there.
        await page.GotoAsync(new Uri(server.BaseAddress, "/?q=" + Uri.EscapeDataString("蘇州") + "&source=nowhere").ToString());
        await page.WaitForSelectorAsync("#notices li.help a.none-filters");
        Assert.DoesNotContain("字形", await page.TextContentAsync("#notices li.help"));
        await page.ClickAsync("#notices li.help a.none-filters");
        await page.WaitForSelectorAsync(".hit");
        Assert.DoesNotContain("source=", page.Url);
        // Words that are nowhere, no filter: what to check, still not the script.
        await page.GotoAsync(new Uri(server.BaseAddress, "/?q=" + Uri.EscapeDataString("zzqqxxyy")).ToString());
        await page.WaitForSelectorAsync("#notices li.help");
        Assert.Equal("检查用字，或换一个说法。", await page.TextContentAsync("#notices li.help"));
    }

    [Fact]
    public async Task The_language_switch_changes_labels_and_the_add_form_adds_a_searchable_article()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "en-US" });
        await page.GotoAsync(server.BaseAddress.ToString());
        Assert.Equal("Add an article", await page.TextContentAsync("#add-panel summary"));
        await page.ClickAsync("#lang");
        Assert.Equal("添加文章", await page.TextContentAsync("#add-panel summary"));
        Assert.Equal("搜索", await page.TextContentAsync("#search-form button"));

        await page.ClickAsync("#add-panel summary");
        await page.FillAsync("#add-form input[name=title]", "淀山湖的晨雾");
        await page.FillAsync("#add-form input[name=source]", "页面测试");
        await page.FillAsync("#add-form textarea[name=text]", "清晨的淀山湖笼罩在薄雾之中，渔船缓缓驶出。");
        await page.ClickAsync("#add-form button");
        await page.WaitForFunctionAsync("() => document.getElementById('add-status').textContent.startsWith('已添加')");

        await page.GotoAsync(new Uri(server.BaseAddress, "/?q=" + Uri.EscapeDataString("澱山湖 晨霧")).ToString());
        await page.WaitForSelectorAsync(".hit");
        Assert.Contains("淀山湖的晨雾", await page.Locator(".hit .title").AllTextContentsAsync());
    }
}
