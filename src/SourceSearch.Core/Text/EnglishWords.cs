namespace SourceSearch.Text;

/// <summary>How a word was written: the case says whether it may be a name or an acronym.</summary>
internal enum WordCase : byte { Lower, Capitalised, Acronym, Number, Han }

/// <summary>A word in a <see cref="WordRun"/>; <see cref="BreakBefore"/>: a comma or full stop comes before it.</summary>
internal readonly record struct WordSpan(int Start, int Length, WordCase Case, bool BreakBefore)
{
    public int End => Start + Length;
}

/// <summary>
/// English words as the translator compares them. Queries and CC-CEDICT glosses are cut the same
/// way (lower case except acronyms, hyphens and slashes split, possessive 's dropped, acronym dots
/// removed), and written one after another with single spaces into a reusable buffer, so any run of
/// words is one span: a gloss key is looked up without building a string.
/// </summary>
internal sealed class WordRun
{
    private char[] _chars = new char[256];
    private int _length;
    private readonly List<WordSpan> _words = [];

    public IReadOnlyList<WordSpan> Words => _words;
    public int Count => _words.Count;

    public ReadOnlySpan<char> this[int i] => _chars.AsSpan(_words[i].Start, _words[i].Length);

    /// <summary>Words <paramref name="first"/> to <paramref name="last"/> (inclusive), separated by single spaces.</summary>
    public ReadOnlySpan<char> Span(int first, int last) => _chars.AsSpan(_words[first].Start, _words[last].End - _words[first].Start);

    /// <summary>
    /// Cuts <paramref name="text"/> into words. A gloss (<paramref name="gloss"/>) loses its notes in
    /// parentheses and brackets, its Chinese cross-references (蘇州|苏州) and placeholders (sb, sth);
    /// a query keeps runs of Han characters as words of their own.
    /// </summary>
    public void Cut(ReadOnlySpan<char> text, bool gloss)
    {
        _length = 0;
        _words.Clear();
        int depth = 0;
        bool pendingBreak = false;
        // A query in capitals throughout (WHAT IS THE NFL) marks no acronyms; one word alone (AI) is one.
        bool anyLower = gloss || text.ContainsAnyInRange('a', 'z') || !text.Trim().ContainsAny(' ', '\t');
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (gloss && c is '(' or '[') { depth++; i++; continue; }
            if (gloss && c is ')' or ']') { if (depth > 0) depth--; i++; continue; }
            if (depth > 0) { i++; continue; }
            if (!gloss && IsHanAt(text, i))
            {
                int start = i;
                while (i < text.Length && IsHanAt(text, i)) i += char.IsHighSurrogate(text[i]) ? 2 : 1;
                Append(text[start..i], WordCase.Han, ref pendingBreak);
                continue;
            }
            if (IsWordChar(c))
            {
                i = ReadWord(text, i, gloss, anyLower, ref pendingBreak);
                continue;
            }
            if (c is ',' or ';' or ':' or '?' or '!' or '.' or '"' or '\uFF0C' or '\u3002' or '\uFF1F' or '\uFF01' or '\uFF1B' or '\uFF1A' && _words.Count > 0)
                pendingBreak = true;
            i++;
        }
    }

    private int ReadWord(ReadOnlySpan<char> text, int i, bool gloss, bool anyLower, ref bool pendingBreak)
    {
        int start = i, write = _length + (_words.Count > 0 ? 1 : 0);
        Ensure(write + text.Length - i + 1);
        int n = 0, upper = 0, letters = 0;
        bool poisoned = false, apostrophe = false;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (IsWordChar(c))
            {
                if (!apostrophe && char.IsLetter(c)) { letters++; if (char.IsUpper(c)) upper++; } // NFL's is an acronym
                _chars[write + n++] = char.ToLowerInvariant(c);
                continue;
            }
            bool nextIsWord = i + 1 < text.Length && IsWordChar(text[i + 1]);
            if (c is '\'' or '\u2019' && nextIsWord) { _chars[write + n++] = '\''; apostrophe = true; continue; }
            // 3.5 stays a number; U.S. and e.g. lose their dots, as glosses write them either way.
            if (c == '.' && nextIsWord && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1])) { _chars[write + n++] = '.'; continue; }
            if (c == '.' && nextIsWord && char.IsLetter(text[i - 1]) && (i + 2 >= text.Length || !char.IsLetter(text[i + 2]))) continue;
            if (gloss && (c == '|' || c >= '\u2E80')) { poisoned = true; continue; } // a Chinese cross-reference
            break;
        }
        // Possessive and quoting apostrophes: Luther's → luther, players' → players.
        if (n >= 2 && _chars[write + n - 2] == '\'' && _chars[write + n - 1] == 's') n -= 2;
        while (n > 0 && _chars[write + n - 1] == '\'') n--;
        if (poisoned || n == 0) return i;

        var word = _chars.AsSpan(write, n);
        WordCase kind = char.IsAsciiDigit(word[0]) ? WordCase.Number
            : anyLower && letters >= 2 && upper == letters ? WordCase.Acronym
            : char.IsUpper(text[start]) ? WordCase.Capitalised : WordCase.Lower;
        if (gloss && EnglishWords.IsPlaceholder(word)) return i;
        // An acronym keeps its capitals: LED is not "led", NFL is a key of its own.
        if (kind == WordCase.Acronym) Reread(text, start, i, write, n);
        Commit(write, n, kind, ref pendingBreak);
        return i;
    }

    // The acronym's letters in upper case (the lower-cased copy lost them); dots and apostrophes are skipped as before.
    private void Reread(ReadOnlySpan<char> text, int start, int end, int write, int n)
    {
        int k = 0;
        for (int i = start; i < end && k < n; i++)
            if (IsWordChar(text[i])) _chars[write + k++] = char.ToUpperInvariant(text[i]);
            else if (text[i] is '\'' or '\u2019') _chars[write + k++] = '\'';
    }

    private void Append(ReadOnlySpan<char> word, WordCase kind, ref bool pendingBreak)
    {
        int write = _length + (_words.Count > 0 ? 1 : 0);
        Ensure(write + word.Length);
        word.CopyTo(_chars.AsSpan(write));
        Commit(write, word.Length, kind, ref pendingBreak);
    }

    private void Commit(int write, int n, WordCase kind, ref bool pendingBreak)
    {
        if (_words.Count > 0) _chars[write - 1] = ' ';
        _words.Add(new WordSpan(write, n, kind, pendingBreak && _words.Count > 0));
        _length = write + n;
        pendingBreak = false;
    }

    private void Ensure(int capacity)
    {
        if (capacity > _chars.Length) Array.Resize(ref _chars, Math.Max(capacity, _chars.Length * 2));
    }

    private static bool IsHanAt(ReadOnlySpan<char> s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) && CharClass.IsHan(char.ConvertToUtf32(s[i], s[i + 1])) : CharClass.IsHan(s[i]);

    private static bool IsWordChar(char c) => c < 0x80 ? char.IsAsciiLetterOrDigit(c) : c < 0x2E80 && char.IsLetterOrDigit(c);
}

/// <summary>The word lists and word forms the translator uses.</summary>
internal static class EnglishWords
{
    public static bool IsStopWord(ReadOnlySpan<char> word) => StopLookup.Contains(word);

    /// <summary>Words that ask a measure after "how": how long, how old, how far.</summary>
    public static bool IsHowWord(string word) => word is "long" or "far" or "old" or "often" or "large" or "big" or "tall"
        or "high" or "soon" or "fast" or "wide" or "deep" or "heavy" or "early" or "late" or "small" or "close";

    public static bool IsPlaceholder(ReadOnlySpan<char> word) => PlaceholderLookup.Contains(word);

    /// <summary>Words a gloss uses as placeholders; a question never says them.</summary>
    private static readonly HashSet<string> Placeholders = new(StringComparer.Ordinal)
    {
        "sb", "sth", "one's", "oneself", "someone", "somebody", "something", "etc",
    };

    /// <summary>Function words and the words that ask (what, how many, did): they carry no search term.</summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "about", "as", "into", "onto", "upon",
        "than", "then", "that", "this", "these", "those", "it", "its", "they", "them", "their", "theirs", "there", "here",
        "he", "she", "his", "her", "hers", "him", "we", "us", "our", "you", "your", "i", "me", "my", "mine",
        "and", "or", "but", "nor", "not", "no", "if", "so", "too", "very", "just", "also", "only", "either", "neither", "both",
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "doing",
        "have", "has", "had", "having", "can", "could", "would", "should", "will", "shall", "may", "might", "must",
        "what", "which", "who", "whom", "whose", "how", "when", "where", "why", "whether", "whatever",
        "many", "much", "some", "any", "each", "every", "other", "another", "such", "own", "same", "more", "most", "less",
        "all", "few", "several", "one", "ones", "way", "ways", "thing", "things",
        "s", "t", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't",
        "during", "after", "before", "while", "between", "among", "against", "over", "under", "through", "within", "without",
        "per", "via", "like", "along", "around", "behind", "since", "until", "toward", "towards", "because", "whereas",
        "name", "named", "called", "term", "used", "use", "uses", "using", "known", "considered", "according", "besides",
        "kind", "kinds", "type", "types", "sort", "sorts", "example", "examples",
        // Particles of names (John von Neumann, Thomas de Maiziere): never the word to translate.
        "de", "la", "le", "von", "van", "der", "den", "du", "da", "di", "del", "bin", "ibn", "al", "y",
    };

    /// <summary>Nouns that ask after "what" or "which": what year, which day (the Chinese question says 哪一年).</summary>
    public static bool IsAskedNoun(string word) => word is "year" or "years" or "date" or "day" or "time" or "month" or "century" or "decade";

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopLookup = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> PlaceholderLookup = Placeholders.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Past forms the suffix rules cannot undo: won → win (not the Korean won), led → lead (not LED).</summary>
    private static readonly Dictionary<string, string> Irregular = new(StringComparer.Ordinal)
    {
        ["ate"] = "eat", ["began"] = "begin", ["begun"] = "begin", ["bought"] = "buy", ["brought"] = "bring", ["built"] = "build",
        ["came"] = "come", ["caught"] = "catch", ["chose"] = "choose", ["chosen"] = "choose", ["drew"] = "draw", ["drawn"] = "draw",
        ["drove"] = "drive", ["driven"] = "drive", ["fell"] = "fall", ["fallen"] = "fall", ["felt"] = "feel", ["fought"] = "fight",
        ["found"] = "find", ["flew"] = "fly", ["flown"] = "fly", ["gave"] = "give", ["given"] = "give", ["got"] = "get",
        ["gotten"] = "get", ["went"] = "go", ["gone"] = "go", ["grew"] = "grow", ["grown"] = "grow", ["held"] = "hold",
        ["kept"] = "keep", ["knew"] = "know", ["laid"] = "lay", ["led"] = "lead", ["left"] = "leave", ["lent"] = "lend",
        ["lost"] = "lose", ["made"] = "make", ["meant"] = "mean", ["met"] = "meet", ["paid"] = "pay", ["ran"] = "run",
        ["rose"] = "rise", ["risen"] = "rise", ["said"] = "say", ["sang"] = "sing", ["sung"] = "sing", ["sat"] = "sit",
        ["saw"] = "see", ["seen"] = "see", ["sent"] = "send", ["sold"] = "sell", ["shot"] = "shoot", ["spoke"] = "speak",
        ["spoken"] = "speak", ["spent"] = "spend", ["stood"] = "stand", ["stole"] = "steal", ["stolen"] = "steal",
        ["struck"] = "strike", ["taught"] = "teach", ["thought"] = "think", ["threw"] = "throw", ["thrown"] = "throw",
        ["told"] = "tell", ["took"] = "take", ["taken"] = "take", ["understood"] = "understand", ["woke"] = "wake",
        ["won"] = "win", ["wore"] = "wear", ["worn"] = "wear", ["wrote"] = "write", ["written"] = "write",
        ["became"] = "become", ["broke"] = "break", ["broken"] = "break", ["fed"] = "feed", ["fled"] = "flee",
        ["forgot"] = "forget", ["hid"] = "hide", ["hidden"] = "hide", ["rode"] = "ride", ["sought"] = "seek", ["sank"] = "sink",
        ["slept"] = "sleep", ["swam"] = "swim", ["tore"] = "tear", ["torn"] = "tear", ["wept"] = "weep",
        ["children"] = "child", ["men"] = "man", ["women"] = "woman", ["feet"] = "foot", ["teeth"] = "tooth",
        ["mice"] = "mouse", ["geese"] = "goose", ["lives"] = "life", ["wives"] = "wife",
    };

    /// <summary>
    /// The forms a query word may stand for in a gloss, with how sure each is: itself, American
    /// spellings (defence → defense), singular and plural, and unless it is a name
    /// (<paramref name="inflected"/> false: Manning is not "man"), base forms of -ed, -ing, -er, -est, -ly.
    /// </summary>
    public static IEnumerable<(string Form, double Sureness)> Forms(string w, bool inflected = true)
    {
        if (inflected && Irregular.TryGetValue(w, out var baseForm))
        {
            // The word as written is usually something else (won: Korean currency; led: LED), unless it is a word too (found, left).
            yield return (baseForm, 0.95);
            yield return (w, w is "found" or "left" or "saw" or "rose" or "felt" or "fell" or "lay" or "ground" ? 0.9 : 0.6);
            yield break;
        }
        yield return (w, 1.0);
        if (w.Length < 4 || !w.All(char.IsAsciiLetterLower)) yield break;
        foreach (var (spelling, sure) in American(w).Prepend((w, 1.0)))
        {
            if (spelling != w) yield return (spelling, sure);
            foreach (var f in Singular(spelling)) yield return (f, 0.95 * sure);
            if (!inflected) continue;
            if (!spelling.EndsWith('s')) yield return (Plural(spelling), 0.9 * sure); // sport finds "sports"
            if (spelling.EndsWith("ied", StringComparison.Ordinal) || spelling.EndsWith("ier", StringComparison.Ordinal))
                yield return (spelling[..^3] + "y", 0.9 * sure);
            if (spelling.EndsWith("iest", StringComparison.Ordinal)) yield return (spelling[..^4] + "y", 0.85 * sure);
            if (spelling.EndsWith("ed", StringComparison.Ordinal))
                foreach (var f in Stems(spelling[..^2])) yield return (f, 0.9 * sure);
            if (spelling.EndsWith("ing", StringComparison.Ordinal) && spelling.Length > 5)
                foreach (var f in Stems(spelling[..^3])) yield return (f, 0.85 * sure);
            if (spelling.EndsWith("er", StringComparison.Ordinal) && spelling.Length > 5)
                foreach (var f in Stems(spelling[..^2])) yield return (f, 0.8 * sure);
            if (spelling.EndsWith("est", StringComparison.Ordinal) && spelling.Length > 6)
                foreach (var f in Stems(spelling[..^3])) yield return (f, 0.85 * sure);
            if (spelling.EndsWith("ly", StringComparison.Ordinal) && spelling.Length > 5)
            {
                yield return (spelling[..^2], 0.8 * sure);
                if (spelling.EndsWith("ily", StringComparison.Ordinal)) yield return (spelling[..^3] + "y", 0.8 * sure);
            }
        }
    }

    private static IEnumerable<string> Singular(string w)
    {
        if (w.EndsWith("ies", StringComparison.Ordinal)) { yield return w[..^3] + "y"; yield break; }
        if (w.EndsWith("es", StringComparison.Ordinal))
        {
            if (w.EndsWith("ses", StringComparison.Ordinal) || w.EndsWith("xes", StringComparison.Ordinal) || w.EndsWith("zes", StringComparison.Ordinal)
                || w.EndsWith("ches", StringComparison.Ordinal) || w.EndsWith("shes", StringComparison.Ordinal) || w.EndsWith("oes", StringComparison.Ordinal))
                yield return w[..^2];
            yield return w[..^1];
        }
        else if (w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal) && !w.EndsWith("is", StringComparison.Ordinal))
            yield return w[..^1];
    }

    private static string Plural(string w) =>
        w.EndsWith('y') && !"aeiou".Contains(w[^2]) ? w[..^1] + "ies"
        : w.EndsWith('x') || w.EndsWith("ch", StringComparison.Ordinal) || w.EndsWith("sh", StringComparison.Ordinal) ? w + "es"
        : w + "s";

    // CC-CEDICT spells American: defence → defense, colour → color, organise → organize, kilometres → kilometers.
    private static IEnumerable<(string, double)> American(string w)
    {
        (string British, string American)[] endings =
        [
            ("ence", "ense"), ("ences", "enses"), ("our", "or"), ("ours", "ors"), ("ise", "ize"), ("ised", "ized"), ("ises", "izes"),
            ("ising", "izing"), ("isation", "ization"), ("isations", "izations"), ("tre", "ter"), ("tres", "ters"), ("yse", "yze"),
            ("ogue", "og"), ("lled", "led"), ("lling", "ling"),
        ];
        foreach (var (british, american) in endings)
            if (w.Length > british.Length + 2 && w.EndsWith(british, StringComparison.Ordinal))
                yield return (w[..^british.Length] + american, 0.95);
    }

    // The base of an -ed/-ing form: formed → form, used → use, stopped → stop.
    private static IEnumerable<string> Stems(string stem)
    {
        if (stem.Length < 2) yield break;
        yield return stem;
        yield return stem + "e";
        if (stem.Length > 2 && stem[^1] == stem[^2] && !"aeiouls".Contains(stem[^1])) yield return stem[..^1];
    }
}
