using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SourceSearch.Web.Tests;

/// <summary>
/// The app started through its own entry point (Program) by WebApplicationFactory, served by Kestrel on a
/// loopback port (not the in-memory TestServer), over a fresh index in a temporary folder.
/// </summary>
public sealed class SourceSearchFactory : WebApplicationFactory<Program>
{
    public const string Token = "factory-token-0123";
    public string IndexDirectory { get; } = TestPaths.NewTempDirectory();

    public SourceSearchFactory() => UseKestrel(0);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Index", IndexDirectory);
        builder.UseSetting("Web:Corpus", TestPaths.Corpus);
        builder.UseSetting("Text:UserDictionary", Path.Combine(TestPaths.Corpus, "userdict.txt"));
        builder.UseSetting(Api.WriteAccess.TokenSetting, Token);
        builder.UseSetting("Web:MaxQueryLength", "200");
        builder.UseSetting("Llm:Endpoint", "");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(IndexDirectory, recursive: true); } catch (IOException) { }
    }
}

public sealed class FactoryApiTests(SourceSearchFactory factory) : IClassFixture<SourceSearchFactory>
{
    private HttpClient Client(bool withToken = false)
    {
        factory.StartServer();
        var client = factory.CreateClient();
        if (withToken) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SourceSearchFactory.Token);
        return client;
    }

    [Fact]
    public async Task Serves_on_a_real_loopback_port_and_searches_the_corpus_with_unescaped_CJK()
    {
        using var client = Client();
        Assert.True(client.BaseAddress!.IsLoopback);
        Assert.NotEqual(0, client.BaseAddress.Port);
        using var response = await client.GetAsync("/api/search?q=" + Uri.EscapeDataString("蘇州 人工智能") + "&script=zh-Hant");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string raw = await response.Content.ReadAsStringAsync();
        Assert.Contains("蘇州", raw);
        Assert.DoesNotMatch(@"\\u(?!00)[0-9a-fA-F]{4}", raw); // only ASCII punctuation may be escaped, never CJK
        var body = JsonDocument.Parse(raw).RootElement;
        Assert.Equal(5, body.GetProperty("total").GetInt32());
        foreach (var hit in body.GetProperty("hits").EnumerateArray())
        {
            string snippet = hit.GetProperty("snippet").GetString()!;
            var marks = hit.GetProperty("highlights").EnumerateArray()
                .Select(h => snippet[h.GetProperty("snippetStart").GetInt32()..h.GetProperty("snippetEnd").GetInt32()]).ToList();
            Assert.Contains(marks, m => m.Contains("蘇州") || m.Contains("人工智能") || m.Contains("人工智慧"));
        }
    }

    [Fact]
    public async Task Ask_answers_with_citations_whose_quotes_are_the_article_text()
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/api/ask", new { question = "苏州人工智能产业规模有多大？" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("found").GetBoolean());
        Assert.Equal("extractive", answer.GetProperty("mode").GetString());
        var citations = answer.GetProperty("citations").EnumerateArray().ToList();
        Assert.NotEmpty(citations);
        foreach (var c in citations)
        {
            var article = await client.GetFromJsonAsync<JsonElement>("/api/articles/" + Uri.EscapeDataString(c.GetProperty("id").GetString()!));
            string text = article.GetProperty("text").GetString()!;
            Assert.Equal(c.GetProperty("quote").GetString(), text[c.GetProperty("start").GetInt32()..c.GetProperty("end").GetInt32()]);
            Assert.Equal(article.GetProperty("title").GetString(), c.GetProperty("title").GetString());
            Assert.Contains($"[{c.GetProperty("n").GetInt32()}]", answer.GetProperty("answer").GetString());
        }
    }

    [Fact]
    public async Task Add_replace_and_delete_need_the_token_and_change_what_search_finds()
    {
        const string id = "factory/a b#1";
        string path = "/api/articles/" + Uri.EscapeDataString(id);
        using var anonymous = Client();
        using var admin = Client(withToken: true);

        using (var refused = await anonymous.PostAsJsonAsync("/api/articles", new { id, text = "甪直古镇的保圣寺" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(0, await Total(anonymous, "保圣寺"));

        using (var added = await admin.PostAsJsonAsync("/api/articles", new { id, title = "甪直", text = "甪直古镇的保圣寺", date = "2020-01-02" }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            Assert.Equal(path, added.Headers.Location?.OriginalString);
        }
        Assert.Equal(1, await Total(anonymous, "保聖寺"));

        using (var replaced = await admin.PutAsJsonAsync(path, new { title = "甪直", text = "甪直古镇的万盛米行" }))
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(0, await Total(anonymous, "保圣寺"));
        Assert.Equal(1, await Total(anonymous, "万盛米行"));

        using (var refused = await anonymous.DeleteAsync(path)) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using (var deleted = await admin.DeleteAsync(path)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, await Total(anonymous, "万盛米行"));
        using (var gone = await anonymous.GetAsync(path)) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Theory]
    [InlineData("/api/search", "the query is empty")]
    [InlineData("/api/search?q=%E8%8B%8F%E5%B7%9E&page=0", "page")]
    [InlineData("/api/search?q=%E8%8B%8F%E5%B7%9E&size=abc", "size")]
    [InlineData("/api/search?q=%E8%8B%8F%E5%B7%9E&script=klingon", "unknown script")]
    [InlineData("/api/articles/no%20such%20article", "no article")]
    public async Task Bad_requests_are_problem_details_that_say_what_to_do(string url, string says)
    {
        using var client = Client();
        using var response = await client.GetAsync(url);
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(says, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_configured_query_length_limit_and_broken_JSON_are_refused_with_a_reason()
    {
        using var client = Client(withToken: true);
        using (var tooLong = await client.GetAsync("/api/search?q=" + new string('苏', 201)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
            Assert.Contains("at most 200", (await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        using var broken = await client.PostAsync("/api/articles", new StringContent("{\"text\": \"未完", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<int> Total(HttpClient client, string q) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/search?q=" + Uri.EscapeDataString(q))).GetProperty("total").GetInt32();
}
