using System.Text.RegularExpressions;

namespace SourceSearch.Answer;

/// <summary>
/// Checks every reply's citations against the passages actually given, so that nothing the model
/// (or a passage speaking to it) invents can reach the person: a number that names no given passage
/// is removed, a sentence left without a valid citation is marked unsupported, and a reply with no
/// supported sentence is not usable. Citations are rewritten as [1][2] whatever form the model used:
/// [1, 2], [1][2], [1-3], ［1］, 【1】, [passage 1]. Quotes in 「」 must be the cited passage's words: they are
/// located there (and corrected when a little off), or the answer is not usable.
/// </summary>
public static partial class CitationChecker
{
    /// <summary>The model's way of saying the passages do not answer (the answer prompt asks for it).</summary>
    public const string NoAnswerMarker = "NO_ANSWER";

    private const int MaxRangeExpansion = 10;

    /// <summary>Checks the citation numbers only (quotes are not looked at).</summary>
    public static LlmAnswer Check(string reply, IEnumerable<int> givenPassages) => Check(reply, givenPassages, null);

    /// <summary>
    /// Checks the citation numbers against the passages received, and every quote (in 「」 or 『』) against the
    /// passage its sentence cites: found exactly, kept; found with small differences, replaced by the passage's
    /// exact words; not found, the answer is not usable.
    /// </summary>
    public static LlmAnswer Check(string reply, IReadOnlyList<AnswerPassage> received) => Check(reply, received.Select(p => p.N), received);

    private static LlmAnswer Check(string reply, IEnumerable<int> givenPassages, IReadOnlyList<AnswerPassage>? received)
    {
        var given = givenPassages.ToHashSet();
        string text = StripThinking(reply).Trim();
        if (text.Length == 0)
            return LlmAnswer.Unusable("The language model sent an empty answer.");
        if (IsNoAnswer(text))
            return LlmAnswer.Unusable("The language model found no answer in the passages.");

        var removed = new SortedSet<int>();
        text = CitationGroup().Replace(text, match =>
        {
            var valid = new List<int>();
            foreach (int n in match.Groups["body"].Captures.SelectMany(body => Numbers(body.Value)))
            {
                if (!given.Contains(n)) removed.Add(n);
                else if (!valid.Contains(n)) valid.Add(n);
            }
            // An emptied group takes its leading space with it, so "fast [7]." becomes "fast.".
            return valid.Count == 0 ? "" : match.Groups["lead"].Value + string.Concat(valid.Select(n => $"[{n}]"));
        });

        var quotes = new List<LlmQuote>();
        int corrected = 0;
        if (received is not null)
        {
            string? misquoted = null;
            string numbered = text;
            text = QuoteMarks().Replace(numbered, match =>
            {
                if (misquoted is not null) return match.Value;
                string said = match.Groups["q"].Value;
                var cited = CitationsAfter(numbered, match.Index + match.Length);
                if (cited.Count == 0) return match.Value;   // its sentence is unsupported anyway
                foreach (var p in received.Where(p => cited.Contains(p.N)))
                {
                    if (QuoteLocator.Locate(said, p.Text) is not var (start, end, exact)) continue;
                    quotes.Add(new LlmQuote(p.N, p.Start + start, p.Start + end));
                    if (exact) return match.Value;
                    corrected++;
                    return match.Groups["open"].Value + p.Text[start..end] + match.Groups["close"].Value;
                }
                misquoted = said;
                return match.Value;
            });
            if (misquoted is not null)
                return LlmAnswer.Unusable(
                    $"The language model's answer quotes words that are not in the passage it cites (「{Shorten(misquoted)}」), so it is not shown.", text);
        }

        var sentences = Sentences(text);
        var cited = sentences.SelectMany(s => s.Citations).Distinct().ToList();
        var notices = new List<string>();
        if (removed.Count > 0) notices.Add($"Removed citations to passages that were not given: {string.Concat(removed.Select(n => $"[{n}]"))}.");
        if (corrected > 0) notices.Add(corrected == 1 ? "A quote was corrected to the passage's exact words." : $"{corrected} quotes were corrected to the passages' exact words.");
        string? notice = notices.Count > 0 ? string.Join(" ", notices) : null;
        if (!sentences.Any(s => s.Supported))
            return new LlmAnswer(text, sentences, cited, false,
                "The language model's answer cited none of the given passages, so it is not shown." + (notice is null ? "" : " " + notice));
        return new LlmAnswer(text, sentences, cited, true, notice) { Received = received ?? [], Quotes = quotes.Where(q => cited.Contains(q.N)).ToList() };
    }

    /// <summary>The passages a quote cites: the first citations after it (its sentence's), none when it has none.</summary>
    private static HashSet<int> CitationsAfter(string text, int from)
    {
        var next = NormalCitationRun().Match(text, from);
        return next.Success ? NormalCitation().Matches(next.Value).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet() : [];
    }

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..30] + "…";

    /// <summary>Reasoning models (DeepSeek-R1, Qwen3) may put their thinking in the reply: it is not the answer.</summary>
    public static string StripThinking(string reply)
    {
        string text = ThinkBlock().Replace(reply, "");
        int open = text.IndexOf("<think>", StringComparison.OrdinalIgnoreCase);
        return open >= 0 ? text[..open] : text;   // an unclosed block runs to the end
    }

    private static bool IsNoAnswer(string text)
    {
        string bare = text.Trim().Trim('*', '`', '"', '\'', '.', '。', ' ');
        return bare.Equals(NoAnswerMarker, StringComparison.OrdinalIgnoreCase)
            || bare.Replace(' ', '_').Equals(NoAnswerMarker, StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<int> Numbers(string body)
    {
        foreach (Match item in CitationItem().Matches(body))
        {
            int first = ParseDigits(item.Groups["a"].Value);
            int last = item.Groups["b"].Success ? ParseDigits(item.Groups["b"].Value) : first;
            if (last < first || last - first >= MaxRangeExpansion) last = first;
            for (int n = first; n <= last; n++) yield return n;
        }
    }

    private static int ParseDigits(string digits)
    {
        int n = 0;
        foreach (char c in digits) n = n * 10 + (c >= '０' && c <= '９' ? c - '０' : c - '0');
        return n;
    }

    /// <summary>
    /// Splits the (rewritten) answer into sentences. A sentence ends at 。！？!? (a run of them), at a
    /// '.' followed by a space, a citation or the end (not "3.5", not a list's "1."), or at a line break;
    /// citations right after the end mark ("…很快。[1]") belong to the sentence before it.
    /// </summary>
    internal static List<LlmSentence> Sentences(string text)
    {
        var sentences = new List<LlmSentence>();
        int start = 0, i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            bool end = c is '\n' || IsTerminator(c) || (c == '.' && IsFullStop(text, start, i));
            i++;
            if (!end) continue;
            if (c != '\n')
            {
                while (i < text.Length && (IsTerminator(text[i]) || text[i] == '.')) i++;
                while (i < text.Length && IsClosingQuote(text[i])) i++;
                var trailing = TrailingCitations().Match(text, i);
                if (trailing.Success && trailing.Index == i) i += trailing.Length;
            }
            Add(sentences, text[start..i]);
            start = i;
        }
        Add(sentences, text[start..]);
        return sentences;
    }

    private static void Add(List<LlmSentence> sentences, string raw)
    {
        string sentence = raw.Trim();
        if (sentence.Length == 0) return;
        var citations = new List<int>();
        foreach (Match m in NormalCitation().Matches(sentence))
        {
            int n = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (!citations.Contains(n)) citations.Add(n);
        }
        // A line of bare citations or punctuation says nothing by itself: its citations go to the sentence before.
        if (!NormalCitation().Replace(sentence, "").Any(char.IsLetterOrDigit))
        {
            if (sentences.Count == 0 || citations.Count == 0) return;
            var last = sentences[^1];
            var merged = last.Citations.Concat(citations).Distinct().ToList();
            sentences[^1] = new LlmSentence(last.Text + sentence, merged, merged.Count > 0);
            return;
        }
        sentences.Add(new LlmSentence(sentence, citations, citations.Count > 0));
    }

    private static bool IsTerminator(char c) => c is '。' or '！' or '？' or '!' or '?' or '｡';

    private static bool IsClosingQuote(char c) => c is '”' or '’' or '"' or '\'' or '」' or '』' or '）' or ')' or '》';

    private static bool IsFullStop(string text, int start, int dot)
    {
        bool followedBySpace = dot + 1 >= text.Length || char.IsWhiteSpace(text[dot + 1]) || text[dot + 1] == '[';
        if (!followedBySpace) return false;
        var before = text.AsSpan(start, dot - start).Trim();
        return before.ContainsAnyExcept("0123456789");   // "1." numbering a list item ends nothing
    }

    // A run of groups read as one: "[1]", "[1, 2]", "[1][2]", "[1-3]", "［１］", "【1】", "[passage 1]", "[段落1]".
    private const string Group = @"[\[［【]\s*(?:(?:passages?|sources?|段落|材料|资料|資料|来源|來源|文段)\s*)?(?<body>[0-9０-９]{1,3}(?:\s*(?:[,，、;；]|[-–~～])\s*(?:(?:passages?|sources?)\s*)?[0-9０-９]{1,3})*)\s*[\]］】]";

    [GeneratedRegex(@"(?<lead>[ \t]*)" + Group + @"(?:[ \t]*" + Group + ")*", RegexOptions.IgnoreCase)]
    private static partial Regex CitationGroup();

    [GeneratedRegex(@"(?<a>[0-9０-９]{1,3})(?:\s*[-–~～]\s*(?<b>[0-9０-９]{1,3}))?")]
    private static partial Regex CitationItem();

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex NormalCitation();

    [GeneratedRegex(@"[ \t]*(?:\[\d+\][ \t]*)+")]
    private static partial Regex TrailingCitations();

    [GeneratedRegex(@"(?:\[\d+\])+")]
    private static partial Regex NormalCitationRun();

    // A quotation the prompt asks to be verbatim: 「…」 or 『…』, on one line.
    [GeneratedRegex(@"(?<open>[「『])(?<q>[^「」『』\n]+)(?<close>[」』])")]
    private static partial Regex QuoteMarks();

    [GeneratedRegex(@"<think>.*?</think>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ThinkBlock();
}
