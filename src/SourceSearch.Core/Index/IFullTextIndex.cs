namespace SourceSearch.Index;

/// <summary>A passage as the full-text index takes it: its span in the article and its analysed tokens.</summary>
public sealed record IndexedPassage(int Start, int End, IReadOnlyList<Text.Analysis.AnalyzedToken> Body, IReadOnlyList<Text.Analysis.AnalyzedToken> Synonyms);

/// <summary>An article as the full-text index takes it (derived from the store's row <paramref name="Doc"/>).</summary>
public sealed record IndexedArticle(long Doc, string? Source, string? Author, string? DateKey,
    IReadOnlyList<Text.Analysis.AnalyzedToken> Title, IReadOnlyList<Text.Analysis.AnalyzedToken> TitleSynonyms, IReadOnlyList<IndexedPassage> Passages);

/// <summary>
/// The full-text index the searcher talks to: passages of the store's articles, derived from the store and
/// rebuilt from it. Each commit records the last store change it holds (<see cref="CommittedSequence"/>).
/// </summary>
/// <summary>Whether to keep a term (given as characters, so terms passed over are never made strings).</summary>
public delegate bool TermFilter(ReadOnlySpan<char> term);

public interface IFullTextIndex : IDisposable
{
    /// <summary>Whether this process holds the index's write lock (only one process does; the others read its commits).</summary>
    bool IsWriter { get; }

    /// <summary>The last store change the index holds, as of its last commit (0 for a new index).</summary>
    long CommittedSequence { get; }

    /// <summary>The analysis recorded with the last commit (null for a new index).</summary>
    string? CommittedAnalysis { get; }

    /// <summary>Adds an article's passages (its <see cref="IndexedArticle.Doc"/> must not be indexed yet).</summary>
    void Add(IndexedArticle article);

    /// <summary>Removes the passages of article <paramref name="doc"/>.</summary>
    void Delete(long doc);

    /// <summary>Removes every passage (before a rebuild from the store).</summary>
    void DeleteAll();

    /// <summary>Makes what was added and deleted visible to the next search (no commit).</summary>
    void Refresh();

    /// <summary>Makes everything durable, recording that the index holds the store's changes up to <paramref name="sequence"/>.</summary>
    void Commit(long sequence, string analysis);

    /// <summary>Sees the writer's latest commit (a process that is not the writer).</summary>
    void RefreshFromCommits();

    /// <summary>The terms of the passages' text (words, grams, Latin words, numbers) that <paramref name="keep"/> takes, each with how many passages hold it.</summary>
    List<(string Term, int Passages)> Terms(TermFilter keep);

    /// <summary>The best <paramref name="limit"/> passages matching <paramref name="query"/>, best first.</summary>
    List<PassageMatch> Search(IndexQuery query, IndexFilters filters, FieldWeights weights, int limit);

    /// <summary>How many passages each article has in the index (for `check`).</summary>
    Dictionary<long, int> PassageCounts();

    /// <summary>The engine's own integrity check; empty when sound.</summary>
    IReadOnlyList<string> CheckIntegrity();

    /// <summary>Merges the index's segments (after a large load: smaller and faster to search).</summary>
    void Optimize();
}
