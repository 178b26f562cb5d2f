using System.Collections.Concurrent;
using SourceSearch.Text;

namespace SourceSearch.Search;

/// <summary>
/// Passages and titles as folded (normalised, script and numerals folded, mapped to the original), kept across
/// searches: every search folds the passages it re-ranks and highlights, and a server finds the same passages again
/// and again. An entry is used only for the very text it was folded from, so a replaced article is folded anew.
/// </summary>
internal sealed class FoldedPassages(Analyzer analyzer, int capacity = 8192)
{
    private readonly ConcurrentDictionary<(long Doc, int Start), (string Text, MappedText Folded)> _entries = new();
    private int _added; // an upper bound of the entries: ConcurrentDictionary.Count takes every lock

    public int Count => _entries.Count;

    /// <summary><paramref name="text"/>, the passage of <paramref name="doc"/> at <paramref name="start"/> (-1: its title), folded.</summary>
    public MappedText Fold(long doc, int start, string text)
    {
        if (_entries.TryGetValue((doc, start), out var kept) && string.Equals(kept.Text, text, StringComparison.Ordinal))
            return kept.Folded;
        var folded = analyzer.Fold(text);
        // Bounded simply: emptied when full. A few thousand passages are what a server's searches keep finding.
        if (Interlocked.Increment(ref _added) > capacity)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _added, 1);
        }
        _entries[(doc, start)] = (text, folded);
        return folded;
    }
}
