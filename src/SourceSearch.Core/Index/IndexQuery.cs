namespace SourceSearch.Index;

/// <summary>The analysed fields of a passage a query term can match.</summary>
[Flags]
public enum IndexFields
{
    /// <summary>The passage's words, grams, Latin words and numbers.</summary>
    Body = 1,
    /// <summary>The article's title (every passage carries it).</summary>
    Title = 2,
    /// <summary>Regional vocabulary synonyms of Traditional-script text (weighed less than a literal match).</summary>
    Vocabulary = 4,
    All = Body | Title | Vocabulary,
    Literal = Body | Title,
}

/// <summary>
/// A query over the full-text index in terms any engine has (terms, phrases, and, or, not), so the
/// searcher compiles queries once and an index backend (Lucene here; Elasticsearch or OpenSearch later)
/// translates them. Terms are already analysed: the backend does not analyse again.
/// </summary>
public abstract record IndexQuery
{
    /// <summary>A term in any of <paramref name="Fields"/>; its score sums over the fields, each by its weight.</summary>
    public sealed record Term(IndexFields Fields, string Value) : IndexQuery;

    /// <summary>Terms at these relative positions, in one of <paramref name="Fields"/>.</summary>
    public sealed record Phrase(IndexFields Fields, IReadOnlyList<(string Term, int Position)> Terms) : IndexQuery;

    /// <summary>At least one clause matches; the scores of those that do add up.</summary>
    public sealed record Any(IReadOnlyList<IndexQuery> Clauses) : IndexQuery;

    /// <summary>Every clause matches; their scores add up.</summary>
    public sealed record All(IReadOnlyList<IndexQuery> Clauses) : IndexQuery;

    /// <summary><paramref name="Required"/> matches; <paramref name="Optional"/> need not, and adds its score where it does.</summary>
    public sealed record Ranked(IndexQuery Required, IndexQuery Optional) : IndexQuery;

    /// <summary><paramref name="Positive"/> matches and <paramref name="Excluded"/> does not.</summary>
    public sealed record Not(IndexQuery Positive, IndexQuery Excluded) : IndexQuery;
}

/// <summary>Filters on an article's metadata: exact source and author, a date range at the precision given.</summary>
public sealed record IndexFilters(string? Source, string? Author, string? From, string? To)
{
    public static readonly IndexFilters None = new(null, null, null, null);

    public bool IsEmpty => Source is null && Author is null && From is null && To is null;
}

/// <summary>BM25 weights of the fields.</summary>
public sealed record FieldWeights(double Title, double Body, double Vocabulary);

/// <summary>A matching passage: its article's number in the store, the passage's span in the article's text, and its score.</summary>
public readonly record struct PassageMatch(long Doc, int Start, int End, double Score);
