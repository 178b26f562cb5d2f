using System.ClientModel;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using Sdk = OpenAI.Chat;

namespace SourceSearch.Answer;

/// <summary>
/// <see cref="IChatClient"/> over the official OpenAI SDK's chat client, pointed at any
/// OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen, Ollama, vLLM, llama.cpp). Text in, text out:
/// the answerer needs no tools, images or audio. Timeouts and retries are set on the SDK's pipeline.
/// </summary>
public sealed class OpenAiCompatibleChatClient : IChatClient
{
    /// <summary>Sent as the bearer token when no key is configured.</summary>
    public const string NoKey = "no-key";

    private readonly Sdk.ChatClient _client;
    private readonly ChatClientMetadata _metadata;

    /// <exception cref="ArgumentException">The options name no model, or no absolute http(s) endpoint (the message never holds the key).</exception>
    public OpenAiCompatibleChatClient(LlmOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Model))
            throw new ArgumentException("No LLM model is configured.", nameof(options));
        if (!Uri.TryCreate(options.Endpoint.Trim().TrimEnd('/'), UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException("The LLM endpoint is not an absolute http(s) URL.", nameof(options));

        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds > 0 ? options.TimeoutSeconds : 60),
            RetryPolicy = new LlmRetryPolicy(options.MaxRetries, TimeSpan.FromMilliseconds(Math.Max(0, options.RetryBaseDelayMs))),
        };
        // Local servers (Ollama, llama.cpp, vLLM) take no key but the SDK needs one: they ignore a placeholder.
        var key = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? NoKey : options.ApiKey);
        _client = new Sdk.ChatClient(options.Model, key, clientOptions);
        _metadata = new ChatClientMetadata("openai-compatible", endpoint, options.Model);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await _client.CompleteChatAsync(ToSdk(messages), ToSdk(options), cancellationToken).ConfigureAwait(false);
        var completion = result.Value;
        string text = string.Concat(completion.Content.Where(part => part.Kind == Sdk.ChatMessageContentPartKind.Text).Select(part => part.Text));
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = ToUsage(completion.Usage),
            RawRepresentation = completion,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var updates = _client.CompleteChatStreamingAsync(ToSdk(messages), ToSdk(options), cancellationToken);
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var contents = new List<AIContent>();
            foreach (var part in update.ContentUpdate)
                if (part.Kind == Sdk.ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
                    contents.Add(new TextContent(part.Text));
            if (ToUsage(update.Usage) is { } usage)
                contents.Add(new UsageContent(usage));
            yield return new ChatResponseUpdate(ChatRole.Assistant, contents)
            {
                ResponseId = update.CompletionId,
                ModelId = update.Model,
                CreatedAt = update.CreatedAt,
                FinishReason = update.FinishReason is { } reason ? ToFinishReason(reason) : null,
                RawRepresentation = update,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType == typeof(Sdk.ChatClient) ? _client
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() { }

    private static List<Sdk.ChatMessage> ToSdk(IEnumerable<ChatMessage> messages)
    {
        var list = new List<Sdk.ChatMessage>();
        foreach (var message in messages)
        {
            string text = message.Text;
            if (message.Role == ChatRole.System) list.Add(new Sdk.SystemChatMessage(text));
            else if (message.Role == ChatRole.User) list.Add(new Sdk.UserChatMessage(text));
            else if (message.Role == ChatRole.Assistant) list.Add(new Sdk.AssistantChatMessage(text));
            else throw new NotSupportedException($"Chat role '{message.Role}' is not supported by this client.");
        }
        return list;
    }

    private static Sdk.ChatCompletionOptions ToSdk(ChatOptions? options)
    {
        var sdk = new Sdk.ChatCompletionOptions();
        if (options is null) return sdk;
        sdk.MaxOutputTokenCount = options.MaxOutputTokens;
        sdk.Temperature = options.Temperature;
        sdk.TopP = options.TopP;
        if (options.StopSequences is { } stops)
            foreach (string stop in stops) sdk.StopSequences.Add(stop);
        return sdk;
    }

    private static ChatFinishReason ToFinishReason(Sdk.ChatFinishReason reason) => reason switch
    {
        Sdk.ChatFinishReason.Length => ChatFinishReason.Length,
        Sdk.ChatFinishReason.ContentFilter => ChatFinishReason.ContentFilter,
        Sdk.ChatFinishReason.ToolCalls or Sdk.ChatFinishReason.FunctionCall => ChatFinishReason.ToolCalls,
        _ => ChatFinishReason.Stop,
    };

    private static UsageDetails? ToUsage(Sdk.ChatTokenUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
    };
}
