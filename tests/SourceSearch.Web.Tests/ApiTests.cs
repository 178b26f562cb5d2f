using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SourceSearch.Web.Tests;

public sealed class ApiTests(WebServer server) : IClassFixture<WebServer>
{
    private HttpClient Client => server.Client;

    private static string Enc(string s) => Uri.EscapeDataString(s);

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Client.GetAsync(url);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<string> ArticleTextAsync(string id) =>
        (await GetJsonAsync("/api/articles/" + Enc(id))).GetProperty("text").GetString()!;

    [Fact]
    public async Task Problem_details_and_results_read_as_written_quotes_and_CJK_unescaped()
    {
        var bad = await Client.GetAsync("/api/search?q=" + Enc("苏州") + "&sort=sideways");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        string raw = await bad.Content.ReadAsStringAsync();
        Assert.Contains("unknown sort 'sideways'", raw);
        Assert.DoesNotContain("\\u0027", raw);
        string results = await Client.GetStringAsync("/api/search?q=" + Enc("蘇州"));
        Assert.Contains("蘇州", results);
    }

    [Fact]
    public async Task Healthz_counts_the_corpus()
    {
        var health = await GetJsonAsync("/healthz");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("articles").GetInt64() >= 5);
        Assert.False(health.GetProperty("readOnly").GetBoolean());
    }

    [Fact]
    public async Task Traditional_query_finds_Simplified_articles_with_highlights_on_the_right_characters()
    {
        var r = await GetJsonAsync("/api/search?q=" + Enc("蘇州") + "&size=10");
        Assert.True(r.GetProperty("total").GetInt32() >= 4);
        Assert.True(r.TryGetProperty("took_ms", out _));
        Assert.Contains("苏州", r.GetProperty("understood").GetProperty("clauses")[0].GetProperty("terms").EnumerateArray().Select(t => t.GetString()));
        bool sawSimplified = false;
        foreach (var hit in r.GetProperty("hits").EnumerateArray())
        {
            string id = hit.GetProperty("id").GetString()!;
            string text = await ArticleTextAsync(id);
            string snippet = hit.GetProperty("snippet").GetString()!;
            Assert.NotEmpty(hit.GetProperty("highlights").EnumerateArray());
            foreach (var h in hit.GetProperty("highlights").EnumerateArray())
            {
                string inArticle = text[h.GetProperty("start").GetInt32()..h.GetProperty("end").GetInt32()];
                string inSnippet = snippet[h.GetProperty("snippetStart").GetInt32()..h.GetProperty("snippetEnd").GetInt32()];
                Assert.Contains(inArticle, new[] { "苏州", "蘇州" });
                Assert.Equal(inArticle, inSnippet);
            }
            sawSimplified |= hit.GetProperty("script").GetString() == "Simplified";
        }
        Assert.True(sawSimplified);
        Assert.True(r.GetProperty("facets").GetProperty("sources").EnumerateObject().Any());
    }

    [Fact]
    public async Task Display_script_converts_the_snippet_and_keeps_highlights_on_it()
    {
        var r = await GetJsonAsync("/api/search?q=" + Enc("苏州") + "&script=zh-Hant");
        foreach (var hit in r.GetProperty("hits").EnumerateArray())
        {
            string snippet = hit.GetProperty("snippet").GetString()!;
            foreach (var h in hit.GetProperty("highlights").EnumerateArray())
                Assert.Equal("蘇州", snippet[h.GetProperty("snippetStart").GetInt32()..h.GetProperty("snippetEnd").GetInt32()]);
        }
    }

    [Fact]
    public async Task Json_keeps_CJK_unescaped()
    {
        string raw = await Client.GetStringAsync("/api/search?q=" + Enc("蘇州"));
        Assert.Contains("苏州", raw);
        Assert.DoesNotContain("\\u82CF", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ask_cites_quotes_that_are_the_article_text_at_their_offsets()
    {
        var response = await Client.PostAsJsonAsync("/api/ask", new { question = "苏州人工智能产业规模有多大？" });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var a = JsonDocument.Parse(body).RootElement;
        Assert.True(a.GetProperty("found").GetBoolean());
        Assert.Contains(a.GetProperty("mode").GetString(), new[] { "extractive", "llm" });
        var citations = a.GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        foreach (var c in citations)
        {
            string text = await ArticleTextAsync(c.GetProperty("id").GetString()!);
            Assert.Equal(text[c.GetProperty("start").GetInt32()..c.GetProperty("end").GetInt32()], c.GetProperty("quote").GetString());
        }
    }

    [Fact]
    public async Task Ask_not_found_gives_the_closest_passages_and_why()
    {
        var response = await Client.PostAsJsonAsync("/api/ask", new { question = "深圳有多少家人工智能企业？" });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var a = JsonDocument.Parse(body).RootElement;
        Assert.False(a.GetProperty("found").GetBoolean());
        Assert.Empty(a.GetProperty("citations").EnumerateArray());
        var closest = a.GetProperty("closest").EnumerateArray().ToList();
        Assert.NotEmpty(closest);
        foreach (var c in closest)
        {
            string text = await ArticleTextAsync(c.GetProperty("id").GetString()!);
            Assert.Equal(text[c.GetProperty("start").GetInt32()..c.GetProperty("end").GetInt32()], c.GetProperty("quote").GetString());
            Assert.False(string.IsNullOrEmpty(c.GetProperty("title").GetString()));
        }
        Assert.False(string.IsNullOrEmpty(a.GetProperty("reason").GetString()));
        Assert.False(string.IsNullOrEmpty(a.GetProperty("reasonText").GetString()));
        Assert.Contains("深圳", a.GetProperty("searched").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Ask_stream_sends_the_answer_as_an_event()
    {
        string body = await Client.GetStringAsync("/api/ask/stream?question=" + Enc("苏州人工智能产业规模有多大？"));
        string? data = body.Split('\n').FirstOrDefault(l => l.StartsWith("data: {", StringComparison.Ordinal));
        Assert.Contains("event: answer", body);
        Assert.NotNull(data);
        var a = JsonDocument.Parse(data["data: ".Length..]).RootElement;
        Assert.True(a.GetProperty("found").GetBoolean());
    }

    [Fact]
    public async Task Article_crud_with_an_id_holding_slash_hash_and_spaces()
    {
        const string id = "web tests/a b#c 1";
        const string text = "這是一篇測試文章，講述蘇州的園林。\n\n第二段：拙政園很有名。";
        var created = await Client.PostAsJsonAsync("/api/articles", new { id, title = "蘇州園林", text, source = "測試", date = "2025-01-02" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var written = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, written.GetProperty("id").GetString());

        var again = await Client.PostAsJsonAsync("/api/articles", new { id, title = "x", text = "再一次" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var article = await GetJsonAsync("/api/articles/" + Enc(id));
        Assert.Equal(text, article.GetProperty("text").GetString());
        Assert.Equal("2025-01-02", article.GetProperty("date").GetString());
        foreach (var p in article.GetProperty("passages").EnumerateArray())
            Assert.InRange(p.GetProperty("end").GetInt32(), 1, text.Length);

        var shown = await GetJsonAsync("/api/articles/" + Enc(id) + "?script=zh-Hans&start=11&end=13");
        var display = shown.GetProperty("display");
        string shownText = display.GetProperty("text").GetString()!;
        var mark = display.GetProperty("mark");
        Assert.Equal("苏州", shownText[mark.GetProperty("start").GetInt32()..mark.GetProperty("end").GetInt32()]);

        var found = await GetJsonAsync("/api/search?q=" + Enc("拙政园"));
        Assert.Contains(id, found.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()));

        var put = await Client.PutAsJsonAsync("/api/articles/" + Enc(id), new { title = "蘇州園林", text = text + "\n\n第三段：獅子林。" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.EndsWith("獅子林。", await ArticleTextAsync(id));

        var deleted = await Client.DeleteAsync("/api/articles/" + Enc(id));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var gone = await Client.GetAsync("/api/articles/" + Enc(id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync("/api/articles/" + Enc(id))).StatusCode);
    }

    [Fact]
    public async Task An_article_without_an_id_gets_one()
    {
        var created = await Client.PostAsJsonAsync("/api/articles", new { title = "无编号", text = "一篇没有编号的文章，关于杭州。" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.StartsWith("web/", id);
        Assert.Equal(created.Headers.Location!.ToString(), "/api/articles/" + Enc(id));
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/articles/" + Enc(id))).StatusCode);
    }

    public static TheoryData<string> BadSearches => new()
    {
        "/api/search",
        "/api/search?q=",
        "/api/search?q=%20%20",
        "/api/search?q=" + Uri.EscapeDataString(new string('蘇', 10_000)),
        "/api/search?q=a&page=0",
        "/api/search?q=a&page=-3",
        "/api/search?q=a&page=abc",
        "/api/search?q=a&page=99999999999999",
        "/api/search?q=a&size=0",
        "/api/search?q=a&size=100000",
        "/api/search?q=a&script=klingon",
        "/api/search?q=a&sort=random",
        "/api/nothing-here",
        "/api/search?q=-only",
        "/api/articles/",
        "/api/articles/x?script=zz",
        "/api/ask/stream",
        "/api/ask/stream?question=" + Uri.EscapeDataString(new string('问', 10_000)),
    };

    [Theory]
    [MemberData(nameof(BadSearches))]
    public async Task Bad_queries_get_problem_details_not_500(string url)
    {
        var response = await Client.GetAsync(url);
        await AssertProblemAsync(response);
    }

    public static TheoryData<string, string?> BadBodies => new()
    {
        { "{\"question\": ", "application/json" },
        { "not json", "application/json" },
        { "null", "application/json" },
        { "[1,2]", "application/json" },
        { "{\"question\": 5}", "application/json" },
        { "{}", "application/json" },
        { "{\"question\": \"苏州\"}", "text/plain" },
        { "{\"question\": \"苏州\", \"script\": \"zh-XX\"}", "application/json" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_ask_bodies_get_problem_details(string body, string? type)
    {
        var content = new StringContent(body, Encoding.UTF8, type ?? "application/json");
        await AssertProblemAsync(await Client.PostAsync("/api/ask", content));
    }

    [Theory]
    [InlineData("{\"title\": \"no text\"}")]
    [InlineData("{\"title\": \"blank\", \"text\": \"   \"}")]
    [InlineData("{\"title\": \"bad date\", \"text\": \"正文\", \"date\": \"yesterday\"}")]
    [InlineData("{\"title\": 1")]
    public async Task Bad_articles_get_problem_details(string body)
    {
        await AssertProblemAsync(await Client.PostAsync("/api/articles", new StringContent(body, Encoding.UTF8, "application/json")));
        await AssertProblemAsync(await Client.PutAsync("/api/articles/x", new StringContent(body, Encoding.UTF8, "application/json")));
    }

    [Fact]
    public async Task Put_with_a_different_id_in_the_body_is_refused()
    {
        var response = await Client.PutAsJsonAsync("/api/articles/one", new { id = "two", text = "正文" });
        await AssertProblemAsync(response);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), body);
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("GET", "/api/search?q=", "query-empty")]
    [InlineData("GET", "/api/search?q=x&sort=up", "unknown-sort")]
    [InlineData("GET", "/api/search?q=x&page=0", "not-a-count")]
    [InlineData("GET", "/api/articles/no%2Fsuch", "no-such-article")]
    [InlineData("GET", "/api/nothing/here", "not-found")]
    [InlineData("DELETE", "/api/search", "method-not-allowed")]
    [InlineData("POST", "/api/ask", "not-json")]
    public async Task Every_problem_has_a_code_and_a_Chinese_text(string method, string url, string code)
    {
        var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
        Assert.False(response.IsSuccessStatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        string zh = problem.GetProperty("zh").GetString()!;
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", zh);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Search_notices_have_a_code_and_both_languages()
    {
        var r = await GetJsonAsync("/api/search?q=" + Enc("苏州 OR") + "&from=13x");
        var notices = r.GetProperty("notices").EnumerateArray().ToList();
        Assert.Contains(notices, n => n.GetProperty("code").GetString() == "or-without-right");
        var date = Assert.Single(notices, n => n.GetProperty("code").GetString() == "filter-not-a-date");
        Assert.Contains("is not a date", date.GetProperty("text").GetString());
        Assert.Contains("不是日期", date.GetProperty("zh").GetString());
    }

    [Fact]
    public async Task OpenApi_document_lists_the_api()
    {
        var doc = await GetJsonAsync("/openapi/v1.json");
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/search", paths);
        Assert.Contains("/api/ask", paths);
        Assert.Contains("/api/suggest", paths);
    }

    [Fact]
    public async Task Suggest_completes_Chinese_and_pinyin_in_the_asked_script_and_titles_with_their_ids()
    {
        var hanzi = await GetJsonAsync("/api/suggest?q=" + Enc("苏"));
        var texts = hanzi.GetProperty("suggestions").EnumerateArray().Select(s => s.GetProperty("text").GetString()).ToList();
        Assert.Contains("苏州", texts);
        Assert.True(hanzi.GetProperty("took_ms").GetDouble() >= 0);

        var pinyin = await GetJsonAsync("/api/suggest?q=suzh&script=zh-Hant");
        var suzhou = pinyin.GetProperty("suggestions").EnumerateArray().Single(s => s.GetProperty("text").GetString() == "蘇州");
        Assert.Equal("term", suzhou.GetProperty("kind").GetString());
        Assert.Equal("suzhou", suzhou.GetProperty("pinyin")[0].GetString());
        Assert.False(suzhou.GetProperty("polyphonic").GetBoolean());

        // A title that starts with the query, in either script, with the article to open.
        var titles = await GetJsonAsync("/api/suggest?q=" + Enc("蘇州與"));
        var title = titles.GetProperty("suggestions").EnumerateArray().First(s => s.GetProperty("kind").GetString() == "title");
        Assert.StartsWith("蘇州與思必馳", title.GetProperty("text").GetString());
        Assert.Equal("000_a64fa134920c1ffb", title.GetProperty("id").GetString());

        // Nothing typed yet: nothing to suggest, and no error.
        Assert.Equal(0, (await GetJsonAsync("/api/suggest?q=")).GetProperty("suggestions").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/suggest", "?q=")]
    [InlineData("/api/suggest?q=su&size=0", "'size'")]
    [InlineData("/api/suggest?q=su&size=abc", "'size'")]
    [InlineData("/api/suggest?q=su&size=1000", "'size'")]
    [InlineData("/api/suggest?q=su&script=klingon", "unknown script")]
    public async Task Suggest_refuses_bad_input_with_a_problem_that_says_what_to_send(string url, string says)
    {
        var response = await Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(says, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Suggest_refuses_a_query_longer_than_the_limit()
    {
        var response = await Client.GetAsync("/api/suggest?q=" + new string('苏', 3000));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_search_that_finds_nothing_offers_what_the_index_holds()
    {
        // A search waits only briefly for the vocabulary to be built; a suggestion waits for it.
        await GetJsonAsync("/api/suggest?q=x");
        var none = await GetJsonAsync("/api/search?q=" + Enc("苏洲"));
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        Assert.Equal("苏州", none.GetProperty("didYouMean").GetString());
        // Pinyin typed without tones that is no English word: searched as written, it finds nothing, and the term is
        // offered. (suzhou reads as English, the name, and is translated to 苏州 instead.)
        var pinyin = await GetJsonAsync("/api/search?q=rengongzhineng");
        Assert.Equal(0, pinyin.GetProperty("total").GetInt32());
        Assert.Equal("人工智能", pinyin.GetProperty("didYouMean").GetString());
        var found = await GetJsonAsync("/api/search?q=" + Enc("苏州"));
        Assert.False(found.TryGetProperty("didYouMean", out _));
    }

    [Fact]
    public async Task The_page_is_served_at_the_root_and_for_article_links()
    {
        string page = await Client.GetStringAsync("/?q=" + Enc("蘇州"));
        Assert.Contains("app.js", page);
        string article = await Client.GetStringAsync("/articles/" + Enc("a/b #c"));
        Assert.Contains("app.js", article);
        Assert.Contains("textContent", await Client.GetStringAsync("/app.js"));
    }
}

public sealed class WriteAccessTests(TokenServer fixture) : IClassFixture<TokenServer>
{
    [Fact]
    public async Task Writing_needs_the_token_when_one_is_set()
    {
        var server = fixture.Server;
        var article = new { id = "token test", title = "令牌", text = "需要令牌才能写入。" };
        var none = await server.Client.PostAsJsonAsync("/api/articles", article);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);

        using var wrong = server.ClientWithToken("not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsJsonAsync("/api/articles", article)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.DeleteAsync("/api/articles/x")).StatusCode);

        using var right = server.ClientWithToken("s3cret-token");
        Assert.Equal(HttpStatusCode.Created, (await right.PostAsJsonAsync("/api/articles", article)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await right.DeleteAsync("/api/articles/" + Uri.EscapeDataString("token test"))).StatusCode);

        // Reading needs no token.
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/api/search?q=%E8%8B%8F%E5%B7%9E")).StatusCode);
    }

    [Fact]
    public void Without_a_token_only_loopback_may_write()
    {
        var local = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        local.Connection.RemoteIpAddress = IPAddress.Loopback;
        Assert.Null(Api.WriteAccess.Refusal(local, null));
        local.Connection.RemoteIpAddress = IPAddress.IPv6Loopback;
        Assert.Null(Api.WriteAccess.Refusal(local, ""));

        var remote = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        remote.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
        Assert.NotNull(Api.WriteAccess.Refusal(remote, null));
    }
}
