using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;

namespace SourceSearch.Web.Tests;

/// <summary>The real app on 127.0.0.1 (a free port) over a temporary index built from the repository's corpus/.</summary>
public sealed class WebServer : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly string _index = TestPaths.NewTempDirectory();

    /// <summary>The admin token this server requires for writing, or null (then loopback may write).</summary>
    public string? Token { get; init; }

    /// <summary>More configuration for this server (it wins over the defaults above).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Settings { get; init; } = [];

    /// <summary>The index folder this server uses.</summary>
    public string IndexDirectory => _index;

    /// <summary>Last changes to the app's builder (e.g. a log provider that captures every line).</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }

    public HttpClient Client { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        KeyValuePair<string, string?>[] settings =
        [
            new("urls", "http://127.0.0.1:0"),
            new("Index", _index),
            new("Web:Corpus", TestPaths.Corpus),
            new("Text:UserDictionary", Path.Combine(TestPaths.Corpus, "userdict.txt")),
            new(Api.WriteAccess.TokenSetting, Token ?? ""),
            new("Llm:Endpoint", ""),
            .. Settings,
        ];
        // Settings win over the defaults above (a key given twice would be an error).
        _app = await SourceSearchApp.BuildAsync([], settings.GroupBy(s => s.Key, StringComparer.OrdinalIgnoreCase).Select(g => g.Last()), configure: Configure);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public HttpClient ClientWithToken(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_index, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A server whose writes need the token "s3cret-token".</summary>
public sealed class TokenServer() : IAsyncLifetime
{
    public WebServer Server { get; } = new() { Token = "s3cret-token" };
    public Task InitializeAsync() => Server.InitializeAsync();
    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>A server that allows 3 questions a minute and bodies of at most 4000 bytes.</summary>
public sealed class LimitedServer() : IAsyncLifetime
{
    public WebServer Server { get; } = new()
    {
        Settings = [new("Web:AskPermitLimit", "3"), new("Web:AskWindowSeconds", "60"), new("Web:MaxRequestBodyBytes", "4000")],
    };
    public Task InitializeAsync() => Server.InitializeAsync();
    public Task DisposeAsync() => Server.DisposeAsync();
}
