using System.Diagnostics;

namespace SourceSearch.Text;

/// <summary>A Chinese word (Simplified) for an English word or phrase; the best of a word's candidates weighs 1.</summary>
public sealed record ChineseCandidate(string Chinese, double Weight);

/// <summary>
/// One English word or phrase of the input and what it became: candidates from the dictionary, or
/// itself when it is a number or a word the dictionary does not know (NFL, Apgar: Chinese articles
/// write such names in Latin letters too).
/// </summary>
public sealed record TranslatedWord(string English, IReadOnlyList<ChineseCandidate> Candidates, bool KeptAsIs);

/// <summary>What an English query became: per word its candidates, and the flat list of terms to search for.</summary>
public sealed record EnglishTranslation(string English, IReadOnlyList<TranslatedWord> Words, IReadOnlyList<string> Terms);

/// <summary>Knobs of the translation; the defaults are what retrieved best on xquad-dev's English questions.</summary>
public sealed record EnglishTranslatorSettings
{
    /// <summary>Candidates kept per English word or phrase.</summary>
    public int MaxCandidates { get; init; } = 5;
    /// <summary>A candidate is kept only when it scores at least this share of the word's best.</summary>
    public double MinShareOfBest { get; init; } = 0.3;
    /// <summary>
    /// A word whose best candidate scores below this matched only words inside longer glosses (Costa of
    /// "Costa Rica"): it is more likely a name the dictionary lacks, and is kept as it is.
    /// </summary>
    public double MinScore { get; init; } = 0.1;
}

/// <summary>
/// English questions and queries to Chinese query terms without a language model: CC-CEDICT read
/// backwards. Phrases of the question are matched first (longest run of words that is a gloss:
/// "artificial intelligence" → 人工智能), then single words in light normal form (plurals, -ed,
/// -ing, possessive 's), each with a few weighted candidates; common words (by the segmentation
/// dictionary's frequencies, when given) are preferred to rare ones.
/// </summary>
public sealed class EnglishTranslator
{
    private readonly Cedict _cedict;

    /// <summary>The dictionary it translates with (pinyin for suggestions comes from it too).</summary>
    public Cedict Cedict => _cedict;
    private readonly GlossIndex _index;
    private readonly WordDictionary? _words;
    private readonly EnglishTranslatorSettings _settings;

    public EnglishTranslator(Cedict cedict, WordDictionary? words = null, EnglishTranslatorSettings? settings = null)
    {
        _cedict = cedict;
        _index = new GlossIndex(cedict);
        _words = words;
        _settings = settings ?? new EnglishTranslatorSettings();
    }

    /// <summary>How long <see cref="Load"/> took to read the dictionary and build the index (zero when constructed directly).</summary>
    public TimeSpan LoadTime { get; private init; }

    /// <summary>Loads CC-CEDICT from <see cref="TextOptions.CedictPath"/> or where scripts/setup installs it.</summary>
    public static EnglishTranslator Load(TextOptions options, WordDictionary? words = null, EnglishTranslatorSettings? settings = null)
    {
        var clock = Stopwatch.StartNew();
        var cedict = Cedict.Load(options.ResolveCedictPath());
        return new EnglishTranslator(cedict, words, settings) { LoadTime = clock.Elapsed };
    }

    /// <summary>Mostly Latin-letter words and few or no Han characters: a question to translate before searching.</summary>
    public static bool LooksEnglish(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int letters = 0, words = 0, han = 0;
        bool inWord = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsAsciiLetter(c))
            {
                letters++;
                if (!inWord) words++;
                inWord = true;
                continue;
            }
            inWord = c is '\'' or '\u2019' or '-' && inWord;
            if (CharClass.IsHanAt(text, i)) han++;
        }
        // A Han character says about as much as an English word; names in Latin letters inside a
        // Chinese query (苏州 AI) leave it Chinese.
        return letters >= 2 && han * 2 < words && !LooksLikeCode(text);
    }

    /// <summary>
    /// Code, markup or SQL rather than prose: characters English questions do not use (= &lt; &gt; { } | ` $ \),
    /// comment marks (--, /*, //), or a statement separator followed by more text. ' OR 1=1; DROP TABLE is no question.
    /// </summary>
    public static bool LooksLikeCode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny("=<>{}|`$\\") >= 0) return true;
        if (text.Contains("--", StringComparison.Ordinal) || text.Contains("/*", StringComparison.Ordinal) || text.Contains("//", StringComparison.Ordinal)) return true;
        int semicolon = text.IndexOf(';');
        return semicolon >= 0 && text.AsSpan(semicolon + 1).IndexOfAnyInRange('A', 'z') >= 0 && text.AsSpan(0, semicolon).IndexOfAny("()'\"") >= 0;
    }

    /// <summary>
    /// English to translate: <see cref="LooksEnglish"/>, and most of its Latin words are English words (a function word,
    /// or a word CC-CEDICT's glosses use, in some form). Names and codes (AISpeech, DUI, Apgar) alone are searched as
    /// written: Chinese text writes them in Latin letters too.
    /// </summary>
    public bool ReadsAsEnglish(string text)
    {
        if (!LooksEnglish(text)) return false;
        var run = new WordRun();
        run.Cut(text, gloss: false);
        int latin = 0, known = 0;
        for (int i = 0; i < run.Count; i++)
        {
            if (run.Words[i].Case is WordCase.Han or WordCase.Number) continue;
            latin++;
            string w = run[i].ToString();
            if (IsEnglishWord(w, run.Words[i].Case)) known++;
        }
        // Two thirds: a question keeps its English words around a name or two (Who founded AISpeech?).
        return latin > 0 && known * 3 >= latin * 2;
    }

    private bool IsEnglishWord(string w, WordCase kind)
    {
        if (EnglishWords.IsStopWord(w.ToLowerInvariant())) return true;
        if (kind == WordCase.Acronym) return false; // NFL, DUI: names, kept as they are
        foreach (var (form, _) in EnglishWords.Forms(w.ToLowerInvariant()))
            if (_index.Find(form).Count > 0) return true;
        return false;
    }

    /// <summary>The English glosses of a Simplified word, for showing an English reader what a Chinese term means.</summary>
    public IReadOnlyList<string> Gloss(string simplifiedWord)
    {
        ArgumentNullException.ThrowIfNull(simplifiedWord);
        var glosses = new List<string>();
        foreach (var entry in _cedict.Lookup(simplifiedWord.Trim()))
            foreach (var g in entry.Glosses)
                if (!g.StartsWith("CL:", StringComparison.Ordinal) && !glosses.Contains(g)) glosses.Add(g);
        return glosses;
    }

    /// <summary>
    /// The Chinese terms of an English question or query: per word or phrase its candidates (best
    /// first), numbers, Han characters and words the dictionary lacks kept as they are.
    /// </summary>
    public EnglishTranslation Translate(string english)
    {
        ArgumentNullException.ThrowIfNull(english);
        var run = new WordRun();
        run.Cut(english, gloss: false);
        var result = new List<TranslatedWord>();
        int i = 0;
        while (i < run.Count)
        {
            var word = run.Words[i];
            string w = run[i].ToString();
            if (word.Case is WordCase.Number or WordCase.Han) { result.Add(Kept(w)); i++; continue; }
            if (word.Case != WordCase.Acronym && EnglishWords.IsStopWord(w)) { i++; continue; }
            // A lone letter (Costa v ENEL) is no word to translate; "how long", "how old" ask, like "how many".
            if (w.Length == 1 || (i > 0 && run[i - 1] is "how" && EnglishWords.IsHowWord(w))) { i++; continue; }
            if (i > 0 && run[i - 1] is "what" or "which" && EnglishWords.IsAskedNoun(w)) { i++; continue; }
            // A word written with a capital inside a sentence is likely a name; at its start, who knows.
            bool? name = i == 0 || word.BreakBefore ? null : word.Case is WordCase.Capitalised or WordCase.Acronym;

            int used = 0;
            List<ChineseCandidate> candidates = [];
            for (int len = Math.Min(GlossIndex.MaxKeyWords, run.Count - i); len >= 2 && used == 0; len--)
            {
                int last = i + len - 1;
                if (!IsPhrase(run, i, last)) continue;
                candidates = Choose(Phrase(run.Span(i, last - 1).ToString(), run[last].ToString(), name));
                if (candidates.Count > 0) used = len;
            }
            if (used == 0)
            {
                candidates = Choose(Word(w, word.Case, name));
                used = 1;
            }
            // Chinese text writes acronyms in Latin letters too (AFC, NFL, UK): the acronym stays a term.
            if (used == 1 && word.Case == WordCase.Acronym && candidates.Count > 0)
                candidates = [new ChineseCandidate(w, 1), .. candidates.Take(_settings.MaxCandidates - 1)];
            string source = run.Span(i, i + used - 1).ToString();
            result.Add(candidates.Count > 0 ? new TranslatedWord(source, candidates, false) : Kept(w));
            i += used;
        }
        var terms = result.SelectMany(r => r.Candidates.Select(c => c.Chinese)).Distinct(StringComparer.Ordinal).ToList();
        return new EnglishTranslation(english, result, terms);
    }

    private static TranslatedWord Kept(string word) => new(word, [new ChineseCandidate(word, 1)], true);

    // Words i..last can be a gloss: one clause, English words only, not ending on a function word.
    private static bool IsPhrase(WordRun run, int i, int last)
    {
        for (int k = i; k <= last; k++)
            if (run.Words[k].Case is WordCase.Han || (k > i && run.Words[k].BreakBefore)) return false;
        return run.Words[last].Case == WordCase.Acronym || !EnglishWords.IsStopWord(run[last]);
    }

    // Scores of the candidates of a run of words, by Simplified headword: only whole glosses and heads match a phrase.
    private Dictionary<string, double> Phrase(string head, string last, bool? name)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (form, sureness) in EnglishWords.Forms(last, inflected: name != true))
            foreach (var p in _index.Find(head + " " + form))
                if (p.Match is GlossMatch.Whole or GlossMatch.Head) Score(scores, p, sureness, name);
        return scores;
    }

    private Dictionary<string, double> Word(string word, WordCase kind, bool? name)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (form, sureness) in EnglishWords.Forms(word, inflected: name != true))
            foreach (var p in _index.Find(form)) Score(scores, p, sureness, name);
        // Acronyms are keys in capitals (NFL): one written in lower case is tried that way last.
        if (scores.Count == 0 && kind != WordCase.Acronym && word.Length <= 5)
            foreach (var p in _index.Find(word.ToUpperInvariant())) Score(scores, p, 0.8, name);
        return scores;
    }

    private void Score(Dictionary<string, double> scores, GlossPosting p, double sureness, bool? name)
    {
        var entry = _cedict.Entries[p.Entry];
        double s = p.Score * sureness * Commonness(entry.Simplified);
        // A lower-case word is rarely a name; a capitalised one inside the sentence usually is.
        if (name == false && entry.ProperNoun) s *= 0.5;
        else if (name == true && !entry.ProperNoun) s *= 0.8;
        // A lone character matches only where the segmenter left it alone; long headwords are specific.
        int length = entry.Simplified.Length;
        if (length == 1) s *= 0.6;
        else if (length > 4) s *= 0.7;
        if (!scores.TryGetValue(entry.Simplified, out double old) || old < s) scores[entry.Simplified] = s;
    }

    // Words the segmentation dictionary knows, and knows as frequent, are what Chinese text says.
    private double Commonness(string simplified)
    {
        if (_words is null) return 1;
        int freq = _words.Frequency(simplified);
        if (freq <= 0) return 0.35;
        return 0.5 + 0.5 * Math.Min(1, Math.Log(1 + freq) / Math.Log(1 + 20_000));
    }

    private List<ChineseCandidate> Choose(Dictionary<string, double> scores)
    {
        if (scores.Count == 0) return [];
        double best = scores.Values.Max();
        if (best < _settings.MinScore) return [];
        return scores.Where(kv => kv.Value >= _settings.MinShareOfBest * best)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Length).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(_settings.MaxCandidates)
            .Select(kv => new ChineseCandidate(kv.Key, Math.Round(kv.Value / best, 3)))
            .ToList();
    }
}
