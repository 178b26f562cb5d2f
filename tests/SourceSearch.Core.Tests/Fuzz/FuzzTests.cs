using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Index;
using SourceSearch.Tests.Text;
using SourceSearch.Text;
using Xunit.Abstractions;

namespace SourceSearch.Tests.Fuzz;

/// <summary>
/// Random hostile input through the query parser, the analysis chain and the searcher: nothing throws,
/// every offset stays inside the input and no surrogate pair is cut, and no input hangs (a generous
/// guard per input, not a speed test). The seed is printed; SOURCESEARCH_FUZZ_SEED=N replays a run,
/// SOURCESEARCH_FUZZ_SEED=random explores new inputs.
/// </summary>
[Collection(AnalysisCollection.Name)]
public sealed class FuzzTests(AnalysisFixture fx, ITestOutputHelper output)
{
    // Far beyond what any input takes (milliseconds); only a hang or a runaway loop reaches it.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private FuzzInput Input(int fallback)
    {
        var input = new FuzzInput(FuzzInput.SeedFromEnvironment(fallback));
        output.WriteLine($"fuzz seed {input.Seed} (replay with SOURCESEARCH_FUZZ_SEED={input.Seed})");
        return input;
    }

    private static async Task<T> Guarded<T>(Func<Task<T>> work, string what)
    {
        try
        {
            return await Task.Run(work).WaitAsync(HangGuard);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"{what} took longer than {HangGuard.TotalSeconds} s");
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{what} threw {e}");
        }
    }

    private static Task<T> Guarded<T>(Func<T> work, string what) => Guarded(() => Task.FromResult(work()), what);

    private static string Describe(int seed, int n, string input) =>
        $"seed {seed} case {n} (length {input.Length}: {Escape(input[..Math.Min(80, input.Length)])}{(input.Length > 80 ? "…" : "")})";

    private static string Escape(string s) => string.Concat(s.Select(c => c < 0x20 || char.IsSurrogate(c) || c > 0xFFEF ? $"\\u{(int)c:X4}" : c.ToString()));

    // An offset must not fall between the halves of a surrogate pair.
    private static bool SplitsPair(string text, int offset) =>
        offset > 0 && offset < text.Length && char.IsHighSurrogate(text[offset - 1]) && char.IsLowSurrogate(text[offset]);

    [Fact]
    public async Task The_query_parser_takes_anything()
    {
        var input = Input(20261122);
        for (int n = 0; n < 4000; n++)
        {
            string q = n % 500 == 499 ? input.Query(100_000) : input.Query(200);
            string what = Describe(input.Seed, n, q);
            var parsed = await Guarded(() => QueryParser.Parse(q), "parsing " + what);
            foreach (var clause in parsed.Groups.SelectMany(g => g))
            {
                Assert.True(clause.Text.Trim().Length > 0, "empty clause from " + what);
                Assert.True(q.Contains(clause.Text, StringComparison.Ordinal), $"clause '{Escape(clause.Text)}' is not part of " + what);
            }
            Assert.All(parsed.Groups, g => Assert.NotEmpty(g));
        }
        // Deep nesting, at length.
        for (int n = 0; n < 20; n++)
        {
            string q = input.Nested(20_000);
            var parsed = await Guarded(() => QueryParser.Parse(q), "parsing nested " + Describe(input.Seed, n, q));
            Assert.All(parsed.Groups.SelectMany(g => g), c => Assert.Contains(c.Text, q, StringComparison.Ordinal));
        }
    }

    private static void AssertTokensInside(string text, IReadOnlyList<Token> tokens, string what)
    {
        int previous = 0;
        foreach (var t in tokens)
        {
            Assert.True(t.Start >= 0 && t.Start < t.End && t.End <= text.Length, $"token '{Escape(t.Term)}' [{t.Start},{t.End}) outside 0..{text.Length} of {what}");
            Assert.False(SplitsPair(text, t.Start) || SplitsPair(text, t.End), $"token '{Escape(t.Term)}' [{t.Start},{t.End}) cuts a surrogate pair of {what}");
            Assert.True(t.Start >= previous, $"token '{Escape(t.Term)}' at {t.Start} comes after one at {previous} in {what}");
            Assert.False(string.IsNullOrEmpty(t.Term), "an empty term from " + what);
            previous = t.Start;
        }
    }

    [Fact]
    public async Task The_analysis_chain_takes_anything_and_keeps_offsets_inside_the_input()
    {
        var input = Input(7);
        for (int n = 0; n < 1500; n++)
        {
            string text = n % 300 == 299 ? input.Text(100_000) : input.Query(300);
            string what = Describe(input.Seed, n, text);
            var (folded, tokens) = await Guarded(() => fx.Analyzer.AnalyzeWithFolding(text), "analysing " + what);
            Assert.Equal(text.Length, folded.OriginalLength);
            for (int i = 0; i < folded.Text.Length; i++)
            {
                int s = folded.StartOf(i), e = folded.EndOf(i);
                Assert.True(s >= 0 && s <= e && e <= text.Length, $"folded unit {i} maps to [{s},{e}) outside the input: {what}");
            }
            AssertTokensInside(text, tokens, what);
            // The other entry points of the chain take the same input.
            await Guarded(() => fx.Analyzer.FoldCharacters(text), "folding characters of " + what);
            await Guarded(() => fx.Analyzer.DetectScript(text), "detecting the script of " + what);
        }
    }

    [Fact]
    public async Task The_searcher_takes_anything_and_its_hits_point_into_the_articles()
    {
        var input = Input(42);
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        var articles = SearchIndexTests.Seeds().ToList();
        // Articles as odd as the queries: random text, emoji and combining marks, NFKC expansions.
        for (int i = 0; i < 30; i++)
        {
            string text = "苏州 軟體 人工智能 " + input.Text(1500);
            if (text.Trim().Length > 0) articles.Add(new Article($"fuzz/{i}", input.Text(20), text));
        }
        articles.Add(new Article("fuzz/marks", "ﷺ㍿", "ﷺ 苏州 ﬃ e\u0301 😀 蘇州 🇨🇳 二〇二四年 𠀀苏州 ① 軟體\u0301"));
        articles.RemoveAll(a => SearchIndex.Problem(a) is not null);
        await index.AddBatchAsync(articles);
        // Stored verbatim, but for NUL and unpaired surrogates (SQLite cannot keep them): one unit for one, so offsets hold.
        foreach (var a in articles)
        {
            var stored = (await index.GetAsync(a.Id))!;
            Assert.Equal(StoredText.Clean(a.Text), stored.Article.Text);
            Assert.All(stored.Passages, p => Assert.InRange(p.End, p.Start + 1, a.Text.Length));
        }
        var searcher = new Searcher(index, new SearchOptions(), fx.OpenCc);
        var texts = new Dictionary<string, string>();
        async Task<string> TextOf(string id) => texts.TryGetValue(id, out var t) ? t : texts[id] = (await index.GetAsync(id))!.Article.Text;

        ChineseScript?[] scripts = [null, null, ChineseScript.Hans, ChineseScript.Hant];
        for (int n = 0; n < 400; n++)
        {
            string q = n % 100 == 99 ? input.Text(100_000) : n % 50 == 49 ? input.Text(2000) : input.Query(120);
            var script = scripts[n % scripts.Length];
            var mode = n % 5 == 4 ? MatchMode.Any : MatchMode.Auto;
            string what = $"{Describe(input.Seed, n, q)} script {script} mode {mode}";
            var response = await Guarded(() => searcher.SearchAsync(new SearchRequest(q, Page: 1 + n % 2, Size: 20, DisplayScript: script, Mode: mode)), "searching " + what);
            if (q.Length > 2000) Assert.Contains("characters long", response.Error);
            foreach (var hit in response.Hits)
            {
                string text = await TextOf(hit.Id);
                Assert.True(0 <= hit.Start && hit.Start <= hit.End && hit.End <= text.Length, $"hit {hit.Id} [{hit.Start},{hit.End}) outside its text ({text.Length}): {what}");
                Assert.True(0 <= hit.SnippetStart && hit.SnippetStart <= hit.SnippetEnd && hit.SnippetEnd <= text.Length, $"snippet [{hit.SnippetStart},{hit.SnippetEnd}) of {hit.Id} outside its text: {what}");
                foreach (var h in hit.Highlights)
                {
                    Assert.True(0 <= h.Start && h.Start < h.End && h.End <= text.Length, $"highlight [{h.Start},{h.End}) of {hit.Id} outside its text: {what}");
                    Assert.True(0 <= h.SnippetStart && h.SnippetStart <= h.SnippetEnd && h.SnippetEnd <= hit.Snippet.Length,
                        $"highlight [{h.SnippetStart},{h.SnippetEnd}) outside the snippet of {hit.Id} ({hit.Snippet.Length}): {what}");
                    if (script is null)
                        Assert.True(text[h.Start..h.End] == hit.Snippet[h.SnippetStart..h.SnippetEnd], $"highlight of {hit.Id} is not the text it points at: {what}");
                }
            }
            var (passages, _) = await Guarded(() => searcher.PassagesAsync(q.Length > 2000 ? q[..2000] : q, 5), "passages for " + what);
            foreach (var p in passages)
                Assert.True(0 <= p.Start && p.Start < p.End && p.End <= p.ArticleText.Length, $"passage [{p.Start},{p.End}) of {p.Id} outside its text: {what}");
        }
    }
}
