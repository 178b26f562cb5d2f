using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SourceSearch.Cli.Tests;

/// <summary>
/// SIGKILL in the middle of writes, with real child processes: afterwards the index passes `check`, every write
/// that had been reported done is there, searchable, with the text sent, and nothing is there by halves.
/// </summary>
public sealed class CrashTests
{
    private static readonly string UserDict = Path.Combine(TestPaths.Corpus, "userdict.txt");
    private readonly string _index = Path.Combine(TestPaths.NewTempDirectory(), "index");
    private readonly string _seed = File.ReadAllText(Path.Combine(TestPaths.Corpus, "002_169a7ff4d43bd4dc.txt"));

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync([.. args, "--index", _index, "--userdict", UserDict]);

    /// <summary>A unique Latin word per article: the analyzer keeps it as one term that nothing else contains.</summary>
    private static string Token(string kind, int n)
    {
        var sb = new StringBuilder("zqk").Append(kind);
        do { sb.Append((char)('a' + n % 26)); n /= 26; } while (n > 0);
        return sb.ToString();
    }

    private string Text(string token, int n, int length = 800) => $"本文编号 {token}。\n\n" + _seed.Substring(n * 7 % (_seed.Length - length), length);

    /// <summary>Stored texts by id, read from the database file directly (no server, no CLI).</summary>
    private static async Task<Dictionary<string, string>> StoredAsync(string index, string idPrefix)
    {
        string db = Path.Combine(index, "sourcesearch.db");
        var result = new Dictionary<string, string>();
        if (!File.Exists(db)) return result;
        try
        {
            await using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            await c.OpenAsync();
            var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT id, text FROM articles WHERE id LIKE $p || '%'";
            cmd.Parameters.AddWithValue("$p", idPrefix);
            await using var r = await cmd.ExecuteReaderAsync();
            // The index keeps texts as UTF-16 bytes.
            while (await r.ReadAsync()) result[r.GetString(0)] = System.Text.Encoding.Unicode.GetString((byte[])r.GetValue(1));
        }
        catch (SqliteException) { } // not created yet, or busy: poll again
        return result;
    }

    /// <summary>Searches every token in one `search --jsonl` run; the ids found for each.</summary>
    private async Task<List<HashSet<string>>> SearchAllAsync(IReadOnlyList<string> tokens)
    {
        var r = await CliRunner.RunWithInputAsync(string.Join("\n", tokens) + "\n", "search", "--jsonl", "--index", _index, "--userdict", UserDict);
        Assert.True(r.ExitCode == 0, r.Error);
        return r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToHashSet())
            .ToList();
    }

    [Fact]
    public async Task Killing_the_server_in_the_middle_of_uploads_loses_no_acknowledged_add_and_leaves_nothing_by_halves()
    {
        await using var server = await ServeProcess.StartAsync("--index", _index, "--userdict", UserDict);
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };

        // A large multipart upload: 3000 articles in one .jsonl file, added one by one by the server.
        const int uploadCount = 3000;
        var uploadTexts = Enumerable.Range(0, uploadCount).ToDictionary(i => $"upload/{i}", i => Text(Token("u", i), i));
        string jsonl = string.Concat(uploadTexts.Select(kv => JsonSerializer.Serialize(new { id = kv.Key, title = "上传", text = kv.Value }) + "\n"));
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(jsonl));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var upload = client.PostAsync("/api/articles", new MultipartFormDataContent { { file, "file", "bulk.jsonl" } });

        // Meanwhile a stream of single adds; each one acknowledged with 201 must survive.
        var sent = new Dictionary<string, string>();
        var acknowledged = new List<string>();
        using var stop = new CancellationTokenSource();
        var adds = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string id = $"single/{i}", text = Text(Token("s", i), i + 5, 400);
                lock (sent) sent[id] = text;
                try
                {
                    using var response = await client.PostAsJsonAsync("/api/articles", new { id, title = "单篇", text });
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    lock (acknowledged) acknowledged.Add(id);
                }
                catch (HttpRequestException) { return; } // the server is gone
                catch (TaskCanceledException) { return; }
            }
        });

        // Kill once the upload is well under way and some single adds are acknowledged.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline && !server.Process.HasExited)
        {
            int done = (await StoredAsync(_index, "upload/")).Count;
            int acked; lock (acknowledged) acked = acknowledged.Count;
            if (done >= 100 && acked >= 20) break;
            Assert.False(upload.IsCompleted, "the upload finished before the kill: make it larger");
            await Task.Delay(20);
        }
        await server.KillAsync(); // SIGKILL
        stop.Cancel();
        await adds;
        await Assert.ThrowsAnyAsync<Exception>(() => upload); // it never got its answer

        List<string> acked2;
        lock (acknowledged) acked2 = [.. acknowledged];
        Assert.True(acked2.Count >= 20, $"only {acked2.Count} adds were acknowledged");

        var check = await Run("check");
        Assert.True(check.ExitCode == 0, check.Out + check.Error);

        // Every acknowledged add is there with the text sent; an add in flight at the kill is there whole or not at all.
        var singles = await StoredAsync(_index, "single/");
        foreach (var id in acked2) Assert.True(singles.TryGetValue(id, out var text) && text == sent[id], $"{id} was acknowledged but is missing or altered");
        foreach (var (id, text) in singles) Assert.Equal(sent[id], text);

        // The upload was cut in the middle: what is there is whole.
        var uploaded = await StoredAsync(_index, "upload/");
        Assert.InRange(uploaded.Count, 100, uploadCount - 1);
        foreach (var (id, text) in uploaded) Assert.Equal(uploadTexts[id], text);

        // Searchable: every acknowledged single add and a sample of the uploaded ones, after a restart of the server.
        var tokens = acked2.Select(id => (Id: id, Token: Token("s", int.Parse(id["single/".Length..]))))
            .Concat(uploaded.Keys.Where((_, i) => i % 10 == 0).Select(id => (Id: id, Token: Token("u", int.Parse(id["upload/".Length..])))))
            .ToList();
        var found = await SearchAllAsync(tokens.Select(t => t.Token).ToList());
        for (int i = 0; i < tokens.Count; i++) Assert.True(found[i].Contains(tokens[i].Id), $"{tokens[i].Id} not found by {tokens[i].Token}");

        await using var again = await ServeProcess.StartAsync("--index", _index, "--userdict", UserDict);
        using var client2 = new HttpClient { BaseAddress = again.Address, Timeout = TimeSpan.FromMinutes(2) };
        using (var doc = JsonDocument.Parse(await client2.GetStringAsync("/healthz")))
            Assert.Equal(singles.Count + uploaded.Count, doc.RootElement.GetProperty("articles").GetInt64());
        string last = acked2[^1];
        using (var doc = JsonDocument.Parse(await client2.GetStringAsync("/api/search?q=" + Token("s", int.Parse(last["single/".Length..])))))
            Assert.Equal(last, doc.RootElement.GetProperty("hits")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Killed_between_the_store_commit_and_the_full_text_commit_nothing_acknowledged_is_lost()
    {
        // Lucene is told to commit only once an hour: every add below is in the store (acknowledged) and searchable
        // through the server's near-real-time reader, and in no Lucene commit when the server is killed.
        var hourly = new Dictionary<string, string> { ["SOURCESEARCH_INDEX__COMMITSECONDS"] = "3600" };
        var added = new List<string>();
        await using (var server = await ServeProcess.StartAsync(hourly, "--index", _index, "--userdict", UserDict))
        {
            using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
            for (int i = 0; i < 20; i++)
            {
                string id = $"between/{i}";
                var r = await client.PostAsJsonAsync("/api/articles", new { id, title = $"第{i}篇", text = Text(Token("c", i), i) });
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);
                added.Add(id);
            }
            using (var doc = JsonDocument.Parse(await client.GetStringAsync("/api/search?q=" + Token("c", 19))))
                Assert.Equal("between/19", doc.RootElement.GetProperty("hits")[0].GetProperty("id").GetString());

            // The precondition, read from the files: the store has changes beyond the last Lucene commit.
            long stored;
            await using (var c = new SqliteConnection($"Data Source={Path.Combine(_index, "sourcesearch.db")};Mode=ReadOnly;Pooling=False"))
            {
                await c.OpenAsync();
                var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT seq FROM sqlite_sequence WHERE name = 'changes'";
                stored = (long)(await cmd.ExecuteScalarAsync())!;
            }
            using (var lucene = SourceSearch.Index.Lucene.LuceneIndex.OpenReader(Path.Combine(_index, "lucene")))
                Assert.True(lucene.CommittedSequence < stored, $"Lucene committed {lucene.CommittedSequence}, the store is at {stored}");
            await server.KillAsync(); // SIGKILL
        }

        // The next process replays the store into Lucene: everything acknowledged is found, and the index is sound.
        var check = await Run("check");
        Assert.True(check.ExitCode == 0, check.Out + check.Error);
        var found = await SearchAllAsync(Enumerable.Range(0, 20).Select(i => Token("c", i)).ToList());
        for (int i = 0; i < 20; i++) Assert.Contains($"between/{i}", found[i]);
        var stored2 = await StoredAsync(_index, "between/");
        Assert.Equal(added.Order(), stored2.Keys.Order());
    }

    [Fact]
    public async Task Index_CommitSeconds_that_is_not_a_number_stops_with_what_to_give()
    {
        var r = await CliRunner.RunProcessAsync(null, ["search", "--index", _index, "苏州"], new Dictionary<string, string> { ["SOURCESEARCH_INDEX__COMMITSECONDS"] = "soon" });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Index:CommitSeconds is 'soon'", r.Error);
    }

    [Fact]
    public async Task Killing_a_bulk_import_keeps_every_batch_it_reported_and_no_part_of_the_next()
    {
        const int total = 6000, batch = 256;   // the import commits 256 articles a transaction
        string jsonl = Path.Combine(TestPaths.NewTempDirectory(), "bulk.jsonl");
        var texts = new List<(string Id, string Text)>();
        await using (var w = new StreamWriter(jsonl, false, new UTF8Encoding(false)))
            for (int i = 0; i < total; i++)
            {
                texts.Add(($"bulk/{i}", Text(Token("b", i), i)));
                await w.WriteLineAsync(JsonSerializer.Serialize(new { id = texts[i].Id, title = $"第{i}篇", text = texts[i].Text }));
            }

        // Progress lines ("N articles imported") are written after each batch commits: what they report is acknowledged.
        int reported = 0;
        using (var p = CliRunner.Start("import", "--index", _index, "--userdict", UserDict, "--transaction-size", "256", jsonl))
        try
        {
            var stderr = new StringBuilder();
            var progress = Task.Run(async () =>
            {
                while (await p.StandardError.ReadLineAsync() is { } line)
                {
                    lock (stderr) if (stderr.Length < 4000) stderr.AppendLine(line);
                    if (System.Text.RegularExpressions.Regex.Match(line, @"sourcesearch: (\d+) articles imported") is { Success: true } m)
                        Volatile.Write(ref reported, int.Parse(m.Groups[1].Value));
                }
            });
            _ = p.StandardOutput.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(4);
            while (DateTime.UtcNow < deadline && !p.HasExited && Volatile.Read(ref reported) < 3 * batch) await Task.Delay(20);
            if (p.HasExited)
            {
                await progress;
                Assert.Fail($"the import ended (exit {p.ExitCode}) before it could be killed (make the input larger if it succeeded): {stderr}");
            }
            p.Kill(); // SIGKILL
            await p.WaitForExitAsync();
            await progress;
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true); // a failed assertion leaves no import running
        }
        Assert.InRange(reported, 3 * batch, total - 1);

        var check = await Run("check");
        Assert.True(check.ExitCode == 0, check.Out + check.Error);

        // What is stored is exactly the first k whole batches: every reported one, maybe one more, never part of one.
        var stored = await StoredAsync(_index, "bulk/");
        Assert.InRange(stored.Count, reported, reported + batch);
        Assert.True(stored.Count % batch == 0, $"{stored.Count} articles stored: not a whole number of batches");
        for (int i = 0; i < stored.Count; i++) Assert.Equal(texts[i].Text, stored[texts[i].Id]);

        var sample = Enumerable.Range(0, stored.Count).Where(i => i % 50 == 0 || i == reported - 1).ToList();
        var found = await SearchAllAsync(sample.Select(i => Token("b", i)).ToList());
        for (int k = 0; k < sample.Count; k++) Assert.Contains(texts[sample[k]].Id, found[k]);

        // Running the import again completes it, skipping what is there.
        var rerun = await Run("import", jsonl);
        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains($"added {total - stored.Count}, replaced 0, unchanged {stored.Count}", rerun.Out);
        Assert.Equal(0, (await Run("check")).ExitCode);
    }
}
