using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace SourceSearch.Web.Tests;

/// <summary>The page's filters, article view, upload form, phone width and keyboard use, in Chromium.</summary>
public sealed class PageFeatureTests(WebServer server) : IClassFixture<WebServer>
{
    private string Url(string pathAndQuery) => new Uri(server.BaseAddress, pathAndQuery).ToString();

    [Fact]
    public async Task A_title_that_matched_shows_the_words_highlighted()
    {
        var added = await server.Client.PutAsJsonAsync("/api/articles/titled/heron", new { title = "鹭鸶的湖 <i>x</i>", text = "湖边常见一种白色的水鸟。" });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = "zh-CN" });
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("鹭鸶")));
        await page.WaitForSelectorAsync(".hit .title mark");
        Assert.Equal(["鹭鸶"], await page.Locator(".hit .title mark").AllTextContentsAsync());
        // The title is still text, markup and all.
        Assert.Equal("鹭鸶的湖 <i>x</i>", await page.TextContentAsync(".hit .title"));
        Assert.Equal(0, await page.Locator(".hit .title i").CountAsync());
    }

    [Theory]
    [InlineData("zh-CN", "年或日期")]
    [InlineData("en-US", "YYYY[-MM[-DD]]")]
    public async Task Date_inputs_hint_their_format_instead_of_showing_a_date_that_looks_filled_in_and_the_icon_loads(string locale, string hint)
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        var failed = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) failed.Add(r.Url + " " + r.Status); };
        await page.GotoAsync(Url("/"));
        await page.WaitForFunctionAsync("() => document.querySelector('#from').placeholder !== ''");
        foreach (var input in new[] { "#from", "#to" })
        {
            string placeholder = await page.GetAttributeAsync(input, "placeholder") ?? "";
            Assert.Equal(hint, placeholder);
            Assert.DoesNotMatch(@"^\d{4}(-\d{2}){0,2}$", placeholder);
        }
        // The icon: the page's link, and /favicon.ico for whatever asks for it.
        var icon = await page.EvaluateAsync<int>("async () => (await fetch('/favicon.ico')).status");
        Assert.Equal(200, icon);
        Assert.Empty(failed);
    }

    [Theory]
    [InlineData("zh-CN", "日期（新的在前）")]
    [InlineData("en-US", "Newest first")]
    public async Task Results_can_be_sorted_newest_first_from_the_page_and_the_order_lives_in_the_URL(string locale, string label)
    {
        // The oldest article says the word most often: by relevance it comes first, newest first it comes last.
        foreach (var (id, date, text) in new[]
                 {
                     ("sorted/old", "1999-01-01", "鹈鹕鹈鹕鹈鹕，湖上的鹈鹕。"), ("sorted/mid", "2010-06-01", "湖上有鹈鹕。"), ("sorted/new", "2024-03-01", "一只鹈鹕。"),
                 })
        {
            var added = await server.Client.PutAsJsonAsync("/api/articles/" + id, new { title = "水鸟 " + date, date, text });
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        }
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("鹈鹕")));
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.hit').length === 3");
        Assert.Equal(label, (await page.Locator("#sort option[value=date]").TextContentAsync())?.Trim());
        async Task<List<string>> Dates() =>
            [.. (await page.Locator(".hit .meta").AllTextContentsAsync()).Select(m => System.Text.RegularExpressions.Regex.Match(m, @"\d{4}").Value)];
        Assert.Equal("1999", (await Dates())[0]);

        await page.SelectOptionAsync("#sort", "date");
        await page.WaitForFunctionAsync("() => new URLSearchParams(location.search).get('sort') === 'date'");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.hit').length === 3 && document.querySelector('.hit .meta').textContent.includes('2024')");
        Assert.Equal(["2024", "2010", "1999"], await Dates());

        // The shared URL keeps the order and shows it chosen.
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.hit').length === 3");
        Assert.Equal(["2024", "2010", "1999"], await Dates());
        Assert.Equal("date", await page.InputValueAsync("#sort"));

        await page.SelectOptionAsync("#sort", "relevance");
        await page.WaitForFunctionAsync("() => !new URLSearchParams(location.search).has('sort')");
        await page.WaitForFunctionAsync("() => document.querySelector('.hit .meta')?.textContent.includes('1999')");
    }

    [Fact]
    public async Task Date_filter_and_year_facets_narrow_the_results_and_live_in_the_URL()
    {
        foreach (var (id, date) in new[] { ("dates/a", "2001-05-01"), ("dates/b", "2015"), ("dates/c", "2023-02-03") })
        {
            var added = await server.Client.PostAsJsonAsync("/api/articles", new { id, title = "鸬鹚渔猎 " + date, date, text = $"太湖边的鸬鹚渔猎，记于{date}。" });
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        }
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = "zh-CN" });
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("鸬鹚")));
        await page.WaitForSelectorAsync(".hit");
        Assert.Equal(3, await page.Locator(".hit").CountAsync());

        await page.FillAsync("#from", "2010");
        await page.FillAsync("#to", "2020-12-31");
        await page.ClickAsync("#filters button[type=submit]");
        await page.WaitForFunctionAsync("() => new URLSearchParams(location.search).get('from') === '2010' && document.querySelectorAll('.hit').length === 1");
        Assert.Contains("2015", await page.TextContentAsync(".hit .meta"));
        Assert.Contains("to=2020-12-31", page.Url);

        // Reloading the shared URL gives the same filtered results and fills the inputs again.
        await page.ReloadAsync();
        await page.WaitForSelectorAsync(".hit");
        Assert.Equal(1, await page.Locator(".hit").CountAsync());
        Assert.Equal("2010", await page.InputValueAsync("#from"));

        // A year facet filters to that year.
        await page.ClickAsync("#clear-filters");
        await page.WaitForFunctionAsync("() => !location.search.includes('from=') && document.querySelectorAll('.hit').length === 3");
        await page.ClickAsync("#facets a[data-year='2023']");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.hit').length === 1");
        Assert.Contains("2023-02-03", await page.TextContentAsync(".hit .meta"));
        Assert.Contains("from=2023", page.Url);

        // A date that is not a date is said above the results, and the search runs without it.
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("鸬鹚") + "&from=yesterday"));
        await page.WaitForSelectorAsync(".hit");
        Assert.Contains(await page.Locator("#notices li").AllTextContentsAsync(), n => n.Contains("from=yesterday 不是日期"));
        Assert.Equal(3, await page.Locator(".hit").CountAsync());
    }

    [Fact]
    public async Task Every_passage_has_a_link_that_marks_it_and_a_button_that_copies_a_citation()
    {
        string id = Path.GetFileNameWithoutExtension(TestPaths.SeedArticles[4]);
        var article = await server.Client.GetFromJsonAsync<JsonElement>("/api/articles/" + Uri.EscapeDataString(id));
        var passages = article.GetProperty("passages").EnumerateArray().ToList();
        Assert.True(passages.Count >= 4);
        string text = article.GetProperty("text").GetString()!;
        var third = passages[2];
        string thirdText = text[third.GetProperty("start").GetInt32()..third.GetProperty("end").GetInt32()];

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = "en-US", Permissions = ["clipboard-read", "clipboard-write"] });
        await page.GotoAsync(Url("/articles/" + Uri.EscapeDataString(id) + "#p3"));
        await page.WaitForSelectorAsync("#p3");
        Assert.Equal(passages.Count, await page.Locator("#article-text .passage").CountAsync());
        Assert.True(await page.EvalOnSelectorAsync<bool>("#p3", "p => p.classList.contains('target')"));
        Assert.StartsWith(thirdText, await page.TextContentAsync("#p3"));
        Assert.True(await page.EvalOnSelectorAsync<bool>("#p3", "p => { const r = p.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }"));

        // Copy citation: title, source, date and the passage's link.
        await page.ClickAsync("#p3 button.copy");
        await page.WaitForFunctionAsync("() => document.getElementById('copy-status').textContent.length > 0");
        string copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Contains(article.GetProperty("title").GetString()!, copied);
        Assert.Contains(article.GetProperty("source").GetString()!, copied);
        Assert.Contains("2024-10-15", copied);
        Assert.EndsWith("/articles/" + Uri.EscapeDataString(id) + "#p3", copied);

        // Following another passage's link moves the mark to it.
        await page.ClickAsync("#p4 a.plink");
        await page.WaitForFunctionAsync("() => location.hash === '#p4' && document.getElementById('p4').classList.contains('target')");
        Assert.False(await page.EvalOnSelectorAsync<bool>("#p3", "p => p.classList.contains('target')"));

        // The copied link opens the same passage in a fresh page.
        var fresh = await browser.NewPageAsync();
        await fresh.GotoAsync(copied[copied.IndexOf("http", StringComparison.Ordinal)..]);
        await fresh.WaitForSelectorAsync("#p3");
        Assert.True(await fresh.EvalOnSelectorAsync<bool>("#p3", "p => p.classList.contains('target')"));
        await Screens.SaveAsync(fresh, "article");
    }

    [Fact]
    public async Task A_slow_answer_to_an_older_search_never_replaces_the_results_of_a_newer_one()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = "en-US" });
        // The first search's answer is held back until the second search has shown its results.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/search?*", async route =>
        {
            if (!route.Request.Url.Contains(Uri.EscapeDataString("金鸡湖"))) { await route.ContinueAsync(); return; }
            await release.Task;
            try { await route.ContinueAsync(); } catch (PlaywrightException) { } // the page gave up on it
            answered.TrySetResult();
        });
        string newer;
        try
        {
            await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("金鸡湖")));
            await page.FillAsync("#q", "思必驰");
            await page.PressAsync("#q", "Enter");
            await page.WaitForSelectorAsync(".hit");
            newer = await page.TextContentAsync("#results") ?? "";
            Assert.Contains("思必", newer);
        }
        finally
        {
            release.TrySetResult(); // never leave the held answer waiting
        }
        await answered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Let anything the late answer would do run, then the page still shows the newer search.
        await page.EvaluateAsync("() => new Promise(r => setTimeout(r, 300))");
        Assert.Equal(newer, await page.TextContentAsync("#results"));
        Assert.Equal("思必驰", await page.InputValueAsync("#q"));
    }

    [Fact]
    public async Task A_file_uploaded_through_the_form_opens_and_is_searchable_and_a_bad_file_is_an_inline_error()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = "en-US" });
        await page.GotoAsync(Url("/"));
        await page.ClickAsync("#add-panel summary");

        // Neither text nor file: said inline, nothing sent.
        await page.ClickAsync("#add-form button[type=submit]");
        await page.WaitForSelectorAsync("#add-status .error");

        // A chosen file brings its own title and metadata: the typed fields are disabled (not silently
        // dropped) with a note, and enabled again when the file is cleared.
        await page.FillAsync("#add-form input[name=title]", "typed title");
        await page.SetInputFilesAsync("#add-form input[type=file]", new FilePayload { Name = "a.txt", MimeType = "text/plain", Buffer = "文字"u8.ToArray() });
        foreach (var name in new[] { "title", "source", "date", "author" })
            Assert.True(await page.IsDisabledAsync($"#add-form input[name={name}]"), name);
        Assert.True(await page.IsDisabledAsync("#add-form textarea[name=text]"));
        Assert.Contains("come from the file", await page.TextContentAsync("#file-note"));
        await page.ClickAsync("#lang"); // the note follows the interface language
        Assert.Contains("取自文件本身", await page.TextContentAsync("#file-note"));
        await page.ClickAsync("#lang");
        Assert.Contains("come from the file", await page.TextContentAsync("#file-note"));
        await page.SetInputFilesAsync("#add-form input[type=file]", Array.Empty<FilePayload>());
        Assert.True(await page.IsEnabledAsync("#add-form input[name=title]"));
        Assert.Equal("typed title", await page.InputValueAsync("#add-form input[name=title]"));
        Assert.Equal("", await page.TextContentAsync("#file-note"));
        await page.FillAsync("#add-form input[name=title]", "");

        await page.SetInputFilesAsync("#add-form input[type=file]", new FilePayload
        {
            Name = "notes.exe", MimeType = "application/octet-stream", Buffer = [0x4d, 0x5a, 0x90, 0x00],
        });
        await page.ClickAsync("#add-form button[type=submit]");
        await page.WaitForSelectorAsync("#add-status .error");
        Assert.Contains("notes.exe", await page.TextContentAsync("#add-status"));
        await page.EvalOnSelectorAsync("#add-status .error", "e => e.classList.add('stale')");

        await page.SetInputFilesAsync("#add-form input[type=file]", new FilePayload
        {
            Name = "同里古镇.md", MimeType = "text/markdown",
            Buffer = Encoding.UTF8.GetBytes("# 同里古镇的水巷\n\n同里古镇的水巷纵横交错，退思园建于清代。\n"),
        });
        await page.ClickAsync("#add-form button[type=submit]");
        await page.WaitForFunctionAsync("() => location.pathname.startsWith('/articles/') || document.querySelector('#add-status .error:not(.stale)')");
        Assert.True(page.Url.Contains("/articles/"), await page.TextContentAsync("#add-status"));
        await page.WaitForSelectorAsync("#article-text .passage");
        Assert.Contains("退思园", await page.TextContentAsync("#article-text"));

        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("退思園")));
        await page.WaitForSelectorAsync(".hit");
        Assert.Contains("退思园", await page.TextContentAsync(".hit .snippet"));
    }

    [Fact]
    public async Task On_a_phone_width_screen_nothing_overflows_and_the_keyboard_alone_reaches_a_result()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = "zh-CN", ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true });
        await page.GotoAsync(Url("/"));

        // Keyboard only: Tab to the search box, type, Enter; Tab to the first result, Enter.
        for (int i = 0; i < 10 && await page.EvaluateAsync<string>("() => document.activeElement.id") != "q"; i++) await page.Keyboard.PressAsync("Tab");
        Assert.Equal("q", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync("苏州 人工智能");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync(".hit");
        await Screens.SaveAsync(page, "results-phone");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the results page is wider than the phone");

        string firstTitle = (await page.TextContentAsync(".hit .title"))!;
        bool onResult = false;
        for (int i = 0; i < 40 && !onResult; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            onResult = await page.EvaluateAsync<bool>("() => document.activeElement.matches('.hit .title')");
        }
        Assert.True(onResult, "Tab never reached a result");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#article-text mark#cited");
        Assert.Equal(firstTitle, await page.TextContentAsync("#article-title"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the article view is wider than the phone");

        // The way back leads to the same results.
        Assert.Contains("q=", await page.GetAttributeAsync("#back", "href"));
        await page.ClickAsync("#back");
        await page.WaitForSelectorAsync(".hit");
        Assert.Equal("苏州 人工智能", await page.InputValueAsync("#q"));
    }

    [Fact]
    public async Task In_Simplified_display_an_answer_and_its_cited_quote_agree_character_for_character()
    {
        // The defect this guards: under 简体 the answer read 人工智能内核企业 while its quote said 核心企业.
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = "zh-CN" });
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("核心企业") + "&script=zh-Hans"));
        await page.WaitForSelectorAsync(".hit");
        Assert.DoesNotContain("内核", string.Concat(await page.Locator(".hit").AllTextContentsAsync()));
        Assert.Contains(await page.Locator(".hit mark").AllTextContentsAsync(), m => m.Contains("核心"));

        await page.FillAsync("#question", "苏州聚集了多少家人工智能核心企业？");
        await page.ClickAsync("#ask-form button");
        await page.WaitForSelectorAsync("#answer .citations li q");
        string answer = (await page.TextContentAsync("#answer .answer-text"))!;
        var quotes = await page.Locator("#answer .citations li q").AllTextContentsAsync();
        Assert.Contains("核心企业", answer);
        Assert.DoesNotContain("内核", answer);
        // Every quote shown is in the answer as it is shown (the extractive answer is its quotes).
        Assert.All(quotes, q => Assert.Contains(q, answer));
    }

    [Theory]
    [InlineData("zh-CN", "zh-Hans")]
    [InlineData("en-US", "zh-Hant")]
    public async Task The_script_switch_converts_titles_sources_authors_facets_and_the_article_metadata(string locale, string script)
    {
        // One article written in each script (saying different things: the same text folded is one hit); the switch shows
        // the other one's metadata converted.
        var trad = await server.Client.PutAsJsonAsync("/api/articles/scripts/trad",
            new { title = "鷦鷯與蘇州的鐵路", source = "聯合報", author = "張曉明", date = "2020-05-01", text = "蘇州的鐵路邊有鷦鷯。" });
        var simp = await server.Client.PutAsJsonAsync("/api/articles/scripts/simp",
            new { title = "鹪鹩和苏州的铁路", source = "苏州日报", author = "王晓明", date = "2021-05-01", text = "苏州的铁路旁边常有鹪鹩飞过。" });
        Assert.True(trad.IsSuccessStatusCode && simp.IsSuccessStatusCode);
        var (id, title, source, author, original) = script == "zh-Hans"
            ? ("scripts/trad", "鹪鹩与苏州的铁路", "联合报", "张晓明", "鷦鷯與蘇州的鐵路")
            : ("scripts/simp", "鷦鷯和蘇州的鐵路", "蘇州日報", "王曉明", "鹪鹩和苏州的铁路");
        string storedSource = script == "zh-Hans" ? "聯合報" : "苏州日报";

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("鹪鹩")));
        var hit = page.Locator(".hit", new() { Has = page.Locator($"a.title[href^='/articles/{Uri.EscapeDataString(id)}']") });
        await hit.WaitForAsync();
        Assert.Equal(original, await hit.Locator(".title").TextContentAsync());

        // The switch, as a person uses it.
        await page.SelectOptionAsync("#script", script);
        await page.WaitForFunctionAsync("([sel, t]) => document.querySelector(sel)?.textContent === t",
            new object[] { $".hit a.title[href^='/articles/{Uri.EscapeDataString(id)}']", title });
        Assert.NotEmpty(await hit.Locator(".title mark").AllTextContentsAsync());
        await Screens.SaveAsync(page, $"script-switch-{script}");
        string meta = (await hit.Locator(".meta").First.TextContentAsync())!;
        Assert.Contains(source, meta);
        Assert.Contains(author, meta);
        // The facet shows the name converted and still filters by the stored one.
        var facet = page.Locator($"#facets a[data-source='{storedSource}']");
        Assert.StartsWith(source + " (", await facet.TextContentAsync());
        await facet.ClickAsync();
        await page.WaitForFunctionAsync("s => new URLSearchParams(location.search).get('source') === s", storedSource);
        await hit.WaitForAsync();
        Assert.Equal(1, await page.Locator(".hit").CountAsync());

        // The article view's title and metadata follow the switch too.
        await hit.Locator("a.title").ClickAsync();
        await page.WaitForFunctionAsync("t => document.getElementById('article-title').textContent === t", title);
        string articleMeta = (await page.TextContentAsync("#article-meta"))!;
        Assert.Contains(source, articleMeta);
        Assert.Contains(author, articleMeta);
        Assert.DoesNotContain(storedSource, articleMeta);
    }

    [Theory]
    [InlineData("zh-CN", "标题")]
    [InlineData("en-US", "title")]
    public async Task Suggestions_as_you_type_are_debounced_keyboard_navigable_and_take_pinyin(string locale, string titleLabel)
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        var asked = new List<string>();
        page.Request += (_, r) => { if (r.Url.Contains("/api/suggest")) asked.Add(r.Url); };
        await page.GotoAsync(Url("/"));
        async Task Type(string text) => await page.Locator("#q").PressSequentiallyAsync(text);

        // Four keystrokes in one go (one task of the page, so no timer runs between them): one request, for what was
        // typed last, not one a key.
        await page.FocusAsync("#q");
        await page.EvaluateAsync("() => { const q = document.getElementById('q'); for (const s of ['s', 'su', 'suz', 'suzh']) { q.value = s; q.dispatchEvent(new Event('input')); } }");
        await page.WaitForSelectorAsync("#suggestions li");
        Assert.Single(asked);
        Assert.Contains("q=suzh", asked[0]);
        Assert.Equal("true", await page.GetAttributeAsync("#q", "aria-expanded"));
        var first = page.Locator("#suggestions li").First;
        Assert.Equal("苏州", await first.Locator(".text").TextContentAsync());
        Assert.Equal("suzhou", await first.Locator(".reading").TextContentAsync());
        await Screens.SaveAsync(page, $"suggestions-{locale}");

        // Down, down, up: the first is active again; Enter searches it.
        await page.PressAsync("#q", "ArrowDown");
        await page.PressAsync("#q", "ArrowDown");
        await page.PressAsync("#q", "ArrowUp");
        Assert.Equal("suggestion-0", await page.GetAttributeAsync("#q", "aria-activedescendant"));
        Assert.Equal("true", await first.GetAttributeAsync("aria-selected"));
        await page.PressAsync("#q", "Enter");
        await page.WaitForFunctionAsync("() => new URLSearchParams(location.search).get('q') === '苏州'");
        await page.WaitForSelectorAsync(".hit");
        Assert.True(await page.Locator("#suggestions").IsHiddenAsync());

        // Escape closes the list and leaves what was typed.
        await page.FillAsync("#q", "");
        await Type("蘇州與");
        await page.WaitForSelectorAsync("#suggestions li[data-kind='title']");
        Assert.Equal(titleLabel, await page.Locator("#suggestions li[data-kind='title'] .kind").First.TextContentAsync());
        await page.PressAsync("#q", "Escape");
        Assert.True(await page.Locator("#suggestions").IsHiddenAsync());
        Assert.Equal("蘇州與", await page.InputValueAsync("#q"));

        // A title opens its article.
        await Type("思");
        await page.WaitForSelectorAsync("#suggestions li[data-kind='title']");
        await page.Locator("#suggestions li[data-kind='title']").First.ClickAsync();
        await page.WaitForFunctionAsync("() => location.pathname.startsWith('/articles/')");
        await page.WaitForFunctionAsync("() => document.getElementById('article-title').textContent.startsWith('蘇州與思必馳')");
    }

    [Theory]
    [InlineData("zh-CN", "你是不是要找：")]
    [InlineData("en-US", "Did you mean: ")]
    public async Task Nothing_found_offers_the_query_mended_from_the_index_and_one_click_searches_it(string locale, string label)
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        // A search waits only briefly for the vocabulary to be built; a suggestion waits for it.
        Assert.True((await server.Client.GetAsync("/api/suggest?q=x")).IsSuccessStatusCode);
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("苏洲")));
        await page.WaitForSelectorAsync("#notices .did-you-mean a");
        Assert.Equal(label + "苏州", await page.TextContentAsync("#notices .did-you-mean"));
        await Screens.SaveAsync(page, $"did-you-mean-{locale}");
        await page.ClickAsync("#notices .did-you-mean a");
        await page.WaitForFunctionAsync("() => new URLSearchParams(location.search).get('q') === '苏州'");
        await page.WaitForSelectorAsync(".hit");
        Assert.Equal(0, await page.Locator("#notices .did-you-mean").CountAsync());
    }

    [Theory]
    [InlineData("zh-CN", "from=1x 不是日期", "没有编号为“no/such”的文章")]
    [InlineData("en-US", "from=1x is not a date", "there is no article with id 'no/such'")]
    public async Task Messages_from_the_server_come_in_the_interface_language(string locale, string notice, string missing)
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("苏州") + "&from=1x"));
        await page.WaitForSelectorAsync("#notices li[data-code='filter-not-a-date']");
        Assert.StartsWith(notice, await page.TextContentAsync("#notices li[data-code='filter-not-a-date']"));
        // A problem (here: an article that is not there) too.
        await page.GotoAsync(Url("/articles/" + Uri.EscapeDataString("no/such")));
        await page.WaitForFunctionAsync("() => document.getElementById('article-text').textContent.length > 5 && !document.getElementById('article-text').textContent.endsWith('…')");
        Assert.Contains(missing, await page.TextContentAsync("#article-text"));
    }

    [Theory]
    [InlineData("zh-CN", "zh-Hans")]
    [InlineData("en-US", "zh-Hant")]
    public async Task Snippets_are_cut_at_boundaries_with_an_ellipsis_and_never_split_a_highlight(string locale, string script)
    {
        // One long paragraph: the snippet must be a window of it. Its sentences end with 。, so a cut falls after one.
        string sentence = "湖边的村庄世代以打鱼为生，渔民们清晨出发，傍晚归来。";
        string text = string.Concat(Enumerable.Repeat(sentence, 6)) + "这里的白鹭数量逐年增加，引来许多观鸟的人。" + string.Concat(Enumerable.Repeat(sentence, 6));
        var added = await server.Client.PutAsJsonAsync("/api/articles/snippets/long", new { title = "湖边的村庄", text });
        Assert.True(added.IsSuccessStatusCode);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("白鹭") + "&script=" + script));
        await page.WaitForSelectorAsync(".hit .snippet mark");
        string snippet = (await page.TextContentAsync(".hit .snippet"))!;
        Assert.StartsWith("…", snippet);
        Assert.EndsWith("…", snippet);
        // It starts at the sentence that holds the match, and ends after a sentence.
        Assert.StartsWith(script == "zh-Hant" ? "…這裏的" : "…这里的", snippet);
        Assert.EndsWith("。…", snippet);
        var marks = await page.Locator(".hit .snippet mark").AllTextContentsAsync();
        Assert.All(marks, m => Assert.Equal(script == "zh-Hant" ? "白鷺" : "白鹭", m));
        Assert.NotEmpty(marks);
    }

    [Theory]
    [InlineData("zh-CN", "去掉“-苏州”")]
    [InlineData("en-US", "without -苏州")]
    public async Task Nothing_found_for_several_words_offers_the_query_without_each_of_them(string locale, string label)
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        // Every article about 思必驰 mentions 苏州: excluding it leaves nothing.
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("思必驰 -苏州")));
        await page.WaitForSelectorAsync("#notices a.none-without");
        var links = await page.Locator("#notices a.none-without").AllTextContentsAsync();
        Assert.Equal(2, links.Count);
        Assert.Contains(label, links);
        await page.Locator("#notices a.none-without", new() { HasTextString = "-苏州" }).ClickAsync();
        await page.WaitForFunctionAsync("() => new URLSearchParams(location.search).get('q') === '思必驰'");
        await page.WaitForSelectorAsync(".hit");
    }

    [Theory]
    [InlineData("zh-CN", "zh-Hant", "蘇州")]
    [InlineData("en-US", "zh-Hans", "苏州")]
    public async Task Suggestions_follow_the_display_script(string locale, string script, string expected)
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        await page.GotoAsync(Url("/?script=" + script));
        // Typed in the other script than the one shown, and as pinyin: both complete in the display script.
        foreach (string typed in new[] { script == "zh-Hant" ? "苏" : "蘇", "suzh" })
        {
            await page.FillAsync("#q", "");
            await page.Locator("#q").PressSequentiallyAsync(typed);
            await page.WaitForFunctionAsync("t => [...document.querySelectorAll('#suggestions li .text')].some(e => e.textContent === t)", expected);
        }
    }

    [Theory]
    [InlineData("zh-CN", "最接近的段落")]
    [InlineData("en-US", "The closest passages")]
    public async Task A_question_the_corpus_cannot_answer_shows_why_what_was_searched_and_the_closest_passages(string locale, string reason)
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        await page.GotoAsync(Url("/"));
        await page.FillAsync("#question", "深圳有多少家人工智能企业？");
        await page.ClickAsync("#ask-form button");
        await page.WaitForSelectorAsync("#answer .not-found");
        // Why, in the page's language, whatever language the question was asked in.
        Assert.StartsWith(reason, await page.TextContentAsync("#answer .reason"));
        Assert.Contains("深圳", await page.TextContentAsync("#answer .searched"));
        var closest = page.Locator("#answer .closest li a");
        Assert.True(await closest.CountAsync() >= 1);
        Assert.Matches(@"^/articles/[^?]+\?start=\d+&end=\d+", await closest.First.GetAttributeAsync("href"));
        Assert.False(string.IsNullOrWhiteSpace(await page.Locator("#answer .closest li q").First.TextContentAsync()));
        // No citation is shown as if it answered.
        Assert.Equal(0, await page.Locator("#answer .citations").CountAsync());
    }

    [Theory]
    [InlineData("zh-CN", "(多音)")]
    [InlineData("en-US", "(polyphonic)")]
    public async Task A_polyphonic_term_shows_each_reading_and_says_so(string locale, string marker)
    {
        // 重点 (in the seed articles) reads zhongdian or chongdian.
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        await page.GotoAsync(Url("/"));
        await page.Locator("#q").PressSequentiallyAsync("zhongdi");
        var item = page.Locator("#suggestions li", new() { Has = page.Locator(".text", new() { HasTextString = "重点" }) });
        await item.WaitForAsync();
        string reading = (await item.Locator(".reading").TextContentAsync())!;
        Assert.Contains("zhongdian", reading);
        Assert.Contains("chongdian", reading);
        Assert.EndsWith(marker, reading);
        Assert.Contains("polyphonic", await item.Locator(".reading").GetAttributeAsync("class"));
    }

    [Theory]
    [InlineData("zh-CN", "标题中匹配", "英文译词匹配：")]
    [InlineData("en-US", "Matched in the title", "Matched the translations: ")]
    public async Task A_hit_that_matched_by_its_title_or_a_translation_says_so(string locale, string byTitle, string byTranslation)
    {
        // The title holds the word; the text does not.
        var added = await server.Client.PutAsJsonAsync("/api/articles/why/title", new { title = "鹧鸪的歌", text = "山里常常听到一种鸟在叫。" });
        Assert.True(added.IsSuccessStatusCode);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = locale });
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("鹧鸪")));
        var hit = page.Locator(".hit", new() { Has = page.Locator("a.title[href^='/articles/why%2Ftitle']") });
        await hit.WaitForAsync();
        Assert.Equal(byTitle, await hit.Locator(".why").TextContentAsync());

        // An English query: each hit names the translations it holds.
        await page.GotoAsync(Url("/?q=" + Uri.EscapeDataString("artificial intelligence")));
        await page.WaitForSelectorAsync(".hit .why");
        string why = (await page.Locator(".hit .why").First.TextContentAsync())!;
        Assert.StartsWith(byTranslation, why);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", why[byTranslation.Length..]);
    }
}
