using System.Collections.Concurrent;
using SourceSearch.Text;

namespace SourceSearch.Search;

/// <summary>
/// Passages, titles and sentences as folded (normalised, script and numerals folded, mapped to the original), kept
/// across searches: every search folds the passages it re-ranks and highlights, every question the sentences it
/// weighs, and a server finds the same ones again and again. An entry is used only for the very text it was folded
/// from, so a replaced article is folded anew.
/// </summary>
internal sealed class FoldedPassages(Analyzer analyzer, long capacityChars = 4_000_000)
{
    private readonly ConcurrentDictionary<(long Doc, int Start, int Length), (string Text, MappedText Folded)> _entries = new();
    private long _chars; // an upper bound of the characters held: ConcurrentDictionary.Count would take every lock

    public int Count => _entries.Count;

    /// <summary><paramref name="text"/>, the stretch of <paramref name="doc"/> at <paramref name="start"/> (-1: its title), folded.</summary>
    public MappedText Fold(long doc, int start, string text)
    {
        var key = (doc, start, text.Length);
        if (_entries.TryGetValue(key, out var kept) && string.Equals(kept.Text, text, StringComparison.Ordinal))
            return kept.Folded;
        var folded = analyzer.Fold(text);
        // Bounded simply: emptied when full (a few million characters: what a server's searches keep finding).
        if (Interlocked.Add(ref _chars, text.Length + 1) > capacityChars)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _chars, text.Length + 1);
        }
        _entries[key] = (text, folded);
        return folded;
    }
}
