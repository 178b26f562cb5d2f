namespace SourceSearch.Text;

/// <summary>
/// One string per distinct term, per thread: analysis gives the same few hundred thousand terms (words, grams) over
/// and over, and a new string for each token was most of what indexing allocated (and its garbage collections a good
/// part of its time). Bounded: a thread's pool starts over when it holds too many.
/// </summary>
internal static class TermPool
{
    private const int MaxTerms = 1 << 18;

    [ThreadStatic] private static Dictionary<string, string>? t_terms;

    public static string Get(ReadOnlySpan<char> term)
    {
        if (term.Length > 8) return term.ToString(); // long terms are rare and seldom repeat
        var terms = t_terms ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var lookup = terms.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(term, out var s)) return s;
        if (terms.Count >= MaxTerms) terms.Clear();
        s = term.ToString();
        terms[s] = s;
        return s;
    }
}
