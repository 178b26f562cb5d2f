using Microsoft.Data.Sqlite;

namespace SourceSearch.Cli.Tests;

/// <summary>search, ask and serve over an index built by another schema or analysis version: exit 2 and a message naming reindex.</summary>
public sealed class IndexMismatchCliTests
{
    private readonly string _index = Path.Combine(TestPaths.NewTempDirectory(), "index");
    private static readonly string UserDict = Path.Combine(TestPaths.Corpus, "userdict.txt");

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync([.. args, "--index", _index, "--userdict", UserDict]);

    private async Task SetMetaAsync(string key, string value)
    {
        SqliteConnection.ClearAllPools();
        await using var c = new SqliteConnection($"Data Source={Path.Combine(_index, "sourcesearch.db")};Pooling=False");
        await c.OpenAsync();
        var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE meta SET value = $v WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    [Theory]
    [InlineData("schema_version", "0")]
    [InlineData("schema_version", "99")]
    [InlineData("analysis", "analyzer=0;opencc=1.1.0;fold=old;dict=old;userdict=old")]
    public async Task Search_ask_and_serve_say_to_reindex_and_reindex_repairs_it(string key, string value)
    {
        Assert.Equal(0, (await Run("import", TestPaths.Corpus)).ExitCode);
        await SetMetaAsync(key, value);

        string[][] commands = [["search", "苏州"], ["search", "--json", "苏州"], ["ask", "思必驰是哪一年落户苏州工业园区的？"], ["serve", "--urls", "http://127.0.0.1:0"]];
        foreach (var command in commands)
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var r = await Run(command).WaitAsync(guard.Token); // serve must refuse, not start
            Assert.True(r.ExitCode == 2, $"{string.Join(' ', command)}: exit {r.ExitCode}, {r.Error}");
            Assert.Contains("sourcesearch reindex", r.Error);
            Assert.DoesNotContain("   at ", r.Error);
            Assert.DoesNotContain("Exception", r.Error);
            Assert.Equal("", r.Out);
        }

        var reindex = await Run("reindex");
        Assert.True(reindex.ExitCode == 0, reindex.Error);
        Assert.Contains("\"id\":", (await Run("search", "--json", "苏州")).Out);
        Assert.Equal(0, (await Run("check")).ExitCode);
    }
}
