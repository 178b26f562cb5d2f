using System.ClientModel;
using Microsoft.Extensions.AI;
using SourceSearch.Answer;

namespace SourceSearch.Tests.Answer;

/// <summary>The IChatClient adapter itself, against the fake server.</summary>
public sealed class OpenAiCompatibleChatClientTests : IAsyncLifetime
{
    private FakeLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OpenAiCompatibleChatClient Client(int maxRetries = 1) =>
        new(new LlmOptions { Endpoint = _server.BaseUrl, Model = "test-model", ApiKey = "k", MaxRetries = maxRetries, RetryBaseDelayMs = 10 });

    [Fact]
    public async Task Gets_a_response_with_text_and_usage()
    {
        _server.Enqueue(Reply.Completion("你好"));
        using IChatClient client = Client();

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hi"), new ChatMessage(ChatRole.Assistant, "hello"), new ChatMessage(ChatRole.User, "again")],
            new ChatOptions { MaxOutputTokens = 50, Temperature = 0.5f });

        Assert.Equal("你好", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(120, response.Usage?.TotalTokenCount);
        var sent = Assert.Single(_server.Requests).Json;
        Assert.Equal(["system", "user", "assistant", "user"], sent.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(50, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble(), 3);
    }

    [Fact]
    public async Task Streams_updates()
    {
        _server.Enqueue(Reply.Stream("你", "好"));
        using IChatClient client = Client();

        var texts = new List<string>();
        ChatFinishReason? finish = null;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
        {
            if (update.Text.Length > 0) texts.Add(update.Text);
            finish ??= update.FinishReason;
        }

        Assert.Equal(["你", "好"], texts);
        Assert.Equal(ChatFinishReason.Stop, finish);
    }

    [Fact]
    public async Task Http_errors_surface_as_client_result_exceptions_after_retries()
    {
        _server.Default = Reply.Status(503);
        using IChatClient client = Client(maxRetries: 2);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(503, error.Status);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public void Describes_itself()
    {
        using IChatClient client = Client();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal("test-model", metadata?.DefaultModelId);
        Assert.Equal(new Uri(_server.BaseUrl), metadata?.ProviderUri);
        Assert.Same(client, client.GetService<OpenAiCompatibleChatClient>());
    }

    [Theory]
    [InlineData("", "m")]
    [InlineData("ftp://host/v1", "m")]
    [InlineData("http://127.0.0.1/v1", "")]
    public void Bad_options_are_refused_without_the_key(string endpoint, string model)
    {
        var error = Assert.Throws<ArgumentException>(() => new OpenAiCompatibleChatClient(new LlmOptions { Endpoint = endpoint, Model = model, ApiKey = "sk-secret" }));

        Assert.DoesNotContain("sk-secret", error.Message);
    }
}
