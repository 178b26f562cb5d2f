using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SourceSearch.Answer;

namespace SourceSearch.Tests.Answer;

public sealed class LlmOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Defaults_are_off_with_sensible_limits()
    {
        var options = LlmOptions.From(Config());

        Assert.False(options.IsConfigured);
        Assert.Equal(60, options.TimeoutSeconds);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(800, options.MaxOutputTokens);
        Assert.Null(options.DailyTokenBudget);
        Assert.Equal(3, options.MaxFunctionCalls);
        Assert.Equal(24_000, options.RequestTokenBudget);
    }

    [Fact]
    public void Reads_the_Llm_section()
    {
        var options = LlmOptions.From(Config(
            ("Llm:Endpoint", "http://127.0.0.1:11434/v1"), ("Llm:Model", "qwen2.5:7b"), ("Llm:ApiKey", "k"),
            ("Llm:TimeoutSeconds", "30"), ("Llm:MaxRetries", "1"), ("Llm:MaxOutputTokens", "500"), ("Llm:DailyTokenBudget", "100000"),
            ("Llm:MaxFunctionCalls", "0"), ("Llm:RequestTokenBudget", "5000"), ("Llm:PassagesPerSearch", "2")));

        Assert.True(options.IsConfigured);
        Assert.Equal("http://127.0.0.1:11434/v1", options.Endpoint);
        Assert.Equal("qwen2.5:7b", options.Model);
        Assert.Equal("k", options.ApiKey);
        Assert.Equal(30, options.TimeoutSeconds);
        Assert.Equal(1, options.MaxRetries);
        Assert.Equal(500, options.MaxOutputTokens);
        Assert.Equal(100000, options.DailyTokenBudget);
        Assert.Equal(0, options.MaxFunctionCalls);
        Assert.Equal(5000, options.RequestTokenBudget);
        Assert.Equal(2, options.PassagesPerSearch);
    }

    [Fact]
    public void Reads_the_flat_environment_keys()
    {
        // What SOURCESEARCH_LLM_* become under AddEnvironmentVariables("SOURCESEARCH_").
        var options = LlmOptions.From(Config(("LLM_ENDPOINT", "https://api.deepseek.com/v1"), ("LLM_MODEL", "deepseek-chat"), ("LLM_API_KEY", "sk-flat")));

        Assert.True(options.IsConfigured);
        Assert.Equal("https://api.deepseek.com/v1", options.Endpoint);
        Assert.Equal("deepseek-chat", options.Model);
        Assert.Equal("sk-flat", options.ApiKey);
    }

    [Fact]
    public void Reads_the_real_environment_through_the_apps_prefix()
    {
        string endpoint = "SOURCESEARCH_LLM_ENDPOINT", model = "SOURCESEARCH_LLM_MODEL";
        Environment.SetEnvironmentVariable(endpoint, "http://127.0.0.1:1/v1");
        Environment.SetEnvironmentVariable(model, "env-model");
        try
        {
            var options = LlmOptions.From(new ConfigurationBuilder().AddEnvironmentVariables("SOURCESEARCH_").Build());

            Assert.Equal("http://127.0.0.1:1/v1", options.Endpoint);
            Assert.Equal("env-model", options.Model);
        }
        finally
        {
            Environment.SetEnvironmentVariable(endpoint, null);
            Environment.SetEnvironmentVariable(model, null);
        }
    }

    [Fact]
    public void Flat_keys_override_the_section()
    {
        var options = LlmOptions.From(Config(("Llm:Endpoint", "http://file/v1"), ("Llm:Model", "file-model"), ("Llm:TimeoutSeconds", "9"), ("LLM_MODEL", "env-model")));

        Assert.Equal("http://file/v1", options.Endpoint);
        Assert.Equal("env-model", options.Model);
        Assert.Equal(9, options.TimeoutSeconds);
    }

    [Theory]
    [InlineData("http://127.0.0.1:11434/v1", "")]
    [InlineData("", "qwen")]
    [InlineData("  ", "qwen")]
    public void Off_without_endpoint_or_model(string endpoint, string model)
    {
        Assert.False(LlmOptions.From(Config(("LLM_ENDPOINT", endpoint), ("LLM_MODEL", model))).IsConfigured);
    }

    [Fact]
    public void The_key_is_never_shown()
    {
        var options = new LlmOptions { Endpoint = "https://u:sk-secret-key@example.test/v1?key=sk-secret-key", Model = "m", ApiKey = "sk-secret-key" };

        Assert.DoesNotContain("sk-secret-key", options.ToString());
        Assert.Equal("https://example.test/v1", options.EndpointForDisplay);
        Assert.Equal("error: *** is wrong", options.Redact("error: sk-secret-key is wrong"));
    }

    [Fact]
    public void The_service_registration_shares_one_answerer()
    {
        using var services = new ServiceCollection()
            .AddSourceSearchLlm(Config(("LLM_ENDPOINT", "http://127.0.0.1:1/v1"), ("LLM_MODEL", "m")))
            .BuildServiceProvider();

        var answerer = services.GetRequiredService<LlmAnswerer>();

        Assert.True(answerer.IsConfigured);
        Assert.Same(answerer, services.GetRequiredService<LlmAnswerer>());
        Assert.Equal("m", services.GetRequiredService<LlmOptions>().Model);
    }
}
