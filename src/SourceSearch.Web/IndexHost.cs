using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Text;

namespace SourceSearch.Web;

/// <summary>
/// Holds the open index. On start it opens the configured index (Index, or $SOURCESEARCH_INDEX,
/// default index/), building it from corpus/ first when it does not exist yet, as `search` does.
/// </summary>
public sealed class IndexHost(IConfiguration configuration, WebOptions web, IServiceProvider services, ILogger<IndexHost> logger) : IDisposable
{
    private SearchIndex? _index;
    private EnglishTranslator? _translator;
    private bool _translatorTried;
    private readonly Lock _lock = new();

    public SearchIndex Index => _index ?? throw new InvalidOperationException("the index is not open yet");

    public string Directory => configuration["Index"] is { Length: > 0 } dir ? dir : IndexOptions.DefaultDirectory;

    public async Task OpenAsync(CancellationToken cancel = default)
    {
        if (_index is not null) return;
        int restoreDays = SearchIndex.RestoreDaysFrom(configuration);
        var index = await OpenIndexAsync(cancel);
        index.RestoreDays = restoreDays;
        if (index.IsReadOnly)
            logger.LogWarning("the index {Path} cannot be written: it is served read-only (searches work; adding, replacing and deleting are refused)", index.DatabasePath);
        _index = index;
    }

    private async Task<SearchIndex> OpenIndexAsync(CancellationToken cancel)
    {
        var analyzer = services.GetRequiredService<Analyzer>();
        bool isDefault = configuration["Index"] is not { Length: > 0 };
        string? corpus = web.Corpus is { Length: > 0 } c ? c : isDefault ? "corpus" : null;
        if (corpus is not null && !File.Exists(SearchIndex.PathIn(Directory)) && System.IO.Directory.Exists(corpus))
        {
            logger.LogWarning("no index yet: building {Index}/ from {Corpus}/ first", Directory, corpus);
            var index = await SearchIndex.OpenAsync(Directory, analyzer, create: true, cancel: cancel, tokenizer: NewIndexTokenizer());
            try
            {
                int added = await ImportAsync(index, corpus, cancel);
                logger.LogWarning("indexed {Count} articles from {Corpus}/", added, corpus);
                return index;
            }
            catch
            {
                index.Dispose(); // its pooled connections hold the file open
                throw;
            }
        }
        return await SearchIndex.OpenAsync(Directory, analyzer, create: true, cancel: cancel, tokenizer: NewIndexTokenizer());
    }

    // The analyzer an index made here gets (Analyzer, $SOURCESEARCH_ANALYZER); an existing index keeps its own.
    private Text.Analysis.TokenizerKind NewIndexTokenizer()
    {
        string? name = configuration["Analyzer"];
        if (string.IsNullOrWhiteSpace(name)) return Text.Analysis.TokenizerKind.Words;
        return Text.Analysis.TokenizerKinds.TryParse(name, out var kind) ? kind
            : throw new SettingsException($"the setting Analyzer holds '{name}': use one of {string.Join(", ", Text.Analysis.TokenizerKinds.Names)}");
    }

    private async Task<int> ImportAsync(SearchIndex index, string corpus, CancellationToken cancel)
    {
        async IAsyncEnumerable<Article> Readable()
        {
            await foreach (var result in new ArticleReader().ReadAsync([corpus], cancel))
            {
                if (result.Failure is { } f) { logger.LogWarning("{Path}: {Reason}", f.Path, f.Reason); continue; }
                if (SearchIndex.Problem(result.Article!) is { } problem) { logger.LogWarning("article '{Id}': {Problem}", result.Article!.Id, problem); continue; }
                yield return result.Article!;
            }
        }
        int count = 0;
        await index.ImportAsync(Readable(), null, new ImportOptions(), done => { count += done.Count; return Task.CompletedTask; }, cancel);
        return count;
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

    public void Dispose() => _index?.Dispose();
}
