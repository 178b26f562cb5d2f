using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SourceSearch.Answer;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Text;
using SourceSearch.Text.Analysis;

namespace SourceSearch;

/// <summary>
/// Where the index lives and how a new one is made, from configuration: <c>Index</c> (env SOURCESEARCH_INDEX,
/// --index; default index/), <c>Analyzer</c> (env SOURCESEARCH_ANALYZER, --analyzer: the tokenizer a new index gets)
/// <c>Index:RestoreDays</c> and <c>Index:CommitSeconds</c> (how often the full-text index commits at most, default 2).
/// </summary>
public sealed record IndexSettings(string Directory, TokenizerKind? Analyzer, int RestoreDays, bool DirectoryGiven, double CommitSeconds = 2)
{
    public static IndexSettings From(IConfiguration configuration)
    {
        string? dir = configuration["Index"];
        string? name = configuration["Analyzer"];
        TokenizerKind? analyzer = null;
        if (!string.IsNullOrWhiteSpace(name))
        {
            if (!TokenizerKinds.TryParse(name, out var kind))
                throw new IndexUnusableException($"the setting Analyzer ($SOURCESEARCH_ANALYZER, --analyzer) is '{name}': use one of {string.Join(", ", TokenizerKinds.Names)}");
            analyzer = kind;
        }
        double commitSeconds = 2;
        if (configuration["Index:CommitSeconds"] is { Length: > 0 } given
            && (!double.TryParse(given, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out commitSeconds)
                || commitSeconds < 0 || commitSeconds > 86_400))
            throw new IndexUnusableException($"the setting Index:CommitSeconds is '{given}': give a number of seconds from 0 to 86400");
        return new IndexSettings(dir is { Length: > 0 } ? dir : IndexOptions.DefaultDirectory, analyzer, SearchIndex.RestoreDaysFrom(configuration),
            dir is { Length: > 0 }, commitSeconds);
    }
}

/// <summary>
/// The one composition root the CLI and the web app share: opens the configured index, and makes the searcher and
/// the answerer over it with the configured options, the OpenCC converter, the English translator (loaded when
/// first needed; without its dictionary English queries are searched as they are, with a warning once) and the
/// LLM connector.
/// </summary>
public sealed class SourceSearchServices(IServiceProvider services, IConfiguration configuration, ILogger<SourceSearchServices> logger)
{
    private readonly Lock _lock = new();
    private EnglishTranslator? _translator;
    private bool _translatorTried;

    public IndexSettings Settings { get; } = IndexSettings.From(configuration);

    public Analyzer Analyzer => services.GetRequiredService<Analyzer>();

    /// <summary>
    /// Opens the configured index (creating it when <paramref name="create"/>, with the configured analyzer). When an
    /// analyzer is asked for and the index was made with another, it is refused with what to do.
    /// </summary>
    public async Task<SearchIndex> OpenIndexAsync(bool create, bool allowMismatch = false, CancellationToken cancel = default)
    {
        var index = await SearchIndex.OpenAsync(Settings.Directory, Analyzer, create, allowMismatch, cancel, Settings.Analyzer ?? TokenizerKind.Words);
        index.RestoreDays = Settings.RestoreDays;
        index.FullTextCommitInterval = TimeSpan.FromSeconds(Settings.CommitSeconds);
        if (Settings.Analyzer is { } kind && kind != index.Tokenizer && !allowMismatch)
        {
            index.Dispose();
            throw new IndexUnusableException(
                $"the index in {Settings.Directory}/ was made with the {index.Tokenizer.Name()} analyzer, not {kind.Name()}: " +
                $"leave out --analyzer (and $SOURCESEARCH_ANALYZER) to use it as it is, or run 'sourcesearch reindex --analyzer {kind.Name()}' to change it");
        }
        return index;
    }

    /// <summary>The English → Chinese translator, or null (with a warning once) when its dictionary is not installed.</summary>
    public EnglishTranslator? Translator()
    {
        lock (_lock)
        {
            if (_translatorTried) return _translator;
            _translatorTried = true;
            try { _translator = services.GetRequiredService<EnglishTranslator>(); }
            catch (DictionaryUnavailableException e) { logger.LogWarning("English queries are searched as they are: {Reason}", e.Message); }
            return _translator;
        }
    }

    public Searcher CreateSearcher(SearchIndex index)
    {
        var openCc = services.GetRequiredService<OpenCcConverter>();
        var suggester = new Suggester(index, Analyzer, Pinyin, openCc, services.GetRequiredService<SuggestOptions>(), logger);
        return new Searcher(index, services.GetRequiredService<SearchOptions>(), openCc, Translator, suggester);
    }

    private Pinyin? _pinyin;

    /// <summary>Toneless pinyin from the translator's CC-CEDICT (null when it is not installed).</summary>
    public Pinyin? Pinyin()
    {
        if (Volatile.Read(ref _pinyin) is { } made) return made;
        if (Translator() is not { } translator) return null;
        lock (_lock) return _pinyin ??= new Pinyin(translator.Cedict);
    }

    public QuestionAnswerer CreateAnswerer(Searcher searcher) =>
        new(searcher, Analyzer, services.GetRequiredService<AnswerOptions>(), services.GetRequiredService<LlmAnswerer>());
}
