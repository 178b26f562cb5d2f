using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Text;

namespace SourceSearch.Web;

/// <summary>
/// Holds the open index. On start it opens the configured index (Index, or $SOURCESEARCH_INDEX,
/// default index/), building it from corpus/ first when it does not exist yet, as `search` does.
/// </summary>
public sealed class IndexHost(SourceSearchServices app, WebOptions web, ILogger<IndexHost> logger) : IDisposable
{
    private SearchIndex? _index;

    public SearchIndex Index => _index ?? throw new InvalidOperationException("the index is not open yet");

    public string Directory => app.Settings.Directory;

    public async Task OpenAsync(CancellationToken cancel = default)
    {
        if (_index is not null) return;
        var index = await OpenIndexAsync(cancel);
        if (index.IsReadOnly)
            logger.LogWarning("the index {Path} cannot be written: it is served read-only (searches work; adding, replacing and deleting are refused)", index.DatabasePath);
        _index = index;
    }

    private async Task<SearchIndex> OpenIndexAsync(CancellationToken cancel)
    {
        string? corpus = web.Corpus is { Length: > 0 } c ? c : !app.Settings.DirectoryGiven ? "corpus" : null;
        if (corpus is not null && !File.Exists(SearchIndex.PathIn(Directory)) && System.IO.Directory.Exists(corpus))
        {
            logger.LogWarning("no index yet: building {Index}/ from {Corpus}/ first", Directory, corpus);
            var index = await app.OpenIndexAsync(create: true, cancel: cancel);
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
        return await app.OpenIndexAsync(create: true, cancel: cancel);
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

    public void Dispose() => _index?.Dispose();
}
