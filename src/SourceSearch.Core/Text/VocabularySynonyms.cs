namespace SourceSearch.Text;

/// <summary>
/// Token filter stage: regional vocabulary as synonyms. Where text is written in Traditional script,
/// a Taiwan word (軟體, 記憶體, 網路, 資訊) also gets the mainland word (软件, 内存, 网络, 信息) as an
/// extra term over the same characters, so a query in mainland vocabulary finds it. The literal term
/// stays; nothing is added to Simplified text, so a Simplified article is only ever found through
/// words it contains. Synonym terms are the mainland word as the segmenter splits it (笔记本电脑 →
/// 笔记本, 电脑 and the whole), so they match the terms a query of that word gets.
/// </summary>
public sealed class VocabularySynonyms
{
    private readonly PhraseTrie _keys = new();
    private readonly List<string[]> _terms = [];
    private readonly HashSet<string> _allTerms = new(StringComparer.Ordinal);

    /// <summary>
    /// A Taiwan word that is this frequent in jieba's (mainland) dictionary is a common word on both sides, not only
    /// regional vocabulary: 建立, 核心, 指标, 智慧, 资料 mean the same in Taiwan outside computing. Text keeps their
    /// synonyms (a mainland question that says 数据 still finds a Taiwan 資料, ranked below literal matches), but a
    /// query does not search them (a question about who 建立 a state is not one about who 创建 something). 资讯 (561)
    /// is regional either way.
    /// </summary>
    public const int CommonWordFrequency = 1000;

    private readonly HashSet<string> _commonKeys = new(StringComparer.Ordinal);

    /// <param name="entries">Taiwan word → mainland word (OpenCC's TWPhrasesRev), unfolded.</param>
    /// <param name="fold">Folds text as the chain does before segmentation.</param>
    /// <param name="words">The words a folded mainland word is indexed as.</param>
    /// <param name="frequency">A folded word's frequency in the segmentation dictionary (negative when absent).</param>
    public VocabularySynonyms(IEnumerable<(string Key, string Value)> entries, Func<string, string> fold, Func<string, IEnumerable<string>> words,
        Func<string, int> frequency)
    {
        foreach (var (key, value) in entries)
        {
            string k = fold(key), v = fold(value);
            if (k.Length == 0 || k == v) continue;
            if (frequency(k) >= CommonWordFrequency) _commonKeys.Add(k);
            var terms = words(v).Where(t => t.Length > 0 && t != k).Distinct(StringComparer.Ordinal).ToArray();
            if (terms.Length == 0) continue;
            _terms.Add(terms);
            _allTerms.UnionWith(terms);
            _keys.Add(k, (_terms.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>How many Taiwan words have synonyms.</summary>
    public int Count => _terms.Count;

    /// <summary>Whether the folded Taiwan word <paramref name="foldedWord"/> is a common word on both sides (see <see cref="CommonWordFrequency"/>).</summary>
    public bool IsCommonWord(string foldedWord) => _commonKeys.Contains(foldedWord);

    /// <summary>Whether <paramref name="term"/> is the synonym of some Taiwan word.</summary>
    public bool IsSynonym(string term) => _allTerms.Contains(term);

    /// <summary>The synonyms of a folded Taiwan word (empty when it has none).</summary>
    public IReadOnlyList<string> Of(string foldedWord) =>
        _keys.LongestMatch(foldedWord, out var index) == foldedWord.Length && index is not null ? _terms[int.Parse(index)] : [];

    /// <summary>
    /// Adds a <see cref="TokenType.Synonym"/> token for every Taiwan word in <paramref name="folded"/>
    /// (longest match, left to right) that begins where a word of <paramref name="tokens"/> does (资讯 is not
    /// looked for across 投资|讯号), spanning the original characters of the word. Its end may fall inside a
    /// word: the segmenter reads 分割槽輪 as 分割|槽轮, where OpenCC's table has 分割槽 (mainland 分区).
    /// </summary>
    public void Emit(MappedText folded, List<Token> tokens)
    {
        if (_terms.Count == 0) return;
        var starts = new HashSet<int>();
        foreach (var t in tokens)
            if (t.Type == TokenType.Word) starts.Add(t.Start);
        string s = folded.Text;
        int count = tokens.Count;
        int i = 0;
        while (i < s.Length)
        {
            int m = _keys.LongestMatch(s.AsSpan(i), out var index);
            if (m == 0 || index is null) { i++; continue; }
            var (start, end) = folded.MapSpan(i, i + m);
            if (!starts.Contains(start)) { i++; continue; }
            foreach (var term in _terms[int.Parse(index, System.Globalization.CultureInfo.InvariantCulture)])
                tokens.Add(new Token(term, TokenType.Synonym, start, end));
            i += m;
        }
        // Keep the stream in start order (at one start: the literal tokens first).
        if (tokens.Count > count)
        {
            var sorted = tokens.Select((t, k) => (t, k)).OrderBy(x => x.t.Start).ThenBy(x => x.t.Type == TokenType.Synonym ? 1 : 0).ThenBy(x => x.k)
                .Select(x => x.t).ToList();
            tokens.Clear();
            tokens.AddRange(sorted);
        }
    }
}
