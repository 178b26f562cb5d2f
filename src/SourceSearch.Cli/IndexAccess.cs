using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Cli;

/// <summary>Opens the index named by --index, $SOURCESEARCH_INDEX or the configuration (default index/).</summary>
internal static class IndexAccess
{
    public static string Directory(CliServices services) =>
        services.Get<IConfiguration>()["Index"] is { Length: > 0 } dir ? dir : IndexOptions.DefaultDirectory;

    public static async Task<SearchIndex> OpenAsync(CliServices services, bool create, bool allowMismatch = false, CancellationToken cancel = default)
    {
        int restoreDays = SearchIndex.RestoreDaysFrom(services.Get<IConfiguration>());
        var requested = RequestedTokenizer(services);
        var index = await SearchIndex.OpenAsync(Directory(services), services.Analyzer, create, allowMismatch, cancel, requested ?? TokenizerKind.Words);
        index.RestoreDays = restoreDays;
        if (requested is { } kind && kind != index.Tokenizer && !allowMismatch)
        {
            index.Dispose();
            throw new IndexUnusableException(
                $"the index in {Directory(services)}/ was made with the {index.Tokenizer.Name()} analyzer, not {kind.Name()}: " +
                $"leave out --analyzer (and $SOURCESEARCH_ANALYZER) to use it as it is, or run 'sourcesearch reindex --analyzer {kind.Name()}' to change it");
        }
        return index;
    }

    /// <summary>The analyzer asked for (--analyzer or $SOURCESEARCH_ANALYZER); null when none was.</summary>
    public static TokenizerKind? RequestedTokenizer(CliServices services)
    {
        string? name = services.Get<IConfiguration>()["Analyzer"];
        if (string.IsNullOrWhiteSpace(name)) return null;
        if (!TokenizerKinds.TryParse(name, out var kind))
            throw new IndexUnusableException($"unknown analyzer '{name}' (in $SOURCESEARCH_ANALYZER or --analyzer): use one of {string.Join(", ", TokenizerKinds.Names)}");
        return kind;
    }

    public const string DefaultCorpus = "corpus";

    /// <summary>
    /// Opens the index for reading. When it is the default index and does not exist yet, it is built
    /// from corpus/ first (as the web app does on first start), so a newcomer can search at once.
    /// </summary>
    public static async Task<SearchIndex> OpenForSearchAsync(CliServices services, CliIo io, CancellationToken cancel)
    {
        string dir = Directory(services);
        bool isDefault = services.Get<IConfiguration>()["Index"] is not { Length: > 0 };
        if (isDefault && !File.Exists(SearchIndex.PathIn(dir)) && System.IO.Directory.Exists(DefaultCorpus))
        {
            await io.Error.WriteLineAsync($"sourcesearch: no index yet: building {dir}/ from {DefaultCorpus}/ first");
            var index = await OpenAsync(services, create: true, cancel: cancel);
            try
            {
                await ArticleCommands.ImportAsync(index, [DefaultCorpus], io.Error, !io.ErrorIsTerminal, cancel);
            }
            catch
            {
                index.Dispose();
                throw;
            }
            return index;
        }
        return await OpenAsync(services, create: false, cancel: cancel);
    }

    public static SearchOptions SearchOptions(CliServices services)
    {
        var options = new SearchOptions();
        services.Get<IConfiguration>().GetSection("Search").Bind(options);
        return options;
    }
}
