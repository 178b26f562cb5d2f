using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SourceSearch.Index;
using SourceSearch.Text;

namespace SourceSearch.Search;

/// <summary>A completion of what is being typed: a frequent term of the index, or an article's title (with its id).</summary>
/// <param name="Pinyin">The completed term's toneless readings when pinyin was typed; more than one when it is polyphonic.</param>
public sealed record Suggestion(string Text, string Kind, string? Id = null, IReadOnlyList<string>? Pinyin = null)
{
    public const string TermKind = "term", TitleKind = "title";

    /// <summary>The term has more than one reading (the typed pinyin matched one of them).</summary>
    public bool Polyphonic => Pinyin is { Count: > 1 };

    /// <summary>How much of <see cref="Text"/> is the query as typed (kept as it is when the completion is converted).</summary>
    public int Kept { get; init; }
}

public sealed record SuggestResponse(string Query, IReadOnlyList<Suggestion> Suggestions, double TookMs);

public sealed class SuggestOptions
{
    /// <summary>How long a vocabulary is used after the index changed before it is rebuilt (in the background).</summary>
    public double RefreshSeconds { get; set; } = 30;
    /// <summary>The most terms kept (the most frequent); titles are all kept.</summary>
    public int MaxTerms { get; set; } = 300_000;
    /// <summary>How long a search that found nothing waits for a vocabulary being built before it answers without "did you mean".</summary>
    public double DidYouMeanWaitSeconds { get; set; } = 2;
    public int DefaultSize { get; set; } = 8;
    public int MaxSize { get; set; } = 20;
}

/// <summary>
/// Suggestions as you type and "did you mean", from the index's own vocabulary: its frequent terms (in either script,
/// since terms are folded), its titles, and the toneless pinyin of its terms (suzh → 苏州). The vocabulary is built
/// on first use and rebuilt in the background when the index has changed; the one in use answers meanwhile.
/// </summary>
public sealed class Suggester(SearchIndex index, Analyzer analyzer, Func<Pinyin?> pinyin, OpenCcConverter? openCc,
    SuggestOptions options, ILogger? logger = null)
{
    private readonly Lock _lock = new();
    private Task<SuggestionVocabulary>? _current;
    private Task<SuggestionVocabulary>? _next;

    public SuggestOptions Options => options;

    /// <summary>Starts building the vocabulary (a server does at start, so the first keystroke need not wait for it).</summary>
    public void Warm() => _ = VocabularyAsync();

    /// <summary>The vocabulary to answer from: built now on first use; afterwards the last built, with a rebuild started when the index moved on.</summary>
    public async Task<SuggestionVocabulary> VocabularyAsync(CancellationToken cancel = default)
    {
        Task<SuggestionVocabulary> current;
        lock (_lock)
        {
            if (_next is { IsCompletedSuccessfully: true }) { _current = _next; _next = null; }
            else if (_next is { IsCompleted: true }) _next = null; // a failed rebuild: the old one stays, the next change retries
            if (_current is { IsFaulted: true } or { IsCanceled: true }) _current = null; // a failed first build is retried
            _current ??= Task.Run(() => BuildAsync(CancellationToken.None));
            current = _current;
        }
        var vocabulary = await current.WaitAsync(cancel);
        lock (_lock)
        {
            // Rebuilt at most every RefreshSeconds, and never more than a tenth of the time: on a large index a build takes seconds.
            if (_next is null && vocabulary.Sequence != index.AppliedSequence
                && (DateTime.UtcNow - vocabulary.BuiltAt).TotalSeconds >= Math.Max(options.RefreshSeconds, 10 * vocabulary.BuildSeconds))
                _next = Task.Run(() => BuildAsync(CancellationToken.None));
        }
        return vocabulary;
    }

    private async Task<SuggestionVocabulary> BuildAsync(CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        long sequence = index.AppliedSequence;
        var words = analyzer.Segmenter.Dictionary;
        // The index's terms, the store's titles and the pinyin dictionary are read at once (each takes a second or
        // more on a large index).
        var readTerms = Task.Run(async () =>
        {
            var terms = await index.TermsAsync(t => SuggestionVocabulary.Suggestible(t, words), cancel);
            return (Terms: terms, Seconds: clock.Elapsed.TotalSeconds);
        }, cancel);
        var readTitles = Task.Run(async () =>
        {
            var titles = await index.TitlesAsync(cancel);
            return (Titles: titles, Seconds: clock.Elapsed.TotalSeconds);
        }, cancel);
        Pinyin? reader = null;
        try { reader = pinyin(); }
        catch (Exception e) when (e is DictionaryUnavailableException or IOException) { logger?.LogWarning("suggestions without pinyin: {Reason}", e.Message); }
        var (terms, termsSeconds) = await readTerms;
        var (titles, titlesSeconds) = await readTitles;
        var assembling = Stopwatch.StartNew();
        var vocabulary = SuggestionVocabulary.Build(terms, titles, analyzer, reader, options.MaxTerms, sequence);
        // The throttle counts what a rebuild costs: reading the index and assembling, not the pinyin dictionary's
        // one-time load, which would otherwise hold back the first rebuild by ten times that load.
        vocabulary.BuildSeconds = Math.Max(termsSeconds, titlesSeconds) + assembling.Elapsed.TotalSeconds;
        vocabulary.TermsSeconds = termsSeconds;
        vocabulary.TitlesSeconds = titlesSeconds;
        logger?.LogInformation("suggestion vocabulary: {Terms} terms, {Titles} titles, built in {Ms} ms (terms {TermsMs} ms, titles {TitlesMs} ms)",
            vocabulary.TermCount, titles.Count, (int)clock.ElapsedMilliseconds, (int)(termsSeconds * 1000), (int)(titlesSeconds * 1000));
        return vocabulary;
    }

    /// <summary>Completions of the last word typed (pinyin letters complete to Chinese terms), then of the whole query as a title.</summary>
    public async Task<SuggestResponse> SuggestAsync(string query, int size, ChineseScript? display, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var vocabulary = await VocabularyAsync(cancel);
        var found = vocabulary.Suggest(query, size);
        // Terms are folded (Simplified): shown in the asked script, or in the script the person is typing.
        var termScript = display ?? (analyzer.DetectScript(query) == Script.Traditional ? ChineseScript.Hant : null);
        var shown = found.Select(s => s.Kind == Suggestion.TermKind ? s with { Text = Convert(s.Text, termScript, s.Kept) }
            : display is { } d ? s with { Text = Convert(s.Text, d, 0) } : s)
            .DistinctBy(s => (s.Text, s.Kind)).ToList();
        return new SuggestResponse(query, shown, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>A query like this one that the index's vocabulary holds (pinyin to Chinese, a near-miss character mended), or null.</summary>
    /// <remarks>
    /// A search that found nothing waits at most <see cref="SuggestOptions.DidYouMeanWaitSeconds"/> for a vocabulary
    /// still being built (seconds on a large index): it answers without a suggestion rather than late.
    /// </remarks>
    public async Task<string?> DidYouMeanAsync(string query, CancellationToken cancel = default)
    {
        try { return (await VocabularyAsync(cancel).WaitAsync(TimeSpan.FromSeconds(options.DidYouMeanWaitSeconds), cancel)).Correct(query); }
        catch (TimeoutException) { return null; }
    }

    // The completion converted, the typed head left as typed.
    private string Convert(string text, ChineseScript? script, int fromIndex) =>
        script is null || openCc is null || fromIndex >= text.Length ? text : text[..fromIndex] + openCc.Convert(text[fromIndex..], script.Value);
}

/// <summary>An immutable snapshot of what suggestions are made from: sorted arrays searched by prefix.</summary>
public sealed class SuggestionVocabulary
{
    private const int MaxTitles = 3;
    private readonly Analyzer _analyzer;
    private readonly string[] _terms;            // folded, sorted ordinal
    private readonly int[] _passages;            // how many passages hold each term
    private readonly Dictionary<string, int> _termAt;
    private readonly (string Key, int Term)[] _pinyin;   // sorted by key
    private readonly (string Folded, string Id, string Title)[] _titles; // sorted by folded title
    private readonly Pinyin? _reader;

    public long Sequence { get; }
    public DateTime BuiltAt { get; } = DateTime.UtcNow;
    /// <summary>What a rebuild costs (reading the index and assembling; the pinyin dictionary's one-time load left out).</summary>
    public double BuildSeconds { get; internal set; }
    /// <summary>Of the build: reading the index's terms, and the store's titles.</summary>
    public double TermsSeconds { get; internal set; }
    public double TitlesSeconds { get; internal set; }
    public int TermCount => _terms.Length;

    private SuggestionVocabulary(Analyzer analyzer, string[] terms, int[] passages, (string, int)[] pinyin,
        (string, string, string)[] titles, Pinyin? reader, long sequence)
    {
        _analyzer = analyzer;
        _terms = terms;
        _passages = passages;
        _pinyin = pinyin;
        _titles = titles;
        _reader = reader;
        Sequence = sequence;
        _termAt = new Dictionary<string, int>(terms.Length, StringComparer.Ordinal);
        for (int i = 0; i < terms.Length; i++) _termAt[terms[i]] = i;
    }

    /// <summary>Terms worth suggesting: dictionary words of Han characters (a gram that is no word, such as 州的, is not), longer Han words, and Latin words of three letters or more.</summary>
    public static bool Suggestible(ReadOnlySpan<char> term, WordDictionary? words)
    {
        if (term.Length < 2) return false;
        if (char.IsAsciiLetterLower(term[0])) return term.Length >= 3 && !term.ContainsAnyExcept(LowerLetters);
        if (!IsHan(term)) return false;
        return term.Length > 2 || words is null || words.IsWord(term);
    }

    private static readonly System.Buffers.SearchValues<char> LowerLetters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz");

    public static SuggestionVocabulary Build(List<(string Term, int Passages)> terms, List<(string Id, string Title)> titles, Analyzer analyzer,
        Pinyin? reader, int maxTerms, long sequence)
    {
        var kept = terms.Count <= maxTerms ? terms : [.. terms.OrderByDescending(t => t.Passages).Take(maxTerms)];
        kept.Sort((a, b) => string.CompareOrdinal(a.Term, b.Term));
        var pinyin = new List<(string, int)>();
        if (reader is not null)
            for (int i = 0; i < kept.Count; i++)
                if (IsHan(kept[i].Term))
                    foreach (var key in reader.Readings(kept[i].Term)) pinyin.Add((key, i));
        pinyin.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        var folded = titles.AsParallel().AsOrdered().Select(t => (analyzer.FoldToString(t.Title), t.Id, t.Title)).ToArray();
        Array.Sort(folded, (a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return new SuggestionVocabulary(analyzer, [.. kept.Select(t => t.Term)], [.. kept.Select(t => t.Passages)], [.. pinyin], folded, reader, sequence);
    }

    // How much of the query stays as typed: everything up to its last word.
    private static int HeadLength(string query)
    {
        string q = query.TrimStart();
        int cut = q.LastIndexOfAny([' ', '\u3000']);
        return query.Length - q.Length + cut + 1;
    }

    public List<Suggestion> Suggest(string query, int size)
    {
        var result = new List<Suggestion>();
        if (string.IsNullOrWhiteSpace(query) || size <= 0) return result;
        int headLength = HeadLength(query);
        string head = query[..headLength], last = query[headLength..];
        if (last.Length == 0) return result;

        if (Pinyin.KeyOf(last) is { } key && last.All(c => c < 128))
        {
            // Pinyin to Chinese terms (pinyin typed with spaces, su zhou, is one key), and Latin words of the index.
            string pinyinHead = head;
            if (Pinyin.KeyOf(query.Trim()) is { } whole && query.All(c => c < 128)) (pinyinHead, key) = ("", whole);
            var han = PrefixRange(_pinyin, key, p => p.Key);
            foreach (int i in Best(Enumerable.Range(han.Start, han.End - han.Start).Select(k => _pinyin[k].Term).Distinct(), size))
                result.Add(new Suggestion(pinyinHead + _terms[i], Suggestion.TermKind, Pinyin: Readings(_terms[i])) { Kept = pinyinHead.Length });
            string lower = last.ToLowerInvariant();
            var latin = PrefixRange(_terms, lower);
            foreach (int i in Best(Enumerable.Range(latin.Start, latin.End - latin.Start).Where(i => _terms[i] != lower), size - result.Count))
                result.Add(new Suggestion(head + _terms[i], Suggestion.TermKind) { Kept = head.Length });
        }
        else
        {
            string folded = _analyzer.FoldToString(last).ToLowerInvariant();
            if (folded.Length == 0) return result;
            var range = PrefixRange(_terms, folded);
            int room = head.Length == 0 ? Math.Max(1, size - MaxTitles) : size;
            foreach (int i in Best(Enumerable.Range(range.Start, range.End - range.Start).Where(i => _terms[i].Length > folded.Length), room))
                result.Add(new Suggestion(head + _terms[i], Suggestion.TermKind) { Kept = head.Length });
        }

        // Titles that start with the whole query (folded, so either script).
        if (result.Count < size)
        {
            string whole = _analyzer.FoldToString(query.Trim()).ToLowerInvariant();
            if (whole.Length > 0)
            {
                var titles = PrefixRange(_titles, whole, t => t.Folded);
                foreach (var t in _titles.AsSpan(titles.Start, titles.End - titles.Start).ToArray().OrderBy(t => t.Title.Length).ThenBy(t => t.Id, StringComparer.Ordinal)
                             .Take(Math.Min(MaxTitles, size - result.Count)))
                    result.Add(new Suggestion(t.Title, Suggestion.TitleKind, t.Id));
            }
        }
        return result;
    }

    /// <summary>
    /// The query with each word the index does not hold replaced by one it does: pinyin typed without tones (suzhou → 苏州),
    /// a character typed by its sound (苏洲 → 苏州), or one character off. Null when nothing would change.
    /// </summary>
    public string? Correct(string query)
    {
        bool changed = false;
        var parts = query.Split([' ', '\u3000'], StringSplitOptions.None);
        for (int p = 0; p < parts.Length; p++)
        {
            string part = parts[p];
            // Operators and fields are left alone: only plain words are mended.
            if (part.Length == 0 || part.Contains(':') || part.Contains('"') || part is "OR" || part.StartsWith('-')) continue;
            if (CorrectWord(part) is { } better) { parts[p] = better; changed = true; }
        }
        return changed ? string.Join(' ', parts) : null;
    }

    private string? CorrectWord(string word)
    {
        if (word.All(char.IsAsciiLetter))
        {
            if (_termAt.ContainsKey(word.ToLowerInvariant()) || Pinyin.KeyOf(word) is not { } key) return null;
            var exact = PrefixRange(_pinyin, key, p => p.Key);
            var same = Enumerable.Range(exact.Start, exact.End - exact.Start).Where(k => _pinyin[k].Key == key).Select(k => _pinyin[k].Term);
            return Best(same, 1).Select(i => _terms[i]).FirstOrDefault();
        }
        string folded = _analyzer.FoldToString(word);
        if (!IsHan(folded) || folded.Length < 2 || _termAt.ContainsKey(folded)) return null;
        if (folded.Length > 4)
        {
            // A longer run: mend the words inside it the index lacks.
            var tokens = _analyzer.Analyze(word).Where(t => t.Type == TokenType.Word && !t.IsPart && t.End - t.Start >= 2).ToList();
            string mended = word;
            foreach (var t in tokens.OrderByDescending(t => t.Start))
                if (!_termAt.ContainsKey(t.Term) && Mend(t.Term) is { } m) mended = mended[..t.Start] + m + mended[t.End..];
            return mended == word ? null : mended;
        }
        return Mend(folded);
    }

    // A term of the same length that sounds the same (the usual typing slip with pinyin input), else one that differs in one character.
    private string? Mend(string folded)
    {
        if (_reader is not null)
        {
            var sounds = _reader.Readings(folded);
            var candidates = new List<int>();
            foreach (var key in sounds)
            {
                var range = PrefixRange(_pinyin, key, p => p.Key);
                for (int k = range.Start; k < range.End; k++)
                    if (_pinyin[k].Key == key && _terms[_pinyin[k].Term].Length == folded.Length) candidates.Add(_pinyin[k].Term);
            }
            // Sounding the same and sharing a character: 苏洲 → 苏州, not another word read suzhou.
            var sharing = candidates.Where(i => _terms[i].Zip(folded).Any(x => x.First == x.Second)).ToList();
            foreach (int i in Best(sharing.Count > 0 ? sharing : candidates, 1)) return _terms[i];
        }
        // One character off: a scan of the terms (a millisecond or so, and only for a search that found nothing),
        // rather than a table of every term with each character blanked, which held most of the vocabulary's memory.
        int best = -1;
        for (int i = 0; i < _terms.Length; i++)
            if (_terms[i].Length == folded.Length && (best < 0 || _passages[i] > _passages[best]) && OneOff(_terms[i], folded)) best = i;
        return best >= 0 ? _terms[best] : null;
    }

    private IReadOnlyList<string>? Readings(string term) => _reader?.Readings(term) is { Count: > 0 } r ? r : null;

    // The `count` indices with the most passages, most first (ties: shorter, then ordinal).
    private IEnumerable<int> Best(IEnumerable<int> indices, int count) => count <= 0 ? [] :
        indices.OrderByDescending(i => _passages[i]).ThenBy(i => _terms[i].Length).ThenBy(i => i).Take(count);

    private static bool OneOff(string a, string b)
    {
        int differ = 0;
        for (int i = 0; i < a.Length; i++)
            if (a[i] != b[i] && ++differ > 1) return false;
        return differ == 1;
    }

    internal static bool IsHan(string s) => IsHan(s.AsSpan());

    internal static bool IsHan(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var r in s.EnumerateRunes())
            if (!CharClass.IsHan(r.Value)) return false;
        return true;
    }

    private static (int Start, int End) PrefixRange(string[] sorted, string prefix) => PrefixRange(sorted, prefix, s => s);

    private static (int Start, int End) PrefixRange<T>(T[] sorted, string prefix, Func<T, string> key)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { int mid = (lo + hi) >>> 1; if (string.CompareOrdinal(key(sorted[mid]), prefix) < 0) lo = mid + 1; else hi = mid; }
        int start = lo;
        hi = sorted.Length;
        while (lo < hi) { int mid = (lo + hi) >>> 1; if (key(sorted[mid]).StartsWith(prefix, StringComparison.Ordinal)) lo = mid + 1; else hi = mid; }
        return (start, lo);
    }
}
