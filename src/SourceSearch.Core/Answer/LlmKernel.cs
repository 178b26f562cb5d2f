using System.ClientModel;
using Microsoft.SemanticKernel;
using OpenAI;

namespace SourceSearch.Answer;

/// <summary>
/// The Semantic Kernel the answers are asked of: its OpenAI connector pointed at any OpenAI-compatible endpoint
/// (OpenAI, DeepSeek, Qwen's compatible mode, Ollama, vLLM, llama.cpp server), with our timeout and retry policy
/// on the OpenAI client under it. Built only when an LLM is configured.
/// </summary>
public static class LlmKernel
{
    /// <summary>Sent as the bearer token when no key is configured.</summary>
    public const string NoKey = "no-key";

    /// <exception cref="ArgumentException">The options name no model, or no absolute http(s) endpoint (the message never holds the key).</exception>
    public static Kernel Create(LlmOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Model))
            throw new ArgumentException("No LLM model is configured.", nameof(options));
        if (!Uri.TryCreate(options.Endpoint.Trim().TrimEnd('/'), UriKind.Absolute, out var endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException("The LLM endpoint is not an absolute http(s) URL.", nameof(options));

        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            // For a stream, the wait for each piece of it: a service that stalls part-way is given up on too.
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds > 0 ? options.TimeoutSeconds : 60),
            RetryPolicy = new LlmRetryPolicy(options.MaxRetries, TimeSpan.FromMilliseconds(Math.Max(0, options.RetryBaseDelayMs))),
        };
        // Local servers (Ollama, llama.cpp, vLLM) take no key but the client needs one: they ignore a placeholder.
        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? NoKey : options.ApiKey), clientOptions);
        var builder = Kernel.CreateBuilder();
        // No logger factory: the connector would log service errors verbatim, and services quote the key back in them.
        builder.AddOpenAIChatCompletion(options.Model, client);
        return builder.Build();
    }
}
