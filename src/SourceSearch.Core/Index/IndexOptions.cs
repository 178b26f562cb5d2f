namespace SourceSearch.Index;

/// <summary>Bound from configuration key "Index" (env SOURCESEARCH_INDEX, option --index).</summary>
public sealed class IndexOptions
{
    public const string DefaultDirectory = "index";

    /// <summary>The index folder; the database is DIR/sourcesearch.db.</summary>
    public string Directory { get; set; } = DefaultDirectory;

    /// <summary>Articles analysed and committed together in a bulk import.</summary>
    public int BatchSize { get; set; } = 256;
}
