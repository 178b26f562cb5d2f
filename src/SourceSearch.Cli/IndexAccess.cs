using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Cli;

/// <summary>Opens the index named by --index, $SOURCESEARCH_INDEX or the configuration (default index/).</summary>
internal static class IndexAccess
{
    public static string Directory(CliServices services) => services.App.Settings.Directory;

    /// <summary>Opens the configured index through the composition root the web app shares (analyzer and restore window from configuration).</summary>
    public static Task<SearchIndex> OpenAsync(CliServices services, bool create, bool allowMismatch = false, CancellationToken cancel = default) =>
        services.App.OpenIndexAsync(create, allowMismatch, cancel);

    /// <summary>The analyzer asked for (--analyzer or $SOURCESEARCH_ANALYZER); null when none was.</summary>
    public static TokenizerKind? RequestedTokenizer(CliServices services) => services.App.Settings.Analyzer;

    public const string DefaultCorpus = "corpus";

    /// <summary>
    /// Opens the index for reading. When it is the default index and does not exist yet, it is built
    /// from corpus/ first (as the web app does on first start), so a newcomer can search at once.
    /// </summary>
    public static async Task<SearchIndex> OpenForSearchAsync(CliServices services, CliIo io, CancellationToken cancel)
    {
        string dir = Directory(services);
        bool isDefault = !services.App.Settings.DirectoryGiven;
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

    public static Searcher Searcher(CliServices services, SearchIndex index) => services.App.CreateSearcher(index);
}
