using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using SourceSearch.Web;

namespace SourceSearch.Cli.Tests;

/// <summary>`serve` alongside the other commands: an import while it runs, and SIGTERM.</summary>
public sealed partial class ServeTests
{
    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    [Fact]
    public async Task An_import_while_the_server_runs_is_seen_by_its_search()
    {
        string index = TestPaths.NewTempDirectory();
        string input = TestPaths.NewTempDirectory();
        await using var app = await SourceSearchApp.BuildAsync([],
        [
            new("urls", "http://127.0.0.1:0"),
            new("Index", index),
            new("Web:Corpus", TestPaths.Corpus),
            new("Text:UserDictionary", Path.Combine(TestPaths.Corpus, "userdict.txt")),
            new("Llm:Endpoint", ""),
        ]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        string url = "/api/search?q=" + Uri.EscapeDataString("朱家角 放生桥");
        Assert.Equal(0, JsonDocument.Parse(await client.GetStringAsync(url)).RootElement.GetProperty("total").GetInt32());

        string file = Path.Combine(input, "zhujiajiao.txt");
        await File.WriteAllTextAsync(file, "朱家角的放生桥\n\n朱家角镇的放生桥是上海最大的五孔石拱桥。");
        var imported = await CliRunner.RunAsync("import", "--index", index, "--userdict", Path.Combine(TestPaths.Corpus, "userdict.txt"), file);
        Assert.True(imported.ExitCode == 0, imported.Error);

        // The server holds the full-text index; it replays the store's changes the import made within a second or two.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        JsonElement hits;
        do
        {
            hits = JsonDocument.Parse(await client.GetStringAsync(url)).RootElement.GetProperty("hits");
            if (hits.GetArrayLength() > 0) break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        Assert.Contains(hits.EnumerateArray(), h => h.GetProperty("id").GetString() == "zhujiajiao");
        await app.StopAsync();
    }

    [Fact]
    public async Task Sigterm_stops_serve_cleanly_with_exit_code_0()
    {
        string index = TestPaths.NewTempDirectory();
        await using var server = await ServeProcess.StartAsync("--index", index);
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        Assert.Equal(0, Kill(server.Process.Id, 15)); // SIGTERM
        await server.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(server.Process.ExitCode == 0, server.Error);
        Assert.Contains("stopped", server.Error);
        Assert.Empty(await server.Stdout);
        try { Directory.Delete(index, recursive: true); } catch (IOException) { }
    }
}
