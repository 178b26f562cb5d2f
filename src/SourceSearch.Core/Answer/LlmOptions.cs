using Microsoft.Extensions.Configuration;

namespace SourceSearch.Answer;

/// <summary>
/// The optional LLM connector's settings: configuration section "Llm", or the flat variables
/// SOURCESEARCH_LLM_ENDPOINT, SOURCESEARCH_LLM_MODEL and SOURCESEARCH_LLM_API_KEY. Off unless both
/// an endpoint and a model are given.
/// </summary>
public sealed class LlmOptions
{
    public const string SectionName = "Llm";

    /// <summary>Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1 (requests go to {Endpoint}/chat/completions).</summary>
    public string Endpoint { get; set; } = "";

    public string Model { get; set; } = "";

    /// <summary>Sent as a bearer token; may be empty for local servers. Never logged, never shown.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>How long one attempt may wait for the service (for a stream: for each piece of it).</summary>
    public double TimeoutSeconds { get; set; } = 60;

    /// <summary>Retries after a 429 or 5xx answer, with exponential backoff.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each later one doubles it (a Retry-After header can ask for more).</summary>
    public int RetryBaseDelayMs { get; set; } = 500;

    public int MaxOutputTokens { get; set; } = 800;

    /// <summary>Tokens this process may spend a day (UTC); unset means no limit.</summary>
    public long? DailyTokenBudget { get; set; }

    /// <summary>Unset leaves the service's default (some reasoning models accept no other).</summary>
    public float? Temperature { get; set; }

    /// <summary>Each passage is cut to this many characters in the prompt, to bound its size.</summary>
    public int MaxPassageChars { get; set; } = 1500;

    /// <summary>
    /// Calls the model may make to the corpus functions (search, read around a passage) for one answer; 0 offers
    /// it no functions, for a model or server that cannot call them.
    /// </summary>
    public int MaxFunctionCalls { get; set; } = 3;

    /// <summary>Passages one search by the model returns.</summary>
    public int PassagesPerSearch { get; set; } = 4;

    /// <summary>
    /// Tokens one answer may spend on the turns that call functions: past it, no more calls are run and the model
    /// answers from what it has. Unset means no limit beyond <see cref="MaxFunctionCalls"/>.
    /// </summary>
    public long? RequestTokenBudget { get; set; } = 24_000;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) && !string.IsNullOrWhiteSpace(Model);

    /// <summary>
    /// Reads section "Llm", then lets the flat keys LLM_ENDPOINT, LLM_MODEL, LLM_API_KEY (what
    /// SOURCESEARCH_LLM_* become under the app's "SOURCESEARCH_" environment prefix) or the full
    /// SOURCESEARCH_LLM_* names override it, as environment settings override files.
    /// </summary>
    public static LlmOptions From(IConfiguration configuration)
    {
        var options = new LlmOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.Endpoint = Flat(configuration, "LLM_ENDPOINT") ?? options.Endpoint;
        options.Model = Flat(configuration, "LLM_MODEL") ?? options.Model;
        options.ApiKey = Flat(configuration, "LLM_API_KEY") ?? options.ApiKey;
        options.Endpoint = options.Endpoint.Trim();
        options.Model = options.Model.Trim();
        options.ApiKey = options.ApiKey.Trim();
        return options;
    }

    private static string? Flat(IConfiguration configuration, string key)
    {
        string? value = configuration[key];
        if (string.IsNullOrWhiteSpace(value)) value = configuration["SOURCESEARCH_" + key];
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>The endpoint as it may be shown: without any user:password part or query.</summary>
    public string EndpointForDisplay =>
        Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}" : "(invalid endpoint)";

    /// <summary>Replaces the API key wherever it occurs in <paramref name="text"/>, for anything logged or shown.</summary>
    public string Redact(string text) =>
        ApiKey.Length >= 4 ? text.Replace(ApiKey, "***", StringComparison.Ordinal) : text;

    public override string ToString() =>
        $"Llm(Endpoint={EndpointForDisplay}, Model={Model}, ApiKey={(ApiKey.Length > 0 ? "set" : "none")})";
}
