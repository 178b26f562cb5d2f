using System.Text;

namespace SourceSearch.Answer;

/// <summary>
/// Finds words a model quoted in the passage it cites: exactly; else with white space, punctuation, letter case
/// and full-width forms set aside (a model often changes those); else within a few edits (one in eight
/// characters). Offsets are the passage's own, so the quote can be replaced by its exact text.
/// </summary>
internal static class QuoteLocator
{
    /// <summary>Longest quote tried approximately; past it only exact and normalised matches count.</summary>
    private const int MaxFuzzyLength = 400;

    /// <summary>Shortest quote tried approximately: a few characters within an edit or two match too much.</summary>
    private const int MinFuzzyLength = 6;

    public static (int Start, int End, bool Exact)? Locate(string quote, string text)
    {
        if (quote.Length == 0) return null;
        int exact = text.IndexOf(quote, StringComparison.Ordinal);
        if (exact >= 0) return (exact, exact + quote.Length, true);

        var (q, _) = Normalise(quote);
        var (t, map) = Normalise(text);
        if (q.Length == 0 || t.Length == 0) return null;
        int found = t.IndexOf(q, StringComparison.Ordinal);
        if (found >= 0) return (map[found], map[found + q.Length - 1] + 1, false);
        if (q.Length < MinFuzzyLength || q.Length > MaxFuzzyLength) return null;
        if (Approximate(q, t, Math.Max(1, q.Length / 8)) is not var (s, e)) return null;
        return (map[s], map[e - 1] + 1, false);
    }

    /// <summary>The text's letters and digits, lower case and half-width, with where each came from.</summary>
    private static (string Text, int[] Map) Normalise(string text)
    {
        var sb = new StringBuilder(text.Length);
        var map = new List<int>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is >= '\uFF01' and <= '\uFF5E') c = (char)(c - 0xFEE0);
            if (char.IsWhiteSpace(c) || char.IsPunctuation(c) || char.IsSeparator(c)) continue;
            sb.Append(char.ToLowerInvariant(c));
            map.Add(i);
        }
        return (sb.ToString(), map.ToArray());
    }

    /// <summary>
    /// The span of <paramref name="text"/> closest to <paramref name="pattern"/> by edit distance, the span's start
    /// free (Sellers' algorithm, one column at a time); null when the closest is more than <paramref name="maxEdits"/> away.
    /// </summary>
    private static (int Start, int End)? Approximate(string pattern, string text, int maxEdits)
    {
        int m = pattern.Length;
        var prev = new int[m + 1];
        var prevStart = new int[m + 1];
        var cur = new int[m + 1];
        var curStart = new int[m + 1];
        for (int i = 0; i <= m; i++) prev[i] = i;
        int best = int.MaxValue, bestStart = 0, bestEnd = 0;
        for (int j = 1; j <= text.Length; j++)
        {
            cur[0] = 0;
            curStart[0] = j;
            for (int i = 1; i <= m; i++)
            {
                int cost = prev[i - 1] + (pattern[i - 1] == text[j - 1] ? 0 : 1), start = prevStart[i - 1];
                if (prev[i] + 1 < cost) { cost = prev[i] + 1; start = prevStart[i]; }
                if (cur[i - 1] + 1 < cost) { cost = cur[i - 1] + 1; start = curStart[i - 1]; }
                cur[i] = cost;
                curStart[i] = start;
            }
            if (cur[m] < best && j > curStart[m]) (best, bestStart, bestEnd) = (cur[m], curStart[m], j);
            (prev, cur) = (cur, prev);
            (prevStart, curStart) = (curStart, prevStart);
        }
        return best <= maxEdits ? (bestStart, bestEnd) : null;
    }
}
