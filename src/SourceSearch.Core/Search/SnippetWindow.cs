using SourceSearch.Text;

namespace SourceSearch.Search;

/// <summary>
/// Which stretch of a passage a snippet shows: about <c>length</c> characters around the first highlight, starting
/// at the sentence (or clause) that holds it when that is near, ending at a sentence or clause end when one is near,
/// otherwise at a word boundary; a highlight is never cut. Whether text was left out before or after is for the
/// caller to mark (…).
/// </summary>
public static class SnippetWindow
{
    private const string SentenceEnds = "。！？!?；;\n";
    private const string ClauseEnds = "，、：,:）」』》\"”";

    /// <param name="isWordBoundary">Whether a cut at this offset falls between words (not inside one).</param>
    public static (int From, int To) Choose(string text, int start, int end, IReadOnlyList<(int Start, int End)> spans, int length,
        Func<int, bool> isWordBoundary)
    {
        if (end - start <= length) return (start, end);
        int anchor = spans.Count > 0 ? Math.Clamp(spans[0].Start, start, end) : start;

        // Start: the sentence holding the anchor when it begins within half a snippet before it, else a clause
        // within a quarter, else a word boundary about a quarter before it.
        int from = BackTo(text, anchor, Math.Max(start, anchor - length / 2), SentenceEnds)
            ?? BackTo(text, anchor, Math.Max(start, anchor - length / 4), ClauseEnds)
            ?? WordEdge(Math.Max(start, anchor - length / 4), start, anchor, isWordBoundary, backwards: true);
        int to = Math.Min(end, from + length);
        if (to == end) from = Math.Max(start, Math.Min(from, WordEdge(end - length, start, from, isWordBoundary, backwards: true)));

        // End: a sentence end in the last half, else a clause end in the last quarter, else a word boundary.
        if (to < end)
        {
            int floor = Math.Max(from + 1, Math.Max(anchor, from + length / 2));
            to = BackTo(text, to, floor, SentenceEnds) ?? BackTo(text, to, Math.Max(floor, to - length / 4), ClauseEnds)
                ?? WordEdge(to, Math.Max(from + 1, anchor + 1), end, isWordBoundary, backwards: true);
        }

        // A highlight is never cut: the window grows to hold a highlight it would cut.
        foreach (var (s, e) in spans)
        {
            if (s < from && from < e) from = s;
            if (s < to && to < e) to = e;
        }
        while (from < to && char.IsWhiteSpace(text[from])) from++;
        while (to > from && char.IsWhiteSpace(text[to - 1])) to--;
        if (from > start && char.IsLowSurrogate(text[from])) from--;
        if (to < end && to > 0 && char.IsHighSurrogate(text[to - 1])) to++;
        return (from, to);
    }

    // The last offset in [floor, at] right after one of the marks (so the cut keeps the mark on the left), or null.
    private static int? BackTo(string text, int at, int floor, string marks)
    {
        for (int i = at; i > floor; i--)
            if (marks.Contains(text[i - 1])) return i;
        return null;
    }

    // The nearest word boundary from `at` (going back, or forward when none), within [min, max].
    private static int WordEdge(int at, int min, int max, Func<int, bool> isWordBoundary, bool backwards)
    {
        at = Math.Clamp(at, min, max);
        for (int step = 0; step <= 6; step++)
        {
            int back = at - step, forward = at + step;
            if (backwards && back >= min && isWordBoundary(back)) return back;
            if (forward <= max && isWordBoundary(forward)) return forward;
            if (!backwards && back >= min && isWordBoundary(back)) return back;
        }
        return at;
    }

    /// <summary>
    /// A word-boundary test over <paramref name="text"/> from the analyser's words: an offset is a boundary unless
    /// a word (a dictionary/HMM word or a Latin word or number, not its parts) spans it. Only a few characters
    /// around each asked offset are analysed.
    /// </summary>
    public static Func<int, bool> WordBoundaries(Analyzer analyzer, string text, Script script)
    {
        return at =>
        {
            if (at <= 0 || at >= text.Length) return true;
            if (char.IsLowSurrogate(text[at])) return false;
            if (IsWordChar(text[at - 1]) != IsWordChar(text[at])) return true;
            if (char.IsAsciiLetterOrDigit(text[at - 1]) && char.IsAsciiLetterOrDigit(text[at])) return false;
            int a = Math.Max(0, at - 8), b = Math.Min(text.Length, at + 8);
            if (a > 0 && char.IsLowSurrogate(text[a])) a--;
            foreach (var t in analyzer.Analyze(text[a..b], script))
                if (!t.IsPart && t.Type is TokenType.Word or TokenType.Latin or TokenType.Number && t.Start + a < at && at < t.End + a
                    && (t.Start > 0 || a == 0) && (t.End + a < b || b == text.Length)) // a word cut by the window's edges says nothing
                    return false;
            return true;
        };
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || char.IsSurrogate(c);
}
