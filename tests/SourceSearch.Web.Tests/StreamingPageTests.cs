using System.Net.Http.Json;
using System.Text.Json;
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
