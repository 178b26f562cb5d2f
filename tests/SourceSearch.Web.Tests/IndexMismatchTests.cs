using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SourceSearch.Web.Tests;

/// <summary>The web app over an index built by another schema or analysis: a message naming `sourcesearch reindex`, exit code 2, no stack trace.</summary>
public sealed class IndexMismatchTests
{
    /// <summary>An index built from the corpus by the web app, then given another schema version or analysis fingerprint.</summary>
    private static async Task<string> BuildAsync(string key, string value)
    {
        string index = TestPaths.NewTempDirectory();
        var app = await SourceSearchApp.BuildAsync([],
        [
            new("urls", "http://127.0.0.1:0"), new("Index", index), new("Web:Corpus", TestPaths.Corpus),
            new("Text:UserDictionary", Path.Combine(TestPaths.Corpus, "userdict.txt")),
        ]);
        await app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        await using var c = new SqliteConnection($"Data Source={Path.Combine(index, "sourcesearch.db")};Pooling=False");
        await c.OpenAsync();
        var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE meta SET value = $v WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        return index;
    }

    [Theory]
    [InlineData("schema_version", "0")]
    [InlineData("analysis", "analyzer=0;opencc=1.1.0;fold=x;dict=y;userdict=z")]
    public async Task The_web_app_refuses_a_mismatched_index_with_a_message_naming_reindex(string key, string value)
    {
        string index = await BuildAsync(key, value);
        var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1)); // a hang guard: it must not start serving
        int code = await SourceSearchApp.RunAsync(
            ["--urls", "http://127.0.0.1:0", "--Index", index, "--Text:UserDictionary", Path.Combine(TestPaths.Corpus, "userdict.txt")], error, stop.Token);
        Assert.Equal(2, code);
        string message = error.ToString();
        Assert.Contains("sourcesearch reindex", message);
        Assert.Contains(index, message);
        Assert.DoesNotContain("   at ", message);
        Assert.DoesNotContain("Exception", message);
    }
}

/// <summary>A server whose index another process starts reindexing: writes are refused with a 503 that says so, searches go on.</summary>
public sealed class ReindexWhileServingTests : IAsyncLifetime
{
    private readonly WebServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Writes_get_503_naming_the_reindex_and_searches_are_still_answered()
    {
        Assert.Equal(System.Net.HttpStatusCode.Created,
            (await _server.Client.PostAsJsonAsync("/api/articles", new { id = "before", title = "前", text = "潮汐发电站建在海湾。" })).StatusCode);
        // What `sourcesearch reindex` marks first, from another connection (another process).
        await using (var c = new SqliteConnection($"Data Source={Path.Combine(_server.IndexDirectory, "sourcesearch.db")};Pooling=False"))
        {
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE meta SET value = 'reindex in progress' WHERE key = 'analysis'";
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        var refused = await _server.Client.PostAsJsonAsync("/api/articles", new { id = "during", title = "中", text = "思必驰的语音识别。" });
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The index is being rebuilt", problem.GetProperty("title").GetString());
        Assert.Contains("being reindexed", problem.GetProperty("detail").GetString());
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await _server.Client.DeleteAsync("/api/articles/before")).StatusCode);

        var search = await _server.Client.GetFromJsonAsync<JsonElement>("/api/search?q=" + Uri.EscapeDataString("潮汐"));
        Assert.Contains(search.GetProperty("hits").EnumerateArray(), h => h.GetProperty("id").GetString() == "before");
    }
}
