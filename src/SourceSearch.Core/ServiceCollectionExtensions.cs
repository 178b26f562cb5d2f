using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SourceSearch.Answer;
using SourceSearch.Text;

namespace SourceSearch;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The services the CLI and the web app share: options, OpenCC, the analysis chain, the translator, the LLM
    /// connector, and <see cref="SourceSearchServices"/>, which opens the index and makes searcher and answerer.
    /// </summary>
    public static IServiceCollection AddSourceSearchCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TextOptions>().Bind(configuration.GetSection("Text"));
        services.AddSingleton(sp => new OpenCcConverter(sp.GetRequiredService<IOptions<TextOptions>>().Value));
        services.AddSingleton(sp => TextAnalysis.Load(
            sp.GetRequiredService<IOptions<TextOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("SourceSearch.Text")));
        // English queries to Chinese terms (CC-CEDICT); loaded when first asked for, preferring the words the segmenter knows.
        services.AddSingleton(sp => EnglishTranslator.Load(
            sp.GetRequiredService<IOptions<TextOptions>>().Value,
            sp.GetRequiredService<Analyzer>().Segmenter.Dictionary));
        services.AddSourceSearchLlm(configuration);
        services.AddSingleton(_ =>
        {
            var options = new Search.SearchOptions();
            configuration.GetSection("Search").Bind(options);
            return options;
        });
        services.AddSingleton(_ =>
        {
            var options = new Search.SuggestOptions();
            configuration.GetSection("Suggest").Bind(options);
            return options;
        });
        services.AddSingleton(_ =>
        {
            var options = new AnswerOptions();
            configuration.GetSection("Answer").Bind(options);
            return options;
        });
        services.AddSingleton<SourceSearchServices>();
        return services;
    }
}
