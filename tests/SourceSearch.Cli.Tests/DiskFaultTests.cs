using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using SourceSearch.Web;

namespace SourceSearch.Cli.Tests;

/// <summary>
/// The index on a disk that fills up, or in a folder that cannot be written (tmpfs mounts, see <see cref="TmpFs"/>):
/// a write fails with a clear message (507/503 problem, or an error and exit 2), searches go on, nothing is corrupt.
/// </summary>
public sealed class DiskFaultTests
{
    private static readonly string UserDict = Path.Combine(TestPaths.Corpus, "userdict.txt");
    private readonly string _seed = File.ReadAllText(Path.Combine(TestPaths.Corpus, "004_c6996910d4f2c89e.txt"));

    private static Task<CliResult> Run(string index, params string[] args) => CliRunner.RunAsync([.. args, "--index", index, "--userdict", UserDict]);

    private static async Task<WebApplication> StartAsync(string index)
    {
        var app = await SourceSearchApp.BuildAsync([],
        [
            new("urls", "http://127.0.0.1:0"),
            new("Index", index),
            new("Web:Corpus", TestPaths.Corpus),
            new("Text:UserDictionary", UserDict),
            new("ADMIN_TOKEN", ""),
            new("Llm:Endpoint", ""),
        ]);
        await app.StartAsync();
        return app;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        string body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone());
    }

    private static async Task<int> TotalAsync(HttpClient client, string q)
    {
        var (status, body) = await SendAsync(client.GetAsync("/api/search?q=" + Uri.EscapeDataString(q)));
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("total").GetInt32();
    }

    [TmpFsFact]
    public async Task A_full_disk_gives_507_with_what_to_do_while_searches_go_on_and_nothing_is_corrupt()
    {
        await using var disk = TmpFs.Mount("3m");
        string index = Path.Combine(disk.Path, "index");
        var acknowledged = new List<string>();
        await using (var app = await StartAsync(index))
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            (HttpStatusCode Status, JsonElement Body) refused = default;
            for (int i = 0; i < 500; i++)
            {
                string text = $"满盘测试 zqfull{(char)('a' + i % 26)}{(char)('a' + i / 26 % 26)}。\n\n" + _seed;
                var r = await SendAsync(client.PostAsJsonAsync("/api/articles", new { id = $"full/{i}", title = "满", text }));
                if (r.Status != HttpStatusCode.Created) { refused = r; break; }
                acknowledged.Add($"full/{i}");
            }
            Assert.True(refused.Status == HttpStatusCode.InsufficientStorage, $"{refused.Status} {refused.Body}");
            Assert.True(acknowledged.Count > 0, "the disk was full before any add");
            string detail = refused.Body.GetProperty("detail").GetString()!;
            Assert.Contains("is full", detail);
            Assert.Contains("free space", detail);
            Assert.Equal(507, refused.Body.GetProperty("status").GetInt32());

            // Reading goes on: the corpus, and every add that was acknowledged.
            Assert.True(await TotalAsync(client, "苏州") >= 4);
            Assert.Equal(acknowledged.Count, await TotalAsync(client, "\"满盘测试\""));
            var (health, body) = await SendAsync(client.GetAsync("/healthz"));
            Assert.Equal(HttpStatusCode.OK, health);
            Assert.Equal(5 + acknowledged.Count, body.GetProperty("articles").GetInt64());
            await app.StopAsync();
        }

        // The command line says so too, and exits 2.
        string file = Path.Combine(TestPaths.NewTempDirectory(), "more.jsonl");
        // More than the disk holds (the server's last commit may have freed some space: part of it may go in).
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, 400).Select(i => JsonSerializer.Serialize(new { id = $"cli/{i}", title = "", text = _seed + i })));
        var import = await Run(index, "import", file);
        Assert.Equal(2, import.ExitCode);
        Assert.Contains("is full", import.Error);

        // Nothing is corrupt, and once there is space again writing works.
        var check = await Run(index, "check");
        Assert.True(check.ExitCode == 0, check.Out + check.Error);
        Assert.Matches(@"\d+ articles", check.Out);
        disk.Remount("size=64m");
        var again = await Run(index, "import", file);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("failed 0", again.Out);
        Assert.Equal(0, (await Run(index, "check")).ExitCode);
    }

    [TmpFsFact]
    public async Task A_read_only_index_folder_is_served_for_reading_and_refuses_writes_with_503()
    {
        await using var disk = TmpFs.Mount("20m");
        string index = Path.Combine(disk.Path, "index");
        Assert.Equal(0, (await Run(index, "import", TestPaths.Corpus)).ExitCode);
        Assert.Equal(0, (await Run(index, "delete", "003_50eb1480be7b79c3")).ExitCode); // a version to restore
        disk.Remount("ro");

        await using (var app = await StartAsync(index))
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            Assert.True(await TotalAsync(client, "蘇州") >= 3);
            var (healthStatus, health) = await SendAsync(client.GetAsync("/healthz"));
            Assert.Equal(HttpStatusCode.OK, healthStatus);
            Assert.True(health.GetProperty("readOnly").GetBoolean());
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client.GetAsync("/api/articles/001_2a420e5ede1b9403"))).Status);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client.PostAsJsonAsync("/api/ask", new { question = "思必驰是哪一年落户苏州工业园区的？" }))).Status);

            foreach (var write in new Func<Task<HttpResponseMessage>>[]
            {
                () => client.PostAsJsonAsync("/api/articles", new { id = "new", title = "", text = "只读的索引不能写入。" }),
                () => client.PutAsJsonAsync("/api/articles/001_2a420e5ede1b9403", new { title = "", text = "替换" }),
                () => client.DeleteAsync("/api/articles/001_2a420e5ede1b9403"),
                () => client.PostAsync("/api/articles/003_50eb1480be7b79c3/restore", null),
            })
            {
                var (status, body) = await SendAsync(write());
                Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{status} {body}");
                string detail = body.GetProperty("detail").GetString()!;
                Assert.Contains("read-only", detail);
                Assert.Contains("writable", detail);
            }
            Assert.True(await TotalAsync(client, "蘇州") >= 3); // still serving
            await app.StopAsync();
        }

        var search = await Run(index, "search", "--json", "苏州");
        Assert.Equal(0, search.ExitCode);
        var import = await Run(index, "import", TestPaths.Corpus);
        Assert.Equal(2, import.ExitCode);
        Assert.Contains("read-only", import.Error);
        Assert.Equal(2, (await Run(index, "delete", "001_2a420e5ede1b9403")).ExitCode);

        disk.Remount("rw");
        var check = await Run(index, "check");
        Assert.True(check.ExitCode == 0, check.Out + check.Error);
        Assert.Contains("4 articles", check.Out);
        Assert.Equal(0, (await Run(index, "restore", "003_50eb1480be7b79c3")).ExitCode);
    }

    [TmpFsFact]
    public async Task A_read_only_index_with_changes_left_in_its_write_ahead_log_is_refused_with_what_to_do()
    {
        await using var disk = TmpFs.Mount("20m");
        string index = Path.Combine(disk.Path, "index");
        Assert.Equal(0, (await Run(index, "import", TestPaths.Corpus)).ExitCode);
        // The files as a process killed after a commit leaves them: the last article only in the -wal file.
        string copy = Path.Combine(disk.Path, "copy");
        Directory.CreateDirectory(copy);
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(index, "sourcesearch.db")};Pooling=False"))
        {
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_autocheckpoint=0; UPDATE articles SET title = 'in the log only' WHERE id = '001_2a420e5ede1b9403';";
            await cmd.ExecuteNonQueryAsync();
            foreach (var file in Directory.GetFiles(index, "sourcesearch.db*"))
                if (!file.EndsWith("-shm")) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        Assert.True(new FileInfo(Path.Combine(copy, "sourcesearch.db-wal")).Length > 0);
        disk.Remount("ro");

        var search = await Run(copy, "search", "--json", "苏州");
        Assert.Equal(2, search.ExitCode);
        Assert.Contains("sourcesearch.db-wal", search.Error);
        Assert.Contains("writable", search.Error);

        disk.Remount("rw");
        var check = await Run(copy, "check");
        Assert.True(check.ExitCode == 0, check.Out + check.Error);
        Assert.Contains("\"title\":\"in the log only\"", (await Run(copy, "export")).Out);
    }
}
