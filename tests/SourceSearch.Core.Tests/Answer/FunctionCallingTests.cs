using System.Text.RegularExpressions;
using SourceSearch.Answer;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Index;
using SourceSearch.Tests.Text;

namespace SourceSearch.Tests.Answer;

/// <summary>
/// The kernel's corpus functions against the seed corpus, with a scripted model on the fake OpenAI-compatible
/// server: it calls them, reads what they returned, and answers citing it; the bound on calls, the numbers and
/// the quotes it cites are checked by our code.
/// </summary>
[Collection(AnalysisCollection.Name)]
public sealed partial class FunctionCallingTests(AnalysisFixture fx) : IAsyncLifetime
{
    private const string Settled = "自2008年落户苏州工业园区以来";

    private SearchIndex _index = null!;
    private FakeLlmServer _server = null!;
    private readonly CapturingLoggerFactory _logs = new();

    public async Task InitializeAsync()
    {
        _index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        await _index.AddBatchAsync(SearchIndexTests.Seeds().ToList());
        _server = await FakeLlmServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _index.Dispose();
    }

    private QuestionAnswerer Answerer(int maxFunctionCalls = 3, long? requestTokenBudget = 24_000) => new(
        new Searcher(_index, new SearchOptions()), fx.Analyzer, new AnswerOptions(),
        LlmAnswerer.Create(new LlmOptions
        {
            Endpoint = _server.BaseUrl, Model = "test-model", TimeoutSeconds = 5, MaxRetries = 0,
            MaxFunctionCalls = maxFunctionCalls, RequestTokenBudget = requestTokenBudget,
        }, _logs));

    /// <summary>The number of the passage holding <paramref name="text"/> in what the model was sent, or null.</summary>
    private static int? NumberOf(string sent, string text) =>
        PassageBlock().Matches(sent).Where(m => m.Groups["text"].Value.Contains(text)).Select(m => (int?)int.Parse(m.Groups["n"].Value)).FirstOrDefault();

    private static int Given(RecordedRequest request) => PassageBlock().Matches(request.MessagesText).Count;

    private async Task AssertCitationsAreExact(AnswerResult a)
    {
        Assert.NotEmpty(a.Citations);
        foreach (var c in a.Citations)
        {
            var article = await _index.GetAsync(c.Id);
            Assert.NotNull(article);
            Assert.Equal(article.Article.Text[c.Start..c.End], c.Quote);
        }
    }

    [Fact]
    public async Task The_model_searches_the_corpus_and_cites_a_passage_it_found()
    {
        // The first retrieval (about 杭州) does not hold the answer: the model searches for it.
        _server.Enqueue(
            Reply.Search("思必驰 落户 苏州工业园区"),
            Reply.From(request => Reply.Completion($"思必驰{Settled}，专注对话式人工智能[{NumberOf(string.Join("\n", request.ToolResults), Settled)}]。")));

        var a = await Answerer().AskAsync("杭州六小龙的成功源于什么？");

        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Contains("corpus-search", requests[0].ToolNames);
        Assert.Contains("corpus-read_around", requests[0].ToolNames);
        Assert.DoesNotContain(Settled, requests[0].MessagesText);
        string found = Assert.Single(requests[1].ToolResults);
        int n = NumberOf(found, Settled)!.Value;
        Assert.True(n > Given(requests[0]), $"passage {n} was found by the search, after the {Given(requests[0])} given");
        Assert.Matches(@"id=""003_50eb1480be7b79c3"" start=""\d+"" end=""\d+""", found);

        Assert.Equal("llm", a.Mode);
        var c = Assert.Single(a.Citations);
        Assert.Equal(n, c.N);
        Assert.Equal("003_50eb1480be7b79c3", c.Id);
        Assert.Contains(Settled, c.Quote);
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task The_model_reads_around_a_passage_and_cites_the_text_after_it()
    {
        const string question = "思必驰是哪一年落户苏州工业园区的？";
        const string later = "能够很好地孕育像思必驰这样的技术创新型公司";
        int? around = null;
        _server.Enqueue(
            Reply.From(request => Reply.ToolCalls(("corpus-read_around", $"{{\"n\": {around = NumberOf(request.MessagesText, Settled)}}}"))),
            Reply.From(request => Reply.Completion($"苏州的产业土壤「{later}」[{NumberOf(string.Join("\n", request.ToolResults), later)}]。")));

        var a = await Answerer().AskAsync(question);

        Assert.NotNull(around);
        string result = Assert.Single(_server.Requests[1].ToolResults);
        Assert.Matches(@"<passage n=""\d+""", result);
        Assert.Equal("llm", a.Mode);
        var c = Assert.Single(a.Citations);
        Assert.True(c.N > around);
        Assert.Equal(later, c.Quote);   // narrowed to the words quoted
        await AssertCitationsAreExact(a);
        // The passage read is the text right after the one the model asked about, in the same article.
        var given = PassageBlock().Matches(_server.Requests[0].MessagesText).Single(m => m.Groups["n"].Value == around.ToString());
        Assert.Contains($"id=\"{c.Id}\"", given.Value);
        Assert.Contains($"start=\"{int.Parse(Regex.Match(given.Value, @"end=""(\d+)""").Groups[1].Value)}\"", result);
    }

    [Fact]
    public async Task The_bound_on_function_calls_holds_and_the_model_then_answers()
    {
        _server.Enqueue(Reply.Search("思必驰"), Reply.Search("苏州 人工智能"), Reply.Search("工业园区"), Reply.Search("深圳"),
            Reply.From(request => Reply.Completion($"思必驰{Settled}[{NumberOf(request.MessagesText, Settled)}]。")));

        var a = await Answerer(maxFunctionCalls: 3).AskAsync("思必驰是哪一年落户苏州工业园区的？");

        var last = _server.Requests[^1];
        Assert.Equal(5, _server.Requests.Count);
        Assert.Equal(4, last.ToolResults.Count);
        Assert.All(last.ToolResults.Take(3), r => Assert.Contains("<passage n=", r));
        Assert.StartsWith("Not run: the limit of 3 function calls", last.ToolResults[3]);
        Assert.Equal("llm", a.Mode);
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task A_model_that_keeps_calling_past_the_bound_is_stopped_and_the_answer_is_extractive()
    {
        _server.Default = Reply.Search("思必驰");

        var a = await Answerer(maxFunctionCalls: 2).AskAsync("思必驰是哪一年落户苏州工业园区的？");

        // Two calls run, the third refused, the fourth (after the refusal) stops the model: four turns in all.
        Assert.Equal(4, _server.Requests.Count);
        var results = _server.Requests[^1].ToolResults;
        Assert.Equal(3, results.Count);
        Assert.StartsWith("Not run", results[2]);
        Assert.Equal("extractive", a.Mode);
        Assert.Contains("kept calling functions after being told to answer (the limit of 2 function calls", a.Notice);
        Assert.Contains("2008", a.Citations[0].Quote);
    }

    [Fact]
    public async Task Several_calls_in_one_turn_count_one_by_one()
    {
        _server.Enqueue(
            Reply.ToolCalls(("corpus-search", "{\"query\":\"思必驰\"}"), ("corpus-search", "{\"query\":\"苏州\"}"), ("corpus-search", "{\"query\":\"杭州\"}")),
            Reply.From(request => Reply.Completion($"思必驰{Settled}[{NumberOf(request.MessagesText, Settled)}]。")));

        var a = await Answerer(maxFunctionCalls: 2).AskAsync("思必驰是哪一年落户苏州工业园区的？");

        var results = _server.Requests[^1].ToolResults;
        Assert.Equal(3, results.Count);
        Assert.Contains("<passage n=", results[0]);
        Assert.Contains("<passage n=", results[1]);
        Assert.StartsWith("Not run", results[2]);
        Assert.Equal("llm", a.Mode);
    }

    [Fact]
    public async Task The_token_budget_of_a_question_stops_further_calls()
    {
        // Each turn that calls a function reports 110 tokens: past 150, the next call is not run.
        _server.Enqueue(Reply.Search("思必驰"), Reply.Search("苏州"),
            Reply.From(request => Reply.Completion($"思必驰{Settled}[{NumberOf(request.MessagesText, Settled)}]。")));

        var a = await Answerer(requestTokenBudget: 150).AskAsync("思必驰是哪一年落户苏州工业园区的？");

        var results = _server.Requests[^1].ToolResults;
        Assert.Equal(2, results.Count);
        Assert.Contains("<passage n=", results[0]);
        Assert.StartsWith("Not run: this question's token budget is used up", results[1]);
        Assert.Equal("llm", a.Mode);
    }

    [Fact]
    public async Task A_model_that_cites_a_passage_it_never_received_is_caught()
    {
        _server.Enqueue(Reply.Search("思必驰"), Reply.Completion("思必驰于2008年落户苏州工业园区[40]。"));

        var a = await Answerer().AskAsync("思必驰是哪一年落户苏州工业园区的？");

        Assert.Equal("extractive", a.Mode);
        Assert.Contains("[40]", a.Notice);
        Assert.Contains("extractive", a.Notice);
        Assert.All(a.Citations, c => Assert.NotEqual(40, c.N));
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task An_inexact_quote_is_corrected_to_the_passage_s_words_and_the_citation_narrowed_to_it()
    {
        // Two characters differ (以後, 持續) and a comma is missing.
        const string exact = "自2008年落户苏州工业园区以来，凭借对话式人工智能领域的持续创新";
        _server.Enqueue(Reply.From(request => Reply.Completion(
            $"思必驰「自2008年落户苏州工业园区以後凭借对话式人工智能领域的持續创新」[{NumberOf(request.MessagesText, Settled)}]。")));

        var a = await Answerer().AskAsync("思必驰是哪一年落户苏州工业园区的？");

        Assert.Equal("llm", a.Mode);
        Assert.Contains($"「{exact}」", a.Answer);
        Assert.Contains("corrected", a.Notice);
        var c = Assert.Single(a.Citations);
        Assert.Equal(exact, c.Quote);
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task A_quote_that_is_not_in_the_cited_passage_is_refused()
    {
        _server.Enqueue(Reply.From(request => Reply.Completion(
            $"思必驰「于1999年在北京中关村成立并落户」[{NumberOf(request.MessagesText, Settled)}]。")));

        var a = await Answerer().AskAsync("思必驰是哪一年落户苏州工业园区的？");

        Assert.Equal("extractive", a.Mode);
        Assert.Contains("quotes words that are not in the passage it cites", a.Notice);
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task An_English_question_is_searched_with_the_model_s_Chinese_terms_and_cites_Chinese_text()
    {
        // CC-CEDICT has no 思必驰: the dictionary's path finds nothing for AISpeech.
        _server.Enqueue(
            Reply.Completion("[\"思必驰\", \"苏州工业园区\", \"落户\"]"),
            Reply.From(request => Reply.Completion($"AISpeech settled in Suzhou Industrial Park in 2008: 「{Settled}」[{NumberOf(request.MessagesText, Settled)}].")));

        var a = await Answerer().AskAsync("When did AISpeech settle in Suzhou Industrial Park?");

        Assert.Equal("llm", a.Mode);
        Assert.Equal(["思必驰", "苏州工业园区", "落户"], a.SearchedTerms);
        Assert.Contains("When did AISpeech settle", _server.Requests[0].MessagesText);
        Assert.Empty(_server.Requests[0].ToolNames);   // the terms prompt offers no functions
        var c = Assert.Single(a.Citations);
        Assert.Equal(Settled, c.Quote);
        Assert.Equal("003_50eb1480be7b79c3", c.Id);
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task With_function_calls_off_no_functions_are_offered()
    {
        _server.Enqueue(Reply.From(request => Reply.Completion($"思必驰{Settled}[{NumberOf(request.MessagesText, Settled)}]。")));

        var a = await Answerer(maxFunctionCalls: 0).AskAsync("思必驰是哪一年落户苏州工业园区的？");

        Assert.Empty(Assert.Single(_server.Requests).ToolNames);
        Assert.Equal("llm", a.Mode);
    }

    [GeneratedRegex(@"<passage n=""(?<n>\d+)""[^>]*>\n(?<text>.*?)\n</passage>", RegexOptions.Singleline)]
    private static partial Regex PassageBlock();
}
