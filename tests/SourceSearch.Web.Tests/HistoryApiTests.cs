using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SourceSearch.Web.Tests;

/// <summary>GET /api/articles/{id}/history and POST /api/articles/{id}/restore.</summary>
public sealed class HistoryApiTests(WebServer server) : IClassFixture<WebServer>
{
    private HttpClient Client => server.Client;

    private static string Enc(string s) => Uri.EscapeDataString(s);

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<string> TextAsync(string id) =>
        (await JsonOf(await Client.GetAsync("/api/articles/" + Enc(id)), HttpStatusCode.OK)).GetProperty("text").GetString()!;

    private async Task<int> TotalAsync(string q) =>
        (await JsonOf(await Client.GetAsync("/api/search?q=" + Enc(q)), HttpStatusCode.OK)).GetProperty("total").GetInt32();

    [Fact]
    public async Task Put_and_delete_are_logged_and_a_version_comes_back_with_restore()
    {
        const string id = "news/2024 #history";   // '/', ' ' and '#' in the id: percent-encoded as one segment
        await JsonOf(await Client.PutAsJsonAsync("/api/articles/" + Enc(id), new { title = "初版", text = "滄浪亭是蘇州最古老的園林。" }), HttpStatusCode.Created);
        await JsonOf(await Client.PutAsJsonAsync("/api/articles/" + Enc(id), new { title = "二版", text = "獅子林以假山聞名。" }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/articles/" + Enc(id))).StatusCode);
        Assert.Equal(0, await TotalAsync("獅子林"));

        var history = await JsonOf(await Client.GetAsync($"/api/articles/{Enc(id)}/history"), HttpStatusCode.OK);
        Assert.Equal(id, history.GetProperty("id").GetString());
        Assert.False(history.GetProperty("exists").GetBoolean());
        Assert.Equal(30, history.GetProperty("restoreDays").GetInt32());
        var versions = history.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["replace", "delete"], versions.Select(v => v.GetProperty("action").GetString()));
        Assert.All(versions, v => Assert.Equal("loopback", v.GetProperty("who").GetString()));
        Assert.All(versions, v => Assert.Equal("127.0.0.1", v.GetProperty("address").GetString()));
        Assert.All(versions, v => Assert.True(v.GetProperty("restorable").GetBoolean()));
        Assert.Equal(["初版", "二版"], versions.Select(v => v.GetProperty("title").GetString()));
        Assert.True(DateTimeOffset.UtcNow - versions[1].GetProperty("at").GetDateTimeOffset() < TimeSpan.FromMinutes(5));

        // Default: the latest version kept (what was deleted).
        var restored = await JsonOf(await Client.PostAsync($"/api/articles/{Enc(id)}/restore", null), HttpStatusCode.OK);
        Assert.Equal(2, restored.GetProperty("version").GetInt32());
        Assert.Equal("獅子林以假山聞名。", await TextAsync(id));
        Assert.Equal(1, await TotalAsync("獅子林"));

        await JsonOf(await Client.PostAsync($"/api/articles/{Enc(id)}/restore?version=1", null), HttpStatusCode.OK);
        Assert.Equal("滄浪亭是蘇州最古老的園林。", await TextAsync(id));
        Assert.Equal(0, await TotalAsync("獅子林"));

        // Restoring what the article already holds is refused, and changes nothing.
        var same = await JsonOf(await Client.PostAsync($"/api/articles/{Enc(id)}/restore?version=1", null), HttpStatusCode.Conflict);
        Assert.Contains("already holds", same.GetProperty("detail").GetString());
        var after = await JsonOf(await Client.GetAsync($"/api/articles/{Enc(id)}/history"), HttpStatusCode.OK);
        Assert.Equal(4, after.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task Bad_restores_and_histories_are_problems_that_say_why()
    {
        var unknown = await JsonOf(await Client.GetAsync("/api/articles/no-such-article/history"), HttpStatusCode.NotFound);
        Assert.Contains("no-such-article", unknown.GetProperty("detail").GetString());
        await JsonOf(await Client.PostAsync("/api/articles/no-such-article/restore", null), HttpStatusCode.NotFound);

        await JsonOf(await Client.PutAsJsonAsync("/api/articles/bad-restore", new { text = "第一版的文字。" }), HttpStatusCode.Created);
        var never = await JsonOf(await Client.PostAsync("/api/articles/bad-restore/restore", null), HttpStatusCode.NotFound);
        Assert.Contains("never been replaced or deleted", never.GetProperty("detail").GetString());
        await JsonOf(await Client.PutAsJsonAsync("/api/articles/bad-restore", new { text = "第二版的文字。" }), HttpStatusCode.OK);

        foreach (var bad in new[] { "abc", "0", "-1", "1.5" })
        {
            var problem = await JsonOf(await Client.PostAsync("/api/articles/bad-restore/restore?version=" + Enc(bad), null), HttpStatusCode.BadRequest);
            Assert.Contains("version", problem.GetProperty("detail").GetString());
        }
        var missing = await JsonOf(await Client.PostAsync("/api/articles/bad-restore/restore?version=5", null), HttpStatusCode.NotFound);
        Assert.Contains("no version 5", missing.GetProperty("detail").GetString());
        Assert.Equal("第二版的文字。", await TextAsync("bad-restore"));

        // An article whose id ends in /history (sent encoded) is an article, not a history.
        await JsonOf(await Client.PutAsJsonAsync("/api/articles/" + Enc("x/history"), new { text = "名字以history结尾。" }), HttpStatusCode.Created);
        Assert.Equal("名字以history结尾。", await TextAsync("x/history"));

        // Restoring is a write: another site's page may not do it.
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/articles/bad-restore/restore?version=1");
        request.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.SendAsync(request)).StatusCode);
    }
}

/// <summary>With a token: restoring needs it, and the log names the token holder.</summary>
public sealed class HistoryTokenTests(TokenServer fixture) : IClassFixture<TokenServer>
{
    [Fact]
    public async Task Restore_needs_the_token_and_the_log_names_its_holder()
    {
        var server = fixture.Server;
        using var right = server.ClientWithToken("s3cret-token");
        Assert.Equal(HttpStatusCode.Created, (await right.PutAsJsonAsync("/api/articles/tok", new { text = "甲版" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await right.PutAsJsonAsync("/api/articles/tok", new { text = "乙版" })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.PostAsync("/api/articles/tok/restore", null)).StatusCode);
        using var wrong = server.ClientWithToken("not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsync("/api/articles/tok/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await right.PostAsync("/api/articles/tok/restore", null)).StatusCode);

        // The log names writers and their addresses: reading it needs the token too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/api/articles/tok/history")).StatusCode);
        using var doc = JsonDocument.Parse(await right.GetStringAsync("/api/articles/tok/history"));
        var versions = doc.RootElement.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["replace", "restore"], versions.Select(v => v.GetProperty("action").GetString()));
        Assert.All(versions, v => Assert.Equal("token holder", v.GetProperty("who").GetString()));
    }
}

/// <summary>Index:RestoreDays = 0: nothing can be restored, the audit log is still kept.</summary>
public sealed class NoRestoreServer : IAsyncLifetime
{
    public WebServer Server { get; } = new() { Settings = [new("Index:RestoreDays", "0")] };
    public Task InitializeAsync() => Server.InitializeAsync();
    public Task DisposeAsync() => Server.DisposeAsync();
}

public sealed class RestoreWindowTests(NoRestoreServer fixture) : IClassFixture<NoRestoreServer>
{
    [Fact]
    public async Task A_version_past_the_window_is_410_and_its_audit_entry_stays()
    {
        var client = fixture.Server.Client;
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync("/api/articles/old", new { text = "很久以前的文字" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/articles/old")).StatusCode);
        var gone = await client.PostAsync("/api/articles/old/restore?version=1", null);
        string body = await gone.Content.ReadAsStringAsync();
        Assert.True(gone.StatusCode == HttpStatusCode.Gone, body);
        Assert.Contains("Index:RestoreDays", body);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/articles/old")).StatusCode);

        using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/articles/old/history"));
        var entry = Assert.Single(doc.RootElement.GetProperty("versions").EnumerateArray());
        Assert.Equal("delete", entry.GetProperty("action").GetString());
        Assert.False(entry.GetProperty("restorable").GetBoolean());
        Assert.Matches("^[0-9a-f]{16}$", entry.GetProperty("oldHash").GetString());
    }
}
