using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using SourceSearch.Tests.Answer;

namespace SourceSearch.Web.Tests;

/// <summary>The ask panel with an LLM (the fake OpenAI-compatible server): the answer streams in, then is labelled and cited.</summary>
public sealed class StreamingPageTests(LlmServer fx) : IClassFixture<LlmServer>
{
    private const string Question = "苏州人工智能产业规模有多大？";

    [Fact]
    public async Task The_answer_streams_in_then_is_labelled_LLM_and_its_citation_opens_the_marked_passage()
    {
        // The rest of the answer is held back until the test has seen the first part on the page.
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fx.Llm.Default = Reply.GatedStream(rest.Task, "据所给段落，", "苏州人工智能核心产业", "规模持续扩大[1]。");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = "zh-CN" });
        try
        {
            await page.GotoAsync(fx.Server.BaseAddress.ToString());
            await page.FillAsync("#question", Question);
            await page.ClickAsync("#ask-form button");

            // Part of the text is shown while the rest is still coming, before the answer is labelled.
            await page.WaitForFunctionAsync("() => document.querySelector('#answer .answer-text')?.textContent.includes('据所给段落')");
            Assert.Equal(0, await page.Locator("#answer .label").CountAsync());
            Assert.DoesNotContain("规模持续扩大", await page.TextContentAsync("#answer"));
        }
        finally
        {
            rest.TrySetResult(); // a failed check leaves no reply waiting on the fake LLM
        }

        await page.WaitForSelectorAsync("#answer .label.llm");
        Assert.Contains("苏州人工智能核心产业规模持续扩大", await page.TextContentAsync("#answer .answer-text"));
        var cite = page.Locator("#answer .answer-text a.cite").First;
        Assert.Equal("[1]", await cite.TextContentAsync());
        string quote = (await page.TextContentAsync("#answer .citations li q"))!;
        Assert.False(string.IsNullOrWhiteSpace(quote));
        await Screens.SaveAsync(page, "answer-llm");

        await cite.ClickAsync();
        await page.WaitForSelectorAsync("#article-text mark#cited");
        Assert.Equal(quote, await page.TextContentAsync("#article-text mark#cited"));
        Assert.True(await page.EvalOnSelectorAsync<bool>("#cited", "m => { const r = m.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }"));
    }

    /// <summary>The first passage a corpus search returned to the model, as its number.</summary>
    private static int FirstFound(RecordedRequest request) =>
        int.Parse(Regex.Match(request.ToolResults[^1], @"<passage n=""(\d+)""").Groups[1].Value);

    [Fact]
    public async Task After_a_streamed_function_call_only_the_answer_streams_and_it_cites_what_the_search_found()
    {
        int found = 0;
        fx.Llm.Enqueue(
            Reply.Search("思必驰 落户"),
            Reply.From(request => Reply.Stream("思必驰落户", $"苏州工业园区[{found = FirstFound(request)}]。")));

        var (answer, deltas) = await fx.AskStreamAsync(Question);

        Assert.Equal($"思必驰落户苏州工业园区[{found}]。", deltas);   // the turn that called the function wrote nothing shown
        Assert.Equal("llm", answer.GetProperty("mode").GetString());
        var citation = Assert.Single(answer.GetProperty("citations").EnumerateArray());
        Assert.Equal(found, citation.GetProperty("n").GetInt32());
        var article = await fx.Server.Client.GetFromJsonAsync<JsonElement>("/api/articles/" + Uri.EscapeDataString(citation.GetProperty("id").GetString()!));
        Assert.Equal(article.GetProperty("text").GetString()![citation.GetProperty("start").GetInt32()..citation.GetProperty("end").GetInt32()],
            citation.GetProperty("quote").GetString());
    }

    [Fact]
    public async Task The_page_shows_an_answer_streamed_after_a_function_call()
    {
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fx.Llm.Enqueue(
            Reply.Search("苏州 人工智能 产业"),
            Reply.From(request => Reply.GatedStream(rest.Task, "据搜索到的段落，", "苏州人工智能产业", $"规模持续扩大[{FirstFound(request)}]。")));
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new() { Locale = "zh-CN" });
        try
        {
            await page.GotoAsync(fx.Server.BaseAddress.ToString());
            await page.FillAsync("#question", Question);
            await page.ClickAsync("#ask-form button");
            await page.WaitForFunctionAsync("() => document.querySelector('#answer .answer-text')?.textContent.includes('据搜索到的段落')");
            Assert.Equal(0, await page.Locator("#answer .label").CountAsync());
        }
        finally
        {
            rest.TrySetResult();
        }

        await page.WaitForSelectorAsync("#answer .label.llm");
        Assert.Contains("苏州人工智能产业规模持续扩大", await page.TextContentAsync("#answer .answer-text"));
        Assert.Matches(@"^\[\d+\]$", await page.Locator("#answer .answer-text a.cite").First.TextContentAsync());
        Assert.False(string.IsNullOrWhiteSpace(await page.TextContentAsync("#answer .citations li q")));
    }

    [Fact]
    public async Task With_todays_token_budget_spent_the_answer_is_extractive_and_says_why()
    {
        // A separate server whose daily budget is smaller than one answer: the first answer spends it.
        await using var llm = await FakeLlmServer.StartAsync();
        llm.Default = Reply.Either("苏州人工智能产业规模持续扩大[1]。");
        var server = new WebServer
        {
            Settings =
            [
                new("Llm:Endpoint", llm.BaseUrl), new("Llm:Model", "test-model"), new("Llm:DailyTokenBudget", "50"),
                new("Llm:MaxRetries", "0"),
            ],
        };
        await server.InitializeAsync();
        try
        {
            var first = await server.Client.PostAsJsonAsync("/api/ask", new { question = Question });
            Assert.Equal("llm", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mode").GetString());
            int calls = llm.Requests.Count;

            var second = await (await server.Client.PostAsJsonAsync("/api/ask", new { question = Question })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("extractive", second.GetProperty("mode").GetString());
            Assert.True(second.GetProperty("found").GetBoolean());
            Assert.Contains("budget", second.GetProperty("notice").GetString());
            string stream = await server.Client.GetStringAsync("/api/ask/stream?question=" + Uri.EscapeDataString(Question));
            Assert.Contains("\"mode\":\"extractive\"", stream);
            Assert.Equal(calls, llm.Requests.Count); // nothing more was sent to the service
        }
        finally { await server.DisposeAsync(); }
    }
}
