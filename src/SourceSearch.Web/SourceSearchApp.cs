using SourceSearch.Search;
using SourceSearch.Web.Api;

namespace SourceSearch.Web;

/// <summary>Builds the web app; Program.cs, the CLI's `serve` and the tests all start it this way.</summary>
public static class SourceSearchApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// The web app's entry point: serves until stopped (exit code 0). An index it cannot use (another schema or
    /// analysis: run `sourcesearch reindex`) or missing dictionaries are a message on <paramref name="error"/> and
    /// exit code 2, as the CLI gives them, never a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? error = null, CancellationToken cancel = default)
    {
        error ??= Console.Error;
        WebApplication app;
        try
        {
            app = await BuildAsync(args, cancel: cancel);
        }
        catch (Exception e) when (e is Index.IndexUnusableException or Text.OpenCcUnavailableException or Text.DictionaryUnavailableException or SettingsException)
        {
            await error.WriteLineAsync($"sourcesearch: {e.Message}");
            return 2;
        }
        await using (app)
        {
            await app.StartAsync(cancel);
            await app.WaitForShutdownAsync(cancel);
        }
        return 0;
    }

    /// <param name="overrides">Configuration that wins over everything else (the CLI's --index, --userdict, --urls).</param>
    /// <param name="configure">Last changes to the builder before it builds (tests capture the logs this way).</param>
    public static async Task<WebApplication> BuildAsync(string[] args, IEnumerable<KeyValuePair<string, string?>>? overrides = null, CancellationToken cancel = default,
        Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.AddEnvironmentVariables("SOURCESEARCH_");
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);

        builder.AddApplicationServices();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseApplicationPipeline();
        app.MapSearchApi();
        app.MapAskApi();
        app.MapArticlesApi();
        app.MapHistoryApi();
        app.MapHealthApi();
        app.MapPage();

        await app.Services.GetRequiredService<IndexHost>().OpenAsync(cancel);
        // The suggestion vocabulary is built soon after start (seconds on a large index), so the first keystroke need
        // not wait for it; a little later than the start, so it does not slow the first searches.
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Delay(TimeSpan.FromSeconds(2), app.Lifetime.ApplicationStopping)
            .ContinueWith(t => { if (!t.IsCanceled) app.Services.GetRequiredService<Searcher>().Suggester?.Warm(); }, TaskScheduler.Default));
        return app;
    }
}
