namespace SourceSearch.Text;

/// <summary>
/// The analysis chain, in the order text takes it:
/// <list type="number">
/// <item>normalise (<see cref="Normalizer"/>): NFKC, lower case, white space;</item>
/// <item>fold script (<see cref="ScriptFolder"/>): Traditional, Taiwan and Hong Kong characters to Simplified (never words);</item>
/// <item>fold numerals (<see cref="NumeralFolder"/>): 二〇二四 → 2024, 九百亿 → 900亿;</item>
/// <item>segment (<see cref="WordSegmenter"/> for Han runs, <see cref="AlphanumericSplitter"/> for Latin and digits);</item>
/// <item>token filters: CJK bigrams beside the words (<see cref="CjkBigrams"/>); in Traditional-script text,
/// mainland vocabulary beside Taiwan words (<see cref="VocabularySynonyms"/>).</item>
/// </list>
/// Every stage keeps a map to the original text, so every token's Start/End point into what the user gave.
/// </summary>
public sealed class Analyzer
{
    /// <summary>Bumped whenever a change here changes the tokens text gets; the index records it.</summary>
    /// <remarks>2: folding by characters only, regional vocabulary as synonyms in Traditional text.</remarks>
    public const string Version = "2";

    private readonly ScriptFolder scriptFolder;
    private readonly Lazy<VocabularySynonyms> _synonyms;

    public Analyzer(ScriptFolder scriptFolder, WordSegmenter segmenter)
    {
        this.scriptFolder = scriptFolder;
        Segmenter = segmenter;
        // Built on first use: the user dictionary, added after construction, changes how synonyms segment.
        _synonyms = new Lazy<VocabularySynonyms>(() => new VocabularySynonyms(scriptFolder.TaiwanVocabularyEntries, FoldToString,
            word => Analyze(word, Script.Simplified).Where(t => t.Type == TokenType.Word).Select(t => t.Term),
            word => segmenter.Dictionary.Frequency(word)));
    }

    public WordSegmenter Segmenter { get; }

    /// <summary>Regional vocabulary added as synonyms to Traditional-script text.</summary>
    public VocabularySynonyms Synonyms => _synonyms.Value;

    /// <summary>What analysed the text: recorded by the index so a change is noticed.</summary>
    public string Fingerprint =>
        $"analyzer={Version};opencc={OpenCcConverter.LibraryVersion};fold={scriptFolder.Fingerprint};dict={Segmenter.Dictionary.Hash};userdict={Segmenter.Dictionary.UserHash}";

    /// <summary>Stages 1–3: the text as the segmenter sees it, mapped to the original.</summary>
    public MappedText Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var mapped = MappedText.Identity(text);
        mapped = Normalizer.Normalize(mapped);
        mapped = scriptFolder.Fold(mapped);
        mapped = NumeralFolder.Fold(mapped);
        return mapped;
    }

    /// <summary>Stages 1–3 one by one (each maps its output to its input), for Lucene char filters.</summary>
    internal IReadOnlyList<Func<MappedText, MappedText>> FoldingStages => [Normalizer.Normalize, scriptFolder.Fold, NumeralFolder.Fold];

    /// <summary>Folds text to the form terms have (for user-dictionary words and query terms).</summary>
    public string FoldToString(string text) => Fold(text).Text;

    /// <summary>
    /// All tokens of <paramref name="text"/>, in order of start offset (at one start: words, then bigrams,
    /// then synonyms). Synonyms are added when the text is written in Traditional script.
    /// </summary>
    public List<Token> Analyze(string text) => Analyze(text, DetectScript(text));

    /// <summary>All tokens of <paramref name="text"/>, a part of a text written in <paramref name="script"/> (a passage of an article).</summary>
    public List<Token> Analyze(string text, Script script) => AnalyzeWithFolding(text, script).Tokens;

    /// <summary>The tokens and the folded text they came from.</summary>
    public (MappedText Folded, List<Token> Tokens) AnalyzeWithFolding(string text, Script? script = null)
    {
        var folded = Fold(text);
        var tokens = new List<Token>(folded.Text.Length);
        Tokenize(folded, tokens);
        if ((script ?? DetectScript(text)) == Script.Traditional) Synonyms.Emit(folded, tokens);
        return (folded, tokens);
    }

    /// <summary>A key the same text shares in either script (characters folded one by one, after normalising).</summary>
    public string FoldCharacters(string text) => scriptFolder.FoldCharacters(Normalizer.Normalize(MappedText.Identity(text)).Text);

    /// <summary>Which script a text is written in, from the characters that exist in one script only.</summary>
    public Script DetectScript(string text) => scriptFolder.DetectScript(text);

    /// <summary>
    /// The tokens of <paramref name="text"/> that are <paramref name="terms"/>, as <see cref="Analyze(string, Script)"/>
    /// would give them, for highlighting. Faster: a stretch of Han characters is segmented only when it holds one of the
    /// terms as written, since every word and bigram of it is a piece of it (in Traditional text, where a mainland synonym
    /// is a token over other characters, every stretch is segmented when a term is such a synonym).
    /// </summary>
    public List<Token> TokensOf(string text, Script script, IReadOnlySet<string> terms) => TokensOf(Fold(text), script, terms);

    /// <summary><see cref="TokensOf(string, Script, IReadOnlySet{string})"/> of text already folded (<see cref="Fold"/>).</summary>
    public List<Token> TokensOf(MappedText folded, Script script, IReadOnlySet<string> terms)
    {
        var hanTerms = terms.Where(t => t.Length > 0 && CharClass.IsHanAt(t, 0)).ToList();
        bool synonyms = script == Script.Traditional && hanTerms.Any(Synonyms.IsSynonym);
        var tokens = new List<Token>();
        Tokenize(folded, tokens, synonyms ? null : (start, end) => HoldsAny(folded.Text.AsSpan(start, end - start), hanTerms));
        if (synonyms) Synonyms.Emit(folded, tokens);
        return tokens.FindAll(t => terms.Contains(t.Term));
    }

    private static bool HoldsAny(ReadOnlySpan<char> run, List<string> terms)
    {
        foreach (var t in terms)
            if (run.Contains(t.AsSpan(), StringComparison.Ordinal)) return true;
        return false;
    }

    /// <param name="segmentRun">Whether to segment the Han stretch [start, end) of the folded text (null: all of them).</param>
    internal void Tokenize(MappedText folded, List<Token> tokens, Func<int, int, bool>? segmentRun = null)
    {
        string s = folded.Text;
        var pieces = new List<WordSegmenter.Piece>();
        var words = new List<Token>();
        var grams = new List<Token>();
        int i = 0;
        while (i < s.Length)
        {
            if (CharClass.IsHanAt(s, i))
            {
                int start = i;
                while (i < s.Length && CharClass.IsHanAt(s, i)) i += char.IsHighSurrogate(s[i]) ? 2 : 1;
                if (segmentRun is not null && !segmentRun(start, i)) continue;
                words.Clear();
                grams.Clear();
                SegmentHan(folded, start, i, pieces, words);
                CjkBigrams.Emit(folded, start, i, grams);
                Merge(words, grams, tokens);
            }
            else if (CharClass.IsAlphanumeric(s[i]))
            {
                int start = i;
                i = AlphanumericSplitter.RunEnd(s, i);
                AlphanumericSplitter.Emit(folded, start, i, tokens);
            }
            else i++;
        }
    }

    // Both lists are in start order; merging keeps the whole stream in start order without a sort.
    private static void Merge(List<Token> words, List<Token> grams, List<Token> tokens)
    {
        int w = 0, g = 0;
        while (w < words.Count || g < grams.Count)
        {
            if (g >= grams.Count || (w < words.Count && words[w].Start <= grams[g].Start)) tokens.Add(words[w++]);
            else tokens.Add(grams[g++]);
        }
    }

    // Words of a Han run. Supplementary-plane ideographs (Extension B and beyond) are never in the
    // dictionary, so they are words of their own and split the run for the segmenter.
    private void SegmentHan(MappedText folded, int start, int end, List<WordSegmenter.Piece> pieces, List<Token> tokens)
    {
        string s = folded.Text;
        int i = start;
        while (i < end)
        {
            if (char.IsHighSurrogate(s[i]))
            {
                Add(folded, tokens, i, 2, TokenType.Word, false);
                i += 2;
                continue;
            }
            int bmpStart = i;
            while (i < end && !char.IsHighSurrogate(s[i])) i++;
            pieces.Clear();
            Segmenter.Segment(s.AsSpan(bmpStart, i - bmpStart), searchMode: true, useHmm: true, pieces);
            foreach (var p in pieces)
                Add(folded, tokens, bmpStart + p.Start, p.Length, TokenType.Word, p.IsPart);
        }
    }

    internal static void Add(MappedText folded, List<Token> tokens, int start, int length, TokenType type, bool isPart, string? term = null)
    {
        var (os, oe) = folded.MapSpan(start, start + length);
        tokens.Add(new Token(term ?? folded.Text.Substring(start, length), type, os, oe) { IsPart = isPart });
    }
}

/// <summary>Character classes the tokenizer splits on.</summary>
internal static class CharClass
{
    public static bool IsHan(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0xF900 and <= 0xFAFF)
            or 0x3007 or (>= 0x20000 and <= 0x323AF);

    public static bool IsHanAt(string s, int i)
    {
        char c = s[i];
        if (!char.IsHighSurrogate(c)) return IsHan(c);
        return i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) && IsHan(char.ConvertToUtf32(c, s[i + 1]));
    }

    public static bool IsAlphanumeric(char c) =>
        c < 0x80 ? char.IsAsciiLetterOrDigit(c) : !char.IsSurrogate(c) && !IsHan(c) && char.IsLetterOrDigit(c);
}

/// <summary>Overlapping pairs of Han characters, so text the dictionary segments badly is still found.</summary>
internal static class CjkBigrams
{
    public static void Emit(MappedText folded, int start, int end, List<Token> tokens)
    {
        string s = folded.Text;
        int first = start;
        int second = first + CharLength(s, first);
        if (second >= end)
        {
            Analyzer.Add(folded, tokens, first, end - first, TokenType.Bigram, false);
            return;
        }
        while (second < end)
        {
            int after = second + CharLength(s, second);
            Analyzer.Add(folded, tokens, first, after - first, TokenType.Bigram, false);
            first = second;
            second = after;
        }
    }

    private static int CharLength(string s, int i) => char.IsHighSurrogate(s[i]) ? 2 : 1;
}

/// <summary>
/// Latin words, numbers and their mixtures. A run such as deepseek-r1, gpt4, 671b or 2.67 is
/// emitted whole, then by its parts between connectors (deepseek, r1), then by its letter and
/// digit pieces (r, 1), so it is findable as a whole and by any part.
/// </summary>
internal static class AlphanumericSplitter
{
    private static bool IsConnector(char c) => c is '-' or '_' or '.' or '+' or '&' or '/' or ',';

    /// <summary>End of the run that starts at <paramref name="i"/>: alphanumerics joined by single connectors.</summary>
    public static int RunEnd(string s, int i)
    {
        while (true)
        {
            while (i < s.Length && CharClass.IsAlphanumeric(s[i])) i++;
            if (i + 1 < s.Length && IsConnector(s[i]) && CharClass.IsAlphanumeric(s[i + 1])
                && (s[i] != ',' || IsThousandsGroup(s, i))) { i++; continue; }
            return i;
        }
    }

    // 1,000,000: a comma joins digits only when exactly three digits follow it.
    private static bool IsThousandsGroup(string s, int comma)
    {
        if (comma == 0 || !char.IsAsciiDigit(s[comma - 1])) return false;
        int k = comma + 1;
        while (k < s.Length && char.IsAsciiDigit(s[k])) k++;
        return k - comma - 1 == 3 && (k == s.Length || !CharClass.IsAlphanumeric(s[k]));
    }

    public static void Emit(MappedText folded, int start, int end, List<Token> tokens)
    {
        string s = folded.Text;
        var seen = new HashSet<(int, int)>();
        void Add(int a, int b, bool isPart)
        {
            if (b <= a || !seen.Add((a, b))) return;
            var span = s.AsSpan(a, b - a);
            bool numeric = IsNumber(span);
            string term = numeric && span.Contains(',') ? span.ToString().Replace(",", "") : span.ToString();
            Analyzer.Add(folded, tokens, a, b - a, numeric ? TokenType.Number : TokenType.Latin, isPart, term);
        }

        Add(start, end, false);
        int p = start;
        while (p < end)
        {
            int q = p;
            // A decimal point or thousands comma between digits is not a connector: 2.67 is one part.
            while (q < end && (CharClass.IsAlphanumeric(s[q])
                   || (s[q] is '.' or ',' && q > p && char.IsAsciiDigit(s[q - 1]) && q + 1 < end && char.IsAsciiDigit(s[q + 1]))))
                q++;
            Add(p, q, true);
            // Letter and digit pieces of a mixed part: r1 → r, 1.
            int k = p;
            while (k < q)
            {
                int m = k;
                bool digit = char.IsDigit(s[k]);
                while (m < q && (char.IsDigit(s[m]) == digit || (digit && s[m] is '.' or ',' && m + 1 < q && char.IsDigit(s[m + 1])))) m++;
                if (k != p || m != q) Add(k, m, true);
                k = m;
            }
            p = q + 1;
        }
    }

    private static bool IsNumber(ReadOnlySpan<char> span)
    {
        foreach (char c in span)
            if (!char.IsDigit(c) && c is not '.' and not ',') return false;
        return char.IsDigit(span[0]);
    }
}
