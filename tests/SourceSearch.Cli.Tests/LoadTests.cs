namespace SourceSearch.Cli.Tests;

/// <summary>
/// The load test in its short form (CI runs `bench load` for longer): a real server on 127.0.0.1, one writer adding
/// articles through the API while 8 clients search and ask. No timing is asserted, only that it holds.
/// </summary>
public sealed class LoadTests
{
    [Fact]
    public async Task Searches_find_every_article_added_before_them_and_no_request_fails_under_load()
    {
        var report = await LoadBenchmark.RunAsync(new LoadOptions(Seconds: 6, Clients: 8, Corpus: TestPaths.Corpus),
            [new("Text:UserDictionary", Path.Combine(TestPaths.Corpus, "userdict.txt"))], TextWriter.Null, CancellationToken.None);

        string examples = string.Join("\n", report.Examples);
        Assert.True(report.FailedRequests == 0, examples);
        Assert.True(report.Misses == 0, examples);
        Assert.True(report.MissingAfterwards == 0, examples);
        Assert.True(report.IndexProblems.Count == 0, string.Join("\n", report.IndexProblems));
        Assert.True(report.Held);

        // It did what it claims: articles were added (some by upload), searched for, and questions asked, by every path.
        Assert.True(report.Added > 0 && report.Uploads > 0, $"added {report.Added}, uploaded {report.Uploads}");
        Assert.True(report.TokenSearches > 0 && report.Searches > report.TokenSearches, $"{report.TokenSearches} of {report.Searches}");
        Assert.True(report.Asks > 0);
        Assert.Equal(report.StartArticles + report.Added, report.EndArticles);
        Assert.Equal(report.Searches, report.Search.Count);
    }

    [Fact]
    public async Task Bench_load_refuses_bad_options_with_a_message()
    {
        var zero = await CliRunner.RunAsync("bench", "load", "--seconds", "0");
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("--seconds", zero.Error);
        var clients = await CliRunner.RunAsync("bench", "load", "--clients", "0");
        Assert.Equal(2, clients.ExitCode);
        var index = await CliRunner.RunAsync("bench", "load", "--index", TestPaths.NewTempDirectory());
        Assert.Equal(2, index.ExitCode);
        Assert.Contains("does not take --index", index.Error);
        var corpus = await CliRunner.RunAsync("bench", "load", "--corpus", Path.Combine(TestPaths.NewTempDirectory(), "none"));
        Assert.Equal(2, corpus.ExitCode);
        Assert.Contains("does not exist", corpus.Error);
    }
}
