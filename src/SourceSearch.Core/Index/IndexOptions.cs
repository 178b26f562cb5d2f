namespace SourceSearch.Index;

/// <summary>Where the index lives: configuration key "Index" (env SOURCESEARCH_INDEX, option --index).</summary>
public static class IndexOptions
{
    /// <summary>The index folder when none is given; the database is DIR/sourcesearch.db.</summary>
    public const string DefaultDirectory = "index";
}
