using System.CommandLine;
using Microsoft.Extensions.Hosting;
using SourceSearch.Web;

namespace SourceSearch.Cli;

/// <summary>serve: the web page and JSON API over the index, in this process, until Ctrl-C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create(CliIo io)
    {
        var urls = new Option<string?>("--urls")
        {
            Description = $"Where to listen (default {SourceSearchApp.DefaultUrl}); several separated by ';'.",
        };
        var command = new Command("serve",
            "Serve the search page and the JSON API (/api/search, /api/ask, /api/articles, /openapi/v1.json) over the index; " +
            "builds the default index from corpus/ first when there is none. Stops on Ctrl-C or SIGTERM.")
        { urls };
        command.SetAction(async (parsed, cancel) =>
        {
            var overrides = CliApp.Overrides(parsed).ToList();
            if (parsed.GetValue(urls) is { Length: > 0 } given) overrides.Add(new("urls", given));
            await using var app = await SourceSearchApp.BuildAsync([], overrides, cancel);
            await app.StartAsync(cancel);
            foreach (var address in app.Urls)
                await io.Error.WriteLineAsync($"sourcesearch: serving {address} (Ctrl-C to stop)");
            await app.WaitForShutdownAsync(cancel);
            await io.Error.WriteLineAsync("sourcesearch: stopped");
            return ExitCodes.Success;
        });
        return command;
    }
}
