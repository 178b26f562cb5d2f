using System.Net;
using System.Net.Sockets;
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

        var hits = JsonDocument.Parse(await client.GetStringAsync(url)).RootElement.GetProperty("hits");
        Assert.Contains(hits.EnumerateArray(), h => h.GetProperty("id").GetString() == "zhujiajiao");
        await app.StopAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Sigterm_stops_serve_cleanly_with_exit_code_0()
    {
        string index = TestPaths.NewTempDirectory();
        int port = FreePort();
        using var p = CliRunner.Start("serve", "--index", index, "--urls", $"http://127.0.0.1:{port}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(4); // the first run may build
        bool healthy = false;
        while (DateTime.UtcNow < deadline && !p.HasExited && !healthy)
        {
            try { healthy = (await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK; }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (!healthy) await Task.Delay(200);
        }
        Assert.True(healthy, "serve did not answer /healthz: " + (p.HasExited ? await stderr : "still starting"));

        Assert.Equal(0, Kill(p.Id, 15)); // SIGTERM
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, await stderr);
        Assert.Contains("stopped", await stderr);
        Assert.Empty(await stdout);
        try { Directory.Delete(index, recursive: true); } catch (IOException) { }
    }
}
