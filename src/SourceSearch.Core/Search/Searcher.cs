using System.Diagnostics;
using System.Text;
using SourceSearch.Index;
using SourceSearch.Text;

namespace SourceSearch.Search;

public enum SortOrder { Relevance, Date }

/// <summary>How the terms of plain text combine: every term (a keyword search), any (a question), or all falling back to any.</summary>
public enum MatchMode { Auto, All, Any }

public sealed record SearchRequest(
    string Query,
    int Page = 1,
    int Size = 10,
    string? Source = null,
    string? Author = null,
    string? From = null,
    string? To = null,
    SortOrder Sort = SortOrder.Relevance,
    ChineseScript? DisplayScript = null,
    MatchMode Mode = MatchMode.Auto,
    bool Translate = true);

/// <summary>A highlighted span: offsets into the article text, and into the snippet as shown.</summary>
public readonly record struct Highlight(int Start, int End, int SnippetStart, int SnippetEnd);

public sealed record SearchHit(
    string Id, string Title, double Score,
    int Start, int End,                 // the best passage, in the article text
    string Snippet, int SnippetStart, int SnippetEnd, IReadOnlyList<Highlight> Highlights,
    string? Author, string? Date, string? Source, string? Url, Script Script,
    IReadOnlyList<string> OtherVersions,
    IReadOnlyList<Highlight>? TitleHighlights = null);   // where the title holds the query's terms: Start/End into the article's title, SnippetStart/SnippetEnd into Title as shown

/// <summary>How a query was understood: the folded, segmented terms actually searched.</summary>
public sealed record QueryUnderstanding(string Mode, IReadOnlyList<ClauseUnderstanding> Clauses,
    string? Source, string? Author, string? From, string? To, IReadOnlyList<TranslatedWord>? Translation = null);

public sealed record ClauseUnderstanding(string Text, IReadOnlyList<string> Terms, bool Phrase, string Field, bool Excluded, bool Alternative);

public sealed record SearchResponse(
    string Query, IReadOnlyList<SearchHit> Hits, int Total, bool TotalIsLowerBound, int Page, int Size,
    QueryUnderstanding? Understood, IReadOnlyDictionary<string, int> Sources, IReadOnlyDictionary<int, int> Years,
    double TookMs, IReadOnlyList<Notice> Notices, string? Error = null)
{
    /// <summary>With a display script: each source facet's name as shown (the keys of <see cref="Sources"/> stay the values to filter by).</summary>
    public IReadOnlyDictionary<string, string>? SourceLabels { get; init; }

    /// <summary>When nothing was found: a query like this one that the index's vocabulary holds (suzhou → 苏州, 苏洲 → 苏州).</summary>
    public string? DidYouMean { get; init; }
}

public sealed class SearchOptions
{
    public int MaxQueryLength { get; set; } = 2000;
    public int MaxPageSize { get; set; } = 100;
    /// <summary>
    /// Passages fetched from the full-text index per query; the total is a lower bound past this. 500, not more: every
    /// candidate's article row is read (versions, facets), and retrieval quality on the eval sets is the same.
    /// </summary>
    public int CandidateLimit { get; set; } = 500;
    public double TitleWeight { get; set; } = 2.0;
    /// <summary>BM25 weight of the passage's words and grams (the body field).</summary>
    public double BodyWeight { get; set; } = 1.0;
    /// <summary>BM25 weight of regional-vocabulary synonyms (软件 over 軟體): below a literal match.</summary>
    public double VocabularyWeight { get; set; } = 0.5;
    public int SnippetLength { get; set; } = 120;
    /// <summary>An article's score is its best passage's plus this share of its other matching passages'.</summary>
    public double PassageSupport { get; set; } = 0.3;
    /// <summary>Boost for the longest stretch of the query found verbatim (folded) in a passage: score × (1 + this × share of the query).</summary>
    public double PhraseBoost { get; set; } = 2.0;
    /// <summary>How many of the best articles the phrase boost re-ranks.</summary>
    public int RerankDepth { get; set; } = 30;
}

/// <summary>
/// Ranked search over the index: parses the query, analyses it with the index's analysis chain,
/// asks the full-text index for matching passages (BM25 over title, words and grams), keeps the best passage of
/// each article, and makes snippets with highlights at offsets into the original text.
/// </summary>
public sealed class Searcher(SearchIndex index, SearchOptions options, OpenCcConverter? openCc = null, Func<EnglishTranslator?>? translator = null,
    Suggester? suggester = null)
{
    private Analyzer Analyzer => index.Analyzer;
    private readonly FoldedPassages _folded = new(index.Analyzer);
    private const int TitleKey = -1;

    /// <summary>Suggestions as you type and "did you mean" over the same index (null when not set up).</summary>
    public Suggester? Suggester => suggester;

    /// <summary>
    /// An English query or question as Chinese terms (CC-CEDICT), or null when the text is not
    /// English or no translator is available. Loaded on the first English query.
    /// </summary>
    public EnglishTranslation? TranslateIfEnglish(string text) =>
        translator is not null && EnglishTranslator.LooksEnglish(text) && translator() is { } t && t.ReadsAsEnglish(text) ? t.Translate(text) : null;

    public async Task<SearchResponse> SearchAsync(SearchRequest request, CancellationToken cancel = default)
    {
        var response = await SearchCoreAsync(request, cancel);
        // Nothing found: offer the query mended from the index's own vocabulary, when that would change it.
        if (response is { Error: null, Total: 0 } && suggester is not null && !string.IsNullOrWhiteSpace(request.Query)
            && await suggester.DidYouMeanAsync(request.Query, cancel) is { } better)
            response = response with { DidYouMean = better };
        return response;
    }

    private async Task<SearchResponse> SearchCoreAsync(SearchRequest request, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var notices = new List<Notice>();
        int size = Math.Clamp(request.Size, 1, options.MaxPageSize);
        int page = Math.Max(1, request.Page);
        SearchResponse Fail(string error) =>
            new(request.Query ?? "", [], 0, false, page, size, null, new Dictionary<string, int>(), new Dictionary<int, int>(), clock.Elapsed.TotalMilliseconds, notices, error);

        string query = request.Query ?? "";
        if (query.Trim().Length == 0) return Fail("the query is empty: type a word or a phrase to search for");
        if (query.Length > options.MaxQueryLength)
            return Fail($"the query is {query.Length} characters long; at most {options.MaxQueryLength} are allowed");

        // An English query searches the Chinese words it translates to, any of them (a word has several).
        var translation = request.Translate ? TranslateIfEnglish(query) : null;
        if (translation is { Terms.Count: > 0 })
        {
            notices.Add(Notice.EnglishQuery());
            request = request with { Mode = MatchMode.Any };
            query = string.Join(' ', translation.Terms);
        }

        // A question is text, not syntax: its quotation marks and hyphens are part of what it asks.
        var parsed = request.Mode == MatchMode.Any
            ? new ParsedQuery([[new QueryClause(query, false, ClauseField.Any, false)]], null, null, null, null, [])
            : QueryParser.Parse(query);
        notices.AddRange(parsed.Notices);
        var compiled = Compile(parsed);
        if (compiled.Positive.Count == 0)
            return Fail(compiled.Clauses.Count > 0 && compiled.Clauses.All(c => c.Excluded)
                ? "the query only excludes: add a word to search for"
                : "the query has nothing to search for (only punctuation or symbols)");

        foreach (var (name, value) in new[] { ("from", request.From), ("to", request.To) })
            if (!string.IsNullOrWhiteSpace(value) && Normalize(value) is null)
                notices.Add(Notice.FilterNotADate(name, value));
        var filters = new IndexFilters(request.Source ?? parsed.Source, request.Author ?? parsed.Author,
            Normalize(request.From) ?? parsed.From, Normalize(request.To) ?? parsed.To);
        var weights = new FieldWeights(options.TitleWeight, options.BodyWeight, options.VocabularyWeight);

        string mode;
        var infos = new Dictionary<long, SearchIndex.DocInfo>();
        Task<List<SearchIndex.Candidate>> Match(IndexQuery q) => index.MatchAsync(q, filters, options.CandidateLimit, weights, cancel, infos);
        List<SearchIndex.Candidate> candidates;   // ranked first
        List<SearchIndex.Candidate> rest = [];     // ranked after all of them
        bool relaxed = false, someOnlySkipped = false;
        if (request.Mode == MatchMode.All && compiled.All is not null)
        {
            mode = "all";
            candidates = await Match(compiled.All);
        }
        else if (request.Mode == MatchMode.Auto && compiled.WordClauses >= 2 && compiled.All is not null)
        {
            // Words typed apart (a keyword query): the articles with every one of them first, then those with some.
            candidates = await Match(compiled.All);
            // The articles with some of the words are looked for only when those with every word do not fill the page
            // asked for: a second query over the whole index doubled the time of most keyword queries. The total then
            // counts the articles with every word.
            bool pageFilled = candidates.Select(c => c.Doc).Distinct().Count() >= Through(page, size);
            someOnlySkipped = pageFilled && !ReferenceEquals(compiled.Any, compiled.All);
            if (!pageFilled && candidates.Count < options.CandidateLimit && compiled.Any is not null)
            {
                var first = candidates.Select(c => c.Doc).ToHashSet();
                rest = (await Match(compiled.Any)).Where(c => !first.Contains(c.Doc)).ToList();
            }
            mode = rest.Count == 0 ? "all" : candidates.Count == 0 ? "any" : "all-then-any";
            if (candidates.Count == 0 && rest.Count > 0) notices.Add(Notice.SomeTermsOnly());
        }
        else
        {
            // A question or a single stretch of text: what must match (quoted phrases), ranked by how many of the
            // other words match and how well.
            mode = "any";
            candidates = compiled.Any is null ? [] : await Match(compiled.Any);
        }
        if (candidates.Count == 0 && rest.Count == 0 && compiled.WordsOnly is not null)
        {
            // What the query insists on is nowhere as written (a quote of a text with other punctuation, say): all of
            // its words as plain text, said so, rather than nothing.
            // With an exclusion (-深圳) the text as typed would look for the excluded word: then the other words only.
            var loose = compiled.Clauses.Any(c => c.Excluded) ? compiled.WordsOnly
                : Compile(new ParsedQuery([[new QueryClause(query, false, ClauseField.Any, false)]], null, null, null, null, [])).Any;
            rest = loose is null ? [] : await Match(loose);
            relaxed = rest.Count > 0;
            if (relaxed) notices.Add(Notice.PhraseRelaxed());
        }
        bool lowerBound = candidates.Count + rest.Count >= options.CandidateLimit || someOnlySkipped;

        var textCache = new Dictionary<long, string>();
        Task<string?> TextOf(long doc) => CachedTextAsync(textCache, doc, cancel);
        // Texts are read in one statement for all the articles a step needs, not one by one.
        Task Prefetch(IEnumerable<long> docs) => index.TextsAsync(docs, textCache, cancel);
        // A passage folded for re-ranking is folded once (kept across requests): its snippet's highlights are found in the same folding.
        async Task<MappedText> FoldedPassage(SearchIndex.Candidate c) => _folded.Fold(c.Doc, c.Start, PassageText(await TextOf(c.Doc), c) ?? "");

        // Exact phrases: the index matched their grams in a row; the folded passage (or title, for title:"…")
        // must contain the phrase itself. Each group of alternatives (a OR "b") needs one to hold.
        async Task<List<SearchIndex.Candidate>> WithPhrases(List<SearchIndex.Candidate> list)
        {
            if (!compiled.Phrases.Any(g => g.Any(a => a.Phrase is not null)) || list.Count == 0) return list;
            var kept = new List<SearchIndex.Candidate>();
            await Prefetch(list.Select(c => c.Doc));
            foreach (var c in list)
            {
                if (PassageText(await TextOf(c.Doc), c) is not { } passage) continue;
                string folded = Squash(_folded.Fold(c.Doc, c.Start, passage).Text);
                string title = infos.TryGetValue(c.Doc, out var info) ? Squash(_folded.Fold(c.Doc, TitleKey, info.Title).Text) : "";
                // The index holds the title with every passage: a phrase in the title holds for all of them.
                bool Holds((string? Phrase, bool Title) a) =>
                    a.Phrase is null || title.Contains(a.Phrase, StringComparison.Ordinal)
                    || (!a.Title && folded.Contains(a.Phrase, StringComparison.Ordinal));
                if (compiled.Phrases.All(g => g.Any(Holds))) kept.Add(c);
            }
            return kept;
        }

        // One hit per article: its best passage, scored with some support from its other matching passages.
        async Task<List<SearchIndex.Candidate>> Rank(List<SearchIndex.Candidate> list)
        {
            var perDoc = new Dictionary<long, (SearchIndex.Candidate Best, double Score)>();
            var order = new List<long>();
            foreach (var c in list)
            {
                if (perDoc.TryGetValue(c.Doc, out var d)) perDoc[c.Doc] = (d.Best, d.Score + options.PassageSupport * c.Score);
                else { perDoc[c.Doc] = (c, c.Score); order.Add(c.Doc); }
            }
            // Equal scores go by article number: Lucene breaks ties by its own document numbers, which depend on which
            // thread indexed what, and the same index built twice ranked a tie differently (eval moved by a question).
            var ranked = order.Select(doc => perDoc[doc].Best with { Score = perDoc[doc].Score })
                .OrderByDescending(c => c.Score).ThenBy(c => c.Doc).ThenBy(c => c.Start).ToList();
            if (request.Sort == SortOrder.Relevance && compiled.FoldedText.Length > 1 && options.PhraseBoost > 0)
            {
                await Prefetch(ranked.Take(options.RerankDepth).Select(c => c.Doc));
                var rankedNow = ranked;
                ranked = await RerankAsync(ranked, compiled.FoldedText, async c => (await FoldedPassage(c)).Text, Through(page, size),
                    k => infos.TryGetValue(rankedNow[k].Doc, out var i) ? i.FoldedHash : rankedNow[k].Doc);
            }
            return ranked;
        }

        var ranked = await Rank(await WithPhrases(candidates));
        if (rest.Count > 0) ranked.AddRange(await Rank(relaxed ? rest : await WithPhrases(rest)));

        // One hit per set of versions of the same article (the same text in another script).
        var best = new List<(SearchIndex.Candidate Candidate, SearchIndex.DocInfo Info, List<string> Others)>();
        var byFolded = new Dictionary<long, int>();
        foreach (var c in ranked)
        {
            if (!infos.TryGetValue(c.Doc, out var info)) continue;
            if (byFolded.TryGetValue(info.FoldedHash, out int at)) { best[at].Others.Add(info.Id); continue; }
            byFolded[info.FoldedHash] = best.Count;
            best.Add((c, info, []));
        }

        var sources = best.Where(b => b.Info.Source is not null).GroupBy(b => b.Info.Source!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
        var years = best.Where(b => b.Info.Year is not null).GroupBy(b => b.Info.Year!.Value).OrderByDescending(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Count());

        IEnumerable<(SearchIndex.Candidate Candidate, SearchIndex.DocInfo Info, List<string> Others)> ordered = best;
        if (request.Sort == SortOrder.Date)
            ordered = best.OrderByDescending(b => b.Info.DateKey ?? "", StringComparer.Ordinal);

        var hits = new List<SearchHit>();
        bool hanTermsOnly = HanTermsOnly(compiled.HighlightTerms);
        // A Traditional article may have matched through a synonym (软件 over 軟體): its highlights come from analysing it.
        bool synonymTerms = compiled.HighlightTerms.Any(Analyzer.Synonyms.IsSynonym);
        var shownPage = ordered.Skip(Through(page - 1, size)).Take(size).ToList();
        await Prefetch(shownPage.Select(b => b.Candidate.Doc));
        foreach (var (c, info, others) in shownPage)
        {
            if (await TextOf(c.Doc) is not { } text || PassageText(text, c) is null) continue;
            bool analyse = !hanTermsOnly || (synonymTerms && info.Script == Script.Traditional);
            hits.Add(MakeHit(text, c, info, others, compiled.HighlightTerms, request.DisplayScript, await FoldedPassage(c), analyse));
        }

        var understood = new QueryUnderstanding(mode, compiled.Clauses, filters.Source, filters.Author, filters.From, filters.To, translation?.Words);
        return new SearchResponse(request.Query ?? "", hits, best.Count, lowerBound, page, size, understood, sources, years,
            clock.Elapsed.TotalMilliseconds, notices)
        {
            SourceLabels = request.DisplayScript is null ? null : sources.Keys.ToDictionary(k => k, k => Display(k, request.DisplayScript)),
        };
    }

    // An article's text from the cache of this request, read when not there yet; null when the article is gone.
    private async Task<string?> CachedTextAsync(Dictionary<long, string> cache, long doc, CancellationToken cancel)
    {
        if (cache.TryGetValue(doc, out var t)) return t;
        if ((t = await index.TextAsync(doc, cancel)) is not null) cache[doc] = t;
        return t;
    }

    // A candidate's passage; null when its article was deleted or replaced (another connection wrote between this
    // search's statements: a replaced article has a new doc, and a deleted last article's doc may be another's).
    private static string? PassageText(string? text, SearchIndex.Candidate c) => text is not null && c.End <= text.Length ? text[c.Start..c.End] : null;

    // How many hits the first `pages` pages of `size` hold; a page number as large as an int would overflow it.
    private static int Through(int pages, int size) => (int)Math.Min((long)pages * size, int.MaxValue);

    // The longest stretch of the (folded) query that a passage contains verbatim: questions and
    // keyword strings often repeat the words of the passage that answers them. Only the order of the first
    // `keep` groups (articles, counting versions as one; passages) must come out right: folding a passage costs
    // more than ranking it, so once a candidate's score could not reach the keep-th best even with the
    // largest boost, it and the rest (in descending score) are left as they are.
    private async Task<List<SearchIndex.Candidate>> RerankAsync(List<SearchIndex.Candidate> ranked, string query,
        Func<SearchIndex.Candidate, Task<string>> foldedPassage, int keep, Func<int, long> groupOf)
    {
        int depth = Math.Min(options.RerankDepth, ranked.Count);
        if (keep <= 0) return ranked; // nothing of the order is shown
        double largest = 1 + options.PhraseBoost;
        var groups = new Dictionary<long, double>();
        for (int k = 0; k < depth; k++)
        {
            var c = ranked[k];
            if (groups.Count >= keep && c.Score * largest < groups.Values.OrderDescending().ElementAt(keep - 1))
            {
                depth = k;
                break;
            }
            string passage = Squash(await foldedPassage(c));
            int longest = LongestCommonStretch(query, passage);
            if (longest >= 2) ranked[k] = c with { Score = c.Score * (1 + options.PhraseBoost * longest / query.Length) };
            long group = groupOf(k);
            groups[group] = Math.Max(groups.GetValueOrDefault(group, double.MinValue), ranked[k].Score);
        }
        // Stable (equal scores keep their order): the two script versions of an article score alike, and which one
        // stands for them must not depend on how many candidates were re-ranked.
        var sorted = ranked.GetRange(0, depth).OrderByDescending(c => c.Score).ToList();
        for (int k = 0; k < depth; k++) ranked[k] = sorted[k];
        return ranked;
    }

    internal static int LongestCommonStretch(string query, string passage)
    {
        int best = 0;
        for (int i = 0; i + best < query.Length; i++)
            for (int len = best + 1; i + len <= query.Length; len++)
            {
                if (passage.AsSpan().IndexOf(query.AsSpan(i, len), StringComparison.Ordinal) < 0) break;
                best = len;
            }
        return best;
    }

    /// <summary>English glosses of a Chinese word (empty without a translator).</summary>
    public IReadOnlyList<string> Glosses(string word) => translator?.Invoke()?.Gloss(word) ?? [];

    /// <summary>The article's original text at [start, end), or null when there is no such article or span (to check citations).</summary>
    public async Task<string?> QuoteAtAsync(string id, int start, int end, CancellationToken cancel = default)
    {
        var article = await index.GetAsync(id, cancel);
        if (article is null || start < 0 || end > article.Article.Text.Length || end < start) return null;
        return article.Article.Text[start..end];
    }

    /// <summary>A passage retrieved for a question, with its article's text (for quoting).</summary>
    public sealed record PassageHit(string Id, string Title, int Start, int End, double Score, string ArticleText)
    {
        /// <summary>The article's row in the store (-1: not known), for the folded-text cache.</summary>
        public long Doc { get; init; } = -1;
    }

    /// <summary><paramref name="hit"/>'s article text from <paramref name="start"/> to <paramref name="end"/>, folded (kept across requests).</summary>
    public string FoldToString(PassageHit hit, int start, int end) =>
        hit.Doc < 0 ? Analyzer.FoldToString(hit.ArticleText[start..end]) : _folded.Fold(hit.Doc, start, hit.ArticleText[start..end]).Text;

    /// <summary>
    /// The best passages for a question (any of its words; question words left out), several per
    /// article allowed: answering looks at passages, not whole articles. Also returns the terms searched.
    /// </summary>
    public async Task<(IReadOnlyList<PassageHit> Passages, IReadOnlyList<string> Terms)> PassagesAsync(string question, int count, CancellationToken cancel = default)
    {
        if (TranslateIfEnglish(question ?? "") is { Terms.Count: > 0 } translation) question = string.Join(' ', translation.Terms);
        if (string.IsNullOrWhiteSpace(question) || question.Length > options.MaxQueryLength) return ([], []);
        var compiled = Compile(new ParsedQuery([[new QueryClause(question, false, ClauseField.Any, false)]], null, null, null, null, []));
        // The terms that counted: not the question words (left out of the search), nor characters in every text (的, 是,
        // 有), which add nothing to the ranking beside a question's other words.
        var all = compiled.Clauses.SelectMany(c => c.Terms).Where(t => !QuestionWords.Contains(t)).Distinct().ToList();
        var counted = all.Where(t => !FunctionCharacters.Contains(t)).ToList();
        var terms = counted.Count > 0 ? counted : all;
        if (compiled.Positive.Count == 0 || compiled.Any is null) return ([], terms);
        var candidates = await MatchAnyAsync(compiled, IndexFilters.None, Math.Max(200, count * 10),
            new FieldWeights(options.TitleWeight, options.BodyWeight, options.VocabularyWeight), null, cancel);

        // A passage of the article that matches best overall is more likely the one that answers.
        var articleScore = new Dictionary<long, double>();
        foreach (var c in candidates) articleScore[c.Doc] = articleScore.GetValueOrDefault(c.Doc) + c.Score;
        var ranked = candidates.Select(c => c with { Score = c.Score + options.PassageSupport * (articleScore[c.Doc] - c.Score) })
            .OrderByDescending(c => c.Score).ThenBy(c => c.Doc).ThenBy(c => c.Start).ToList(); // ties as in SearchAsync
        var texts = new Dictionary<long, string>();
        Task<string?> TextOf(long doc) => CachedTextAsync(texts, doc, cancel);
        if (compiled.FoldedText.Length > 1 && options.PhraseBoost > 0)
        {
            await index.TextsAsync(ranked.Take(options.RerankDepth).Select(c => c.Doc), texts, cancel);
            ranked = await RerankAsync(ranked, compiled.FoldedText, async c => _folded.Fold(c.Doc, c.Start, PassageText(await TextOf(c.Doc), c) ?? "").Text, count, k => k);
        }

        var top = ranked.Take(count).ToList();
        await index.TextsAsync(top.Select(c => c.Doc), texts, cancel);
        var infos = await index.DocsAsync(top.Select(c => c.Doc), cancel);
        var hits = new List<PassageHit>();
        foreach (var c in top)
            if (infos.TryGetValue(c.Doc, out var info) && await TextOf(c.Doc) is { } text && PassageText(text, c) is not null)
                hits.Add(new PassageHit(info.Id, info.Title, c.Start, c.End, c.Score, text) { Doc = c.Doc });
        return (hits, terms);
    }

    private static string? Normalize(string? date) => string.IsNullOrWhiteSpace(date) ? null : DateKeys.Parse(date).Key;

    // ---- compiling the query into index queries ----

    private Task<List<SearchIndex.Candidate>> MatchAnyAsync(Compiled compiled, IndexFilters filters, int limit,
        FieldWeights weights, Dictionary<long, SearchIndex.DocInfo>? infos, CancellationToken cancel) =>
        index.MatchAsync(compiled.Any!, filters, limit, weights, cancel, infos);

    /// <param name="Any">What must match (phrases, title: clauses, OR groups), the other words ranking.</param>
    /// <param name="All">Every clause.</param>
    /// <param name="WordsOnly">The words without what must match, when something must (a phrase found nowhere).</param>
    /// <param name="WordClauses">Clauses of plain words (apart from what must match): two or more make a keyword query.</param>
    private sealed record Compiled(
        IndexQuery? Any, IndexQuery? All, IndexQuery? WordsOnly, int WordClauses, List<string> Positive, List<List<(string? Phrase, bool Title)>> Phrases,
        HashSet<string> HighlightTerms, List<ClauseUnderstanding> Clauses, string FoldedText);

    private static IndexQuery Or(List<IndexQuery> parts) => parts.Count == 1 ? parts[0] : new IndexQuery.Any(parts);

    private static IndexQuery And(List<IndexQuery> parts) => parts.Count == 1 ? parts[0] : new IndexQuery.All(parts);

    private Compiled Compile(ParsedQuery parsed)
    {
        var allGroups = new List<IndexQuery>();
        var anyParts = new List<IndexQuery>();
        var negatives = new List<IndexQuery>();
        var phrases = new List<List<(string? Phrase, bool Title)>>();
        var highlight = new HashSet<string>(StringComparer.Ordinal);
        var clauses = new List<ClauseUnderstanding>();
        var positive = new List<string>();
        // Phrases, title: clauses and OR groups are what the query insists on: they must match. The other words rank.
        var mustGroups = new List<IndexQuery>();
        int wordClauses = 0;

        foreach (var group in parsed.Groups)
        {
            var alternatives = new List<IndexQuery>();
            var groupPhrases = new List<(string? Phrase, bool Title)>();
            var groupAny = new List<IndexQuery>();
            bool precise = group.Count > 1 || group.Any(c => c.IsPhrase || c.Field != ClauseField.Any);
            for (int k = 0; k < group.Count; k++)
            {
                var clause = group[k];
                var analysed = index.AnalyzeQuery(clause.Text);
                // Regional vocabulary of a Traditional-script query (软件 for 軟體) is an alternative of the words it spans.
                // Not for a word common on both sides (建立 asks about 建立, not 创建).
                var tokens = analysed.Any(t => t.Type == TokenType.Synonym) ? analysed.Where(t => t.Type != TokenType.Synonym).ToList() : analysed;
                var synonyms = analysed.Where(t => t.Type == TokenType.Synonym
                    && !Analyzer.Synonyms.IsCommonWord(Analyzer.FoldToString(clause.Text[t.Start..t.End]))).ToList();
                // Synonyms of Traditional-script text are in a field of their own, weighed less.
                var fields = clause.Field == ClauseField.Title ? IndexFields.Title : IndexFields.All;
                var literalFields = clause.Field == ClauseField.Title ? IndexFields.Title : IndexFields.Literal;
                var units = new List<IndexQuery>();
                var unitTerms = new List<string>();
                var required = new List<IndexQuery>();
                var grams = new List<IndexQuery>();
                if (clause.IsPhrase)
                {
                    if (PhraseQuery(tokens, fields) is { } phrase) { units.Add(phrase); unitTerms.Add(clause.Text); required.Add(phrase); }
                    if (!clause.Negated) groupPhrases.Add((Squash(Analyzer.FoldToString(clause.Text)), clause.Field == ClauseField.Title));
                }
                else
                {
                    // Question words (什么, 哪一年, 多少) say what is asked, not what the answer's text contains.
                    var asking = tokens.Where(t => t.Type == TokenType.Word && QuestionWords.Contains(t.Term)).Select(t => (t.Start, t.End)).ToList();
                    bool InsideAsking(Token t) => asking.Any(a => t.Start >= a.Start && t.End <= a.End);
                    foreach (var t in tokens)
                    {
                        if (t.IsPart) continue;
                        if (t.Type == TokenType.Bigram)
                        {
                            if (!InsideAsking(t)) grams.Add(new IndexQuery.Term(fields, t.Term));
                            continue;
                        }
                        if (InsideAsking(t) && tokens.Count > 2) continue;
                        // A word matches as itself or as its grams in a row (text the dictionary segmented otherwise).
                        var forms = new List<IndexQuery> { new IndexQuery.Term(fields, t.Term) };
                        var wordGrams = t.Type == TokenType.Word && t.Term.Length > 1 ? GramsOf(tokens, t) : [];
                        if (wordGrams.Count > 1) forms.Add(new IndexQuery.Phrase(fields, [.. wordGrams.Select((g, i) => (g, i))]));
                        // A query's synonym is for text that writes the mainland word; Traditional text has the query's own
                        // word, and its synonym field would count the same match twice.
                        foreach (var syn in synonyms)
                            if (t.Type == TokenType.Word && syn.Start <= t.Start && t.End <= syn.End && syn.Term != t.Term)
                                forms.Add(new IndexQuery.Term(literalFields, syn.Term));
                        var unit = Or(forms.Distinct().ToList());
                        units.Add(unit);
                        unitTerms.Add(t.Term);
                        // Lone characters (的, 是) do not make an article relevant on their own.
                        if (t.Type != TokenType.Word || t.Term.Length > 1) required.Add(unit);
                    }
                    if (required.Count == 0) required.AddRange(units);
                    // In "any" mode a word also counts by its grams: a synonym counts again for text that writes it
                    // (軟體 asked of text that writes 软件 weighs as 软件 asked would).
                    foreach (var syn in synonyms)
                        if (!InsideAsking(syn)) grams.Add(new IndexQuery.Term(literalFields, syn.Term));
                }
                if (units.Count == 0) continue;

                clauses.Add(new ClauseUnderstanding(clause.Text, tokens.Where(t => !t.IsPart && t.Type != TokenType.Bigram).Select(t => t.Term).Distinct().ToList(),
                    clause.IsPhrase, clause.Field == ClauseField.Title ? "title" : "any", clause.Negated, k > 0));
                if (clause.Negated)
                {
                    negatives.Add(Or(units));
                    continue;
                }
                foreach (var t in analysed) highlight.Add(t.Term);
                positive.Add(clause.Text);
                alternatives.Add(And(required));
                if (!clause.IsPhrase) groupPhrases.Add((null, false)); // this alternative needs no phrase check
                // Function characters (的, 有) are in every article: in "any" mode their grams carry them.
                var content = units.Where((u, i) => !FunctionCharacters.Contains(unitTerms[i])).ToList();
                groupAny.AddRange(content.Count > 0 ? content : units);
                // A Han word is also counted by its grams; a Latin word or number has only itself:
                // counting it again keeps a rare name like AGG01 from being outweighed by common words.
                for (int i = 0; i < units.Count; i++)
                    if (!clause.IsPhrase && unitTerms[i].Length > 0 && !CharClass.IsHan(unitTerms[i][0])) groupAny.Add(units[i]);
                groupAny.AddRange(grams);
            }
            if (alternatives.Count > 0)
            {
                allGroups.Add(Or(alternatives));
                if (precise) mustGroups.Add(Or(alternatives));
                else
                {
                    anyParts.AddRange(groupAny);
                    wordClauses++;
                }
            }
            if (groupPhrases.Any(p => p.Phrase is not null)) phrases.Add(groupPhrases);
        }

        IndexQuery? all = allGroups.Count == 0 ? null : And(allGroups);
        IndexQuery? must = mustGroups.Count == 0 ? null : And(mustGroups);
        IndexQuery? words = anyParts.Count == 0 ? null : new IndexQuery.Any(anyParts);
        // Any: what must match, ranked by the words as well (each counts by how well it matches, none is needed).
        IndexQuery? any = must is null ? words : words is null ? must : new IndexQuery.Ranked(must, words);
        if (negatives.Count > 0)
        {
            var not = Or(negatives);
            if (all is not null) all = new IndexQuery.Not(all, not);
            if (any is not null) any = new IndexQuery.Not(any, not);
            if (words is not null) words = new IndexQuery.Not(words, not);
        }
        string folded = Squash(Analyzer.FoldToString(string.Concat(positive)));
        return new Compiled(any, all, must is null ? null : words, wordClauses, positive, phrases, highlight, clauses, folded);
    }

    /// <summary>Characters that occur in nearly every Chinese text: as words of their own they say nothing about relevance.</summary>
    internal static readonly HashSet<string> FunctionCharacters = new(StringComparer.Ordinal)
    {
        "的", "了", "是", "在", "有", "和", "与", "及", "或", "也", "都", "而", "被", "把", "对", "从", "向", "将", "就", "又", "很",
        "还", "之", "其", "这", "那", "该", "此", "个", "中", "上", "下", "为", "以", "于", "由", "等", "着", "过", "吗", "呢", "吧",
        "啊", "所", "并", "但", "则", "即", "得", "地", "到", "给", "让", "使", "会", "能", "可", "要", "我", "你", "他", "她", "它",
    };

    /// <summary>Words that ask rather than tell (folded, Simplified); a question's answer rarely contains them.</summary>
    internal static readonly HashSet<string> QuestionWords = new(StringComparer.Ordinal)
    {
        "什么", "什么样", "哪", "哪个", "哪些", "哪一", "哪一个", "哪一年", "哪年", "哪里", "哪儿", "哪位", "哪种", "哪家", "谁", "多少", "几",
        "几个", "几年", "怎么", "怎么样", "怎样", "如何", "为什么", "为何", "何", "何时", "何地", "何人", "何种", "是否", "吗", "呢", "吧",
        "多久", "多长", "多大", "多远", "多高",
    };

    // Han runs match as their grams in a row; Latin words and numbers as words in a row (each in its own run of positions).
    private static IndexQuery? PhraseQuery(List<Token> tokens, IndexFields fields)
    {
        // A tokenizer that gives positions (SmartCn): its words at their positions.
        if (tokens.Count > 0 && tokens.TrueForAll(t => t.Position >= 0))
            return new IndexQuery.Phrase(fields, [.. tokens.Select(t => (t.Term, t.Position))]);
        var parts = new List<IndexQuery>();
        var grams = tokens.Where(t => t.Type == TokenType.Bigram).Select(t => t.Term).ToList();
        if (grams.Count > 0) parts.Add(new IndexQuery.Phrase(fields, [.. grams.Select((g, i) => (g, i))]));
        var latin = tokens.Where(t => !t.IsPart && t.Type is TokenType.Latin or TokenType.Number).Select(t => t.Term).ToList();
        if (latin.Count > 0) parts.Add(new IndexQuery.Phrase(fields, [.. latin.Select((w, i) => (w, i))]));
        return parts.Count == 0 ? null : And(parts);
    }

    private static List<string> GramsOf(List<Token> tokens, Token word) =>
        [.. tokens.Where(x => x.Type == TokenType.Bigram && x.Start >= word.Start && x.End <= word.End).Select(x => x.Term)];

    // Folded text without white space, for phrase containment.
    private static string Squash(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s) if (!char.IsWhiteSpace(c)) sb.Append(c);
        return sb.ToString();
    }

    // ---- snippets ----

    // Terms of two or more Han characters each: every place the folded passage holds one is a token of it (a
    // two-character term is the bigram there; a longer one is covered by its bigrams, also terms), so finding
    // them in the folded text gives the highlights analysis would, without segmenting the passage.
    internal static bool HanTermsOnly(HashSet<string> terms) =>
        terms.Count > 0 && terms.All(t => t.EnumerateRunes().Count() >= 2 && t.EnumerateRunes().All(r => CharClass.IsHan(r.Value)));

    // `analyse`: the highlights are the passage's tokens that are terms (else found in the folded text, see HanTermsOnly).
    private SearchHit MakeHit(string text, SearchIndex.Candidate c, SearchIndex.DocInfo info, List<string> others,
        HashSet<string> terms, ChineseScript? display, MappedText folded, bool analyse)
    {
        var spans = (analyse ? AnalysedTerms(Analyzer, folded, terms, info.Script) : FindTerms(folded, terms))
            .Select(s => (Start: s.Start + c.Start, End: s.End + c.Start)).ToList();

        // A window of the passage around the first highlight, cut between sentences, clauses or words; … marks a cut.
        var (from, to) = SnippetWindow.Choose(text, c.Start, c.End, spans, options.SnippetLength,
            SnippetWindow.WordBoundaries(Analyzer, text, info.Script));
        var inWindow = spans.Where(s => s.End > from && s.Start < to).Select(s => (Math.Max(s.Start, from), Math.Min(s.End, to))).ToList();

        var (snippet, highlights) = DisplayWithMarks(text, from, to, inWindow, display, from > c.Start ? "…" : "", to < c.End ? "…" : "");

        // The title, when it is what matched (it is indexed with every passage), shows it too.
        // Found the way the passage's were: in the folded title when the terms allow it, else by analysing it.
        var foldedTitle = _folded.Fold(info.Doc, TitleKey, info.Title);
        var titleSpans = info.Title.Length == 0 ? []
            : analyse ? AnalysedTerms(Analyzer, foldedTitle, terms, info.Script) : FindTerms(foldedTitle, terms);
        // Under a display script the title, source and author are converted too; the title piece by piece, as the snippet.
        var (title, titleHighlights) = DisplayWithMarks(info.Title, 0, info.Title.Length, titleSpans, display);
        return new SearchHit(info.Id, title, c.Score, c.Start, c.End, snippet, from, to, highlights,
            Display(info.Author, display), info.Date, Display(info.Source, display), info.Url, info.Script, others, titleHighlights);
    }

    // text[from..to] as shown (between `before` and `after`), converted for display piece by piece between the marks'
    // edges, so each mark stays on the right characters: its offsets into the text and into what is shown.
    private (string Shown, List<Highlight> Marks) DisplayWithMarks(string text, int from, int to, List<(int Start, int End)> spans,
        ChineseScript? display, string before = "", string after = "")
    {
        var shown = new StringBuilder(before, to - from + before.Length + after.Length);
        var marks = new List<Highlight>();
        int at = from;
        foreach (var (s, e) in spans)
        {
            shown.Append(Display(text[at..s], display));
            int ss = shown.Length;
            shown.Append(Display(text[s..e], display));
            marks.Add(new Highlight(s, e, ss, shown.Length));
            at = e;
        }
        shown.Append(Display(text[at..to], display)).Append(after);
        return (shown.ToString(), marks);
    }

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(s))]
    private string? Display(string? s, ChineseScript? script) =>
        script is null || openCc is null || string.IsNullOrEmpty(s) ? s : openCc.Convert(s, script.Value);

    /// <summary>Where the tokens of <paramref name="passage"/> that are <paramref name="terms"/> are, merged.</summary>
    internal static List<(int Start, int End)> AnalysedTerms(Analyzer analyzer, MappedText passage, HashSet<string> terms, Script script) =>
        Merge([.. analyzer.TokensOf(passage, script, terms).Select(t => (t.Start, t.End))]);

    /// <summary>Where the folded text holds <paramref name="terms"/>, in original offsets, merged (for <see cref="HanTermsOnly"/> terms).</summary>
    internal static List<(int Start, int End)> FindTerms(MappedText folded, HashSet<string> terms)
    {
        var spans = new List<(int Start, int End)>();
        foreach (var term in terms)
            for (int at = folded.Text.IndexOf(term, StringComparison.Ordinal); at >= 0; at = folded.Text.IndexOf(term, at + 1, StringComparison.Ordinal))
                spans.Add(folded.MapSpan(at, at + term.Length));
        return Merge(spans);
    }

    private static List<(int Start, int End)> Merge(List<(int Start, int End)> spans)
    {
        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.End.CompareTo(a.End));
        var merged = new List<(int Start, int End)>();
        foreach (var s in spans)
        {
            if (merged.Count > 0 && s.Start <= merged[^1].End) merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, s.End));
            else merged.Add(s);
        }
        return merged;
    }
}
