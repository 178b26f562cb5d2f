using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SourceSearch.Index;
using SourceSearch.Search;

namespace SourceSearch.Cli;

/// <summary>Opens the index named by --index, $SOURCESEARCH_INDEX or the configuration (default index/).</summary>
internal static class IndexAccess
{
    public static string Directory(CliServices services) =>
        services.Get<IConfiguration>()["Index"] is { Length: > 0 } dir ? dir : IndexOptions.DefaultDirectory;

    public static Task<SearchIndex> OpenAsync(CliServices services, bool create, bool allowMismatch = false, CancellationToken cancel = default) =>
        SearchIndex.OpenAsync(Directory(services), services.Analyzer, create, allowMismatch, cancel);

    public static SearchOptions SearchOptions(CliServices services)
    {
        var options = new SearchOptions();
        services.Get<IConfiguration>().GetSection("Search").Bind(options);
        return options;
    }
}
