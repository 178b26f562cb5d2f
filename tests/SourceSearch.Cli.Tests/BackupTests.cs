using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SourceSearch.Web;

namespace SourceSearch.Cli.Tests;

/// <summary>backup FILE while the server is adding articles: the copy is a sound, complete index of one moment.</summary>
public sealed class BackupTests
{
    private static readonly string UserDict = Path.Combine(TestPaths.Corpus, "userdict.txt");
    private readonly string _index = Path.Combine(TestPaths.NewTempDirectory(), "index");

    private static Task<CliResult> Run(string index, params string[] args) => CliRunner.RunAsync([.. args, "--index", index, "--userdict", UserDict]);

    [Fact]
    public async Task A_backup_taken_while_the_server_writes_is_a_sound_index_with_the_history()
    {
        await using var app = await SourceSearchApp.BuildAsync([],
        [
            new("urls", "http://127.0.0.1:0"), new("Index", _index), new("Web:Corpus", TestPaths.Corpus),
            new("Text:UserDictionary", UserDict), new("ADMIN_TOKEN", ""), new("Llm:Endpoint", ""),
        ]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/articles/001_2a420e5ede1b9403", new { title = "改", text = "改过的文字。" })).StatusCode);

        // A writer adds articles without pause while the backup runs.
        using var stop = new CancellationTokenSource();
        int added = 0;
        var writer = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                using var r = await client.PostAsJsonAsync("/api/articles", new { id = $"during/{i}", title = "", text = $"备份期间写入的第{i}篇。" });
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);
                Interlocked.Increment(ref added);
            }
        });
        while (Volatile.Read(ref added) < 5) await Task.Delay(10);
        string copyDir = TestPaths.NewTempDirectory();
        string copy = Path.Combine(copyDir, "sourcesearch.db");
        var backup = await Run(_index, "backup", copy);
        int atEnd = Volatile.Read(ref added);
        await Task.Delay(200);
        stop.Cancel();
        await writer;
        Assert.True(backup.ExitCode == 0, backup.Error);
        Assert.True(Volatile.Read(ref added) > atEnd, "the writer did not go on after the backup");
        await app.StopAsync();

        // The copy is an index of its own: sound, with the corpus, some of the concurrent adds, and the audit log.
        var check = await Run(copyDir, "check");
        Assert.True(check.ExitCode == 0, check.Out + check.Error);
        var count = int.Parse(System.Text.RegularExpressions.Regex.Match(check.Out, @"ok: (\d+) articles").Groups[1].Value);
        // Plus one: the add in flight when the copy was taken can be committed before its 201 is counted.
        Assert.InRange(count, 5 + 5, 5 + atEnd + 1);
        var search = await Run(copyDir, "search", "--json", "苏州");
        Assert.Equal(4, JsonDocument.Parse(search.Out).RootElement.GetProperty("total").GetInt32()); // one of the five was replaced
        var history = await Run(copyDir, "history", "001_2a420e5ede1b9403");
        Assert.Contains("v1  replace", history.Out);
        Assert.Equal(0, (await Run(copyDir, "restore", "001_2a420e5ede1b9403")).ExitCode);
        Assert.Equal(5, JsonDocument.Parse((await Run(copyDir, "search", "--json", "苏州")).Out).RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_backup_never_overwrites_and_says_what_is_wrong()
    {
        Assert.Equal(0, (await Run(_index, "import", TestPaths.Corpus)).ExitCode);
        string existing = Path.Combine(TestPaths.NewTempDirectory(), "taken.db");
        await File.WriteAllTextAsync(existing, "keep me");
        var taken = await Run(_index, "backup", existing);
        Assert.Equal(2, taken.ExitCode);
        Assert.Contains("already exists", taken.Error);
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing));

        var noFolder = await Run(_index, "backup", Path.Combine(TestPaths.NewTempDirectory(), "missing", "b.db"));
        Assert.Equal(2, noFolder.ExitCode);
        Assert.Contains("does not exist", noFolder.Error);

        var noIndex = await Run(Path.Combine(TestPaths.NewTempDirectory(), "none"), "backup", Path.Combine(TestPaths.NewTempDirectory(), "b.db"));
        Assert.Equal(2, noIndex.ExitCode);
        Assert.Contains("sourcesearch import", noIndex.Error);
    }
}
