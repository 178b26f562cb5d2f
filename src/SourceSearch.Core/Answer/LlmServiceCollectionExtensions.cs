using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SourceSearch.Answer;

public static class LlmServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LlmOptions"/> (section "Llm" or SOURCESEARCH_LLM_*) and one shared
    /// <see cref="LlmAnswerer"/> (one token budget per process); it reports itself off when not configured.
    /// </summary>
    public static IServiceCollection AddSourceSearchLlm(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => LlmOptions.From(configuration));
        services.AddSingleton(sp => LlmAnswerer.Create(sp.GetRequiredService<LlmOptions>(), sp.GetService<ILoggerFactory>()));
        return services;
    }
}
