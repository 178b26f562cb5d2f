using System.Diagnostics;
using System.Text.Json;

namespace SourceSearch.Cli.Tests;

/// <summary>history and restore, and the audit entries import and delete leave.</summary>
public sealed class HistoryCommandsTests
{
    private readonly string _index = Path.Combine(TestPaths.NewTempDirectory(), "index");
    private static readonly string UserDict = Path.Combine(TestPaths.Corpus, "userdict.txt");
    private const string Seed = "001_2a420e5ede1b9403";

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync([.. args, "--index", _index, "--userdict", UserDict]);

    private async Task ReplaceSeedAsync(string text)
    {
        string file = Path.Combine(TestPaths.NewTempDirectory(), "replace.jsonl");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { id = Seed, title = "替换", text }) + "\n");
        var r = await Run("import", file);
        Assert.True(r.ExitCode == 0 && r.Out.Contains("replaced 1"), r.Out + r.Error);
    }

    [Fact]
    public async Task Import_replace_and_delete_are_logged_and_restore_brings_the_article_back()
    {
        Assert.Equal(0, (await Run("import", TestPaths.Corpus)).ExitCode);
        string original = File.ReadAllText(Path.Combine(TestPaths.Corpus, Seed + ".txt"));
        await ReplaceSeedAsync("替换后的文字只有这一句。");
        Assert.Equal(0, (await Run("delete", Seed)).ExitCode);

        var log = await Run("history", Seed, "--json");
        Assert.Equal(0, log.ExitCode);
        using (var doc = JsonDocument.Parse(log.Out))
        {
            var entries = doc.RootElement.GetProperty("entries").EnumerateArray().ToList();
            Assert.Equal(["replace", "delete"], entries.Select(e => e.GetProperty("action").GetString()));
            Assert.All(entries, e => Assert.Equal("cli:" + Environment.UserName, e.GetProperty("who").GetString()));
            Assert.Equal(original.Length, entries[0].GetProperty("length").GetInt32());
            Assert.Equal("替换后的文字只有这一句。".Length, entries[1].GetProperty("length").GetInt32());
        }
        var text = await Run("history");
        Assert.Contains($"{Seed}  v2  delete", text.Out);
        Assert.Contains($"{Seed}  v1  replace", text.Out);

        var restored = await Run("restore", Seed, "--version", "1");
        Assert.True(restored.ExitCode == 0, restored.Error);
        Assert.Contains("restored version 1", restored.Out);
        var export = await Run("export");
        var line = export.Out.Split('\n').Single(l => l.Contains($"\"id\":\"{Seed}\""));
        Assert.Equal(original, JsonDocument.Parse(line).RootElement.GetProperty("text").GetString());
        Assert.Contains(Seed, (await Run("search", "--json", "苏州")).Out);
        Assert.Equal(0, (await Run("check")).ExitCode);
    }

    [Fact]
    public async Task Bad_restores_exit_non_zero_with_the_reason()
    {
        Assert.Equal(0, (await Run("import", TestPaths.Corpus)).ExitCode);

        var unknown = await Run("restore", "no/such/article");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no article 'no/such/article'", unknown.Error);
        Assert.Equal(1, (await Run("history", "no/such/article")).ExitCode);
        // --json gives a document to parse even then: no entries, the same exit code, the reason on stderr.
        var none = await Run("history", "no/such/article", "--json");
        Assert.Equal(1, none.ExitCode);
        Assert.Empty(JsonDocument.Parse(none.Out).RootElement.GetProperty("entries").EnumerateArray());
        Assert.Contains("no history", none.Error);
        var unchanged = await Run("history", Seed, "--json");
        Assert.Equal(0, unchanged.ExitCode);
        Assert.Empty(JsonDocument.Parse(unchanged.Out).RootElement.GetProperty("entries").EnumerateArray());

        var never = await Run("restore", Seed);
        Assert.Equal(1, never.ExitCode);
        Assert.Contains("never been replaced or deleted", never.Error);

        await ReplaceSeedAsync("第二版。");
        var missing = await Run("restore", Seed, "--version", "9");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no version 9", missing.Error);
        var zero = await Run("restore", Seed, "--version", "0");
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--version", zero.Error);
        Assert.Equal(2, (await Run("restore", Seed, "--version", "one")).ExitCode);

        Assert.Equal(0, (await Run("restore", Seed)).ExitCode);
        var same = await Run("restore", Seed, "--version", "1");
        Assert.Equal(1, same.ExitCode);
        Assert.Contains("already holds", same.Error);
    }

    [Fact]
    public async Task A_version_past_the_configured_window_is_refused()
    {
        Assert.Equal(0, (await Run("import", TestPaths.Corpus)).ExitCode);
        Assert.Equal(0, (await Run("delete", Seed)).ExitCode);

        // The window comes from the configuration: here $SOURCESEARCH_INDEX__RESTOREDAYS, in a real child process.
        var (code, error) = await RunWithEnvironmentAsync("0", "restore", Seed);
        Assert.Equal(1, code);
        Assert.Contains("restore window of 0 days", error);
        var (badCode, badError) = await RunWithEnvironmentAsync("a month", "restore", Seed);
        Assert.Equal(2, badCode);
        Assert.Contains("Index:RestoreDays", badError);

        // Within the default 30 days it comes back.
        Assert.Equal(0, (await Run("restore", Seed)).ExitCode);
    }

    private async Task<(int Code, string Error)> RunWithEnvironmentAsync(string restoreDays, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(TestPaths.RepoRoot, "sourcesearch"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = TestPaths.RepoRoot,
        };
        foreach (var a in args.Concat(["--index", _index, "--userdict", UserDict])) psi.ArgumentList.Add(a);
        psi.Environment["SOURCESEARCH_INDEX__RESTOREDAYS"] = restoreDays;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        await stdout;
        return (p.ExitCode, await stderr);
    }
}
