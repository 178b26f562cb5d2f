using System.Text;
using SourceSearch.Search;
using SourceSearch.Text;

namespace SourceSearch.Answer;

/// <summary>A cited passage: the quote is exactly the article's original text between Start and End.</summary>
public sealed record Citation(int N, string Id, int Start, int End, string Quote, string Title = "");

/// <summary>An answer with its evidence, or Found = false when the corpus does not answer the question.</summary>
public sealed record AnswerResult(
    string Question, bool Found, string Answer, string Mode, IReadOnlyList<Citation> Citations,
    IReadOnlyList<string> SearchedTerms, string? Notice = null, string? Error = null)
{
    /// <summary>For an English question: the translations searched (English word → Chinese words).</summary>
    public IReadOnlyList<TranslatedWord>? Translation { get; init; }
    /// <summary>For an English question: English glosses of the Chinese key terms in the quotes.</summary>
    public IReadOnlyList<Gloss>? Glosses { get; init; }
}

/// <summary>A Chinese word of a quote and what it means in English (CC-CEDICT).</summary>
public sealed record Gloss(string Word, IReadOnlyList<string> English);

public sealed class AnswerOptions
{
    /// <summary>Passages read for an answer.</summary>
    public int Passages { get; set; } = 8;
    /// <summary>Longest quote; longer sentences are cut at clause boundaries.</summary>
    public int MaxQuoteLength { get; set; } = 200;
    /// <summary>Share of the question's content (its grams) the answering passage must contain: below it, "not found".</summary>
    public double MinCoverage { get; set; } = 0.4;
    /// <summary>A first quote shorter than this takes in the sentences after it while it stays within this length.</summary>
    public int WidenTo { get; set; } = 160;
    /// <summary>Passages given to the LLM.</summary>
    public int LlmPassages { get; set; } = 5;
    /// <summary>Most sentences in an answer.</summary>
    public int MaxSentences { get; set; } = 2;
}

/// <summary>
/// Extractive answers, no LLM: retrieves passages for the question, picks the sentences that best
/// answer it (overlap with the question after analysis, the kind of answer asked for, the rank of
/// their passage) and quotes them at their exact offsets. Says "not found" rather than quote a
/// sentence that lacks what the question is about.
/// </summary>
public sealed partial class QuestionAnswerer(Searcher searcher, Analyzer analyzer, AnswerOptions options, LlmAnswerer? llm = null)
{
    /// <summary>
    /// With an LLM configured: the LLM's answer, citing the passages it was given (checked); when it
    /// fails or cites nothing valid, the extractive answer with a notice saying so. Without: extractive.
    /// </summary>
    public async Task<AnswerResult> AskAsync(string question, CancellationToken cancel = default)
    {
        var extractive = await AskExtractiveAsync(question, cancel);
        if (llm is not { IsConfigured: true } || extractive.Error is not null) return extractive;

        if (await LlmRequestAsync(question, extractive, cancel) is not { } request) return extractive;
        return FromLlm(question, await llm.AnswerAsync(question, request.Given, request.Corpus, cancel), request, extractive);
    }

    /// <summary>
    /// What the LLM is given for a question: numbered passages, the terms they were found with, and the corpus it
    /// may search further (the first retrieval is always ours, so an answer never starts from nothing).
    /// </summary>
    public sealed record LlmRequest(IReadOnlyList<string> Searched, IReadOnlyList<AnswerPassage> Given, IPassageSource Corpus);

    /// <summary>The passages to give the LLM, or null when there is no LLM or nothing was found.</summary>
    public async Task<LlmRequest?> LlmRequestAsync(string question, AnswerResult extractive, CancellationToken cancel = default)
    {
        if (llm is not { IsConfigured: true }) return null;
        // An English question: the LLM writes its Chinese search terms (the dictionary's when it gives none).
        string retrieval = question;
        IReadOnlyList<string> searched = extractive.SearchedTerms;
        if (EnglishTranslator.LooksEnglish(question) && await llm.ChineseSearchTermsAsync(question, cancel) is { Count: > 0 } terms)
        {
            retrieval = string.Join(' ', terms);
            searched = terms;
        }
        var corpus = new SearcherPassages(searcher);
        var given = await corpus.SearchAsync(retrieval, options.LlmPassages, cancel);
        if (given.Count == 0) return null;
        return new LlmRequest(searched, given.Select((p, i) => p with { N = i + 1 }).ToList(), corpus);
    }

    /// <summary>
    /// The LLM's checked reply as an answer citing the passages it cited (narrowed to what it quoted of them); the
    /// extractive answer with a notice when unusable. Each citation's quote is the article's text at its offsets,
    /// checked once more here: a passage whose text is not its article's at its offsets is not cited.
    /// </summary>
    public static AnswerResult FromLlm(string question, LlmAnswer reply, LlmRequest request, AnswerResult extractive)
    {
        if (!reply.Usable)
            return extractive with { Notice = $"{reply.Notice ?? "the language model gave no usable answer"}; this is the extractive answer" };
        var received = reply.Received.Count > 0 ? reply.Received : request.Given;
        var citations = new List<Citation>();
        foreach (int n in reply.Cited.Distinct().Order())
        {
            if (received.FirstOrDefault(p => p.N == n) is not { ArticleText: { } article } passage) continue;
            var quoted = reply.Quotes.Where(q => q.N == n).ToList();
            int start = quoted.Count > 0 ? quoted.Min(q => q.Start) : passage.Start;
            int end = quoted.Count > 0 ? quoted.Max(q => q.End) : passage.End;
            if (passage.Start < 0 || passage.End > article.Length || !article.AsSpan(passage.Start, passage.Text.Length).SequenceEqual(passage.Text)
                || start < passage.Start || end > passage.End || start >= end) continue;
            citations.Add(new Citation(n, passage.Id, start, end, article[start..end], passage.Title));
        }
        if (citations.Count == 0)
            return extractive with { Notice = "the language model's citations could not be checked against the articles; this is the extractive answer" };
        string? notice = reply.Sentences.Any(s => !s.Supported) ? Join("some sentences of the answer cite no passage and are marked unsupported", reply.Notice) : reply.Notice;
        return new AnswerResult(question, true, reply.Text, "llm", citations, request.Searched, notice);
    }

    private static string Join(string first, string? second) => second is null ? first : first + "; " + second;

    /// <summary>The corpus as the LLM's functions see it: the searcher's passages for a query, with their articles.</summary>
    private sealed class SearcherPassages(Searcher searcher) : IPassageSource
    {
        public async Task<IReadOnlyList<AnswerPassage>> SearchAsync(string query, int count, CancellationToken cancellationToken)
        {
            var (hits, _) = await searcher.PassagesAsync(query, count, cancellationToken);
            return hits.Select(h => new AnswerPassage(0, h.Id, h.Title, h.ArticleText[h.Start..h.End], h.Start, h.ArticleText)).ToList();
        }
    }

    /// <summary>The extractive answer (no LLM).</summary>
    public async Task<AnswerResult> AskExtractiveAsync(string question, CancellationToken cancel = default)
    {
        question ??= "";
        // An English question is answered from its Chinese translation: the best candidate of each
        // word says what the answer must hold; all candidates are searched.
        var translation = searcher.TranslateIfEnglish(question);
        if (translation is { Terms.Count: > 0 })
        {
            string chinese = string.Join(' ', translation.Words.Select(w => w.KeptAsIs ? w.English : w.Candidates.FirstOrDefault()?.Chinese ?? w.English));
            var result = await AskExtractiveAsync(question, QuestionProfile.Of(chinese, analyzer, englishQuestion: question), cancel);
            var glosses = result.Citations.Count == 0 ? [] : translation.Words
                .SelectMany(w => w.Candidates.Select(c => c.Chinese))
                .Distinct()
                .Where(c => result.Citations.Any(q => analyzer.FoldToString(q.Quote).Contains(c, StringComparison.Ordinal)))
                .Select(c => new Gloss(c, searcher.Glosses(c)))
                .Where(g => g.English.Count > 0)
                .ToList();
            return result with { Translation = translation.Words, Glosses = glosses };
        }
        return await AskExtractiveAsync(question, QuestionProfile.Of(question, analyzer), cancel);
    }

    private async Task<AnswerResult> AskExtractiveAsync(string question, QuestionProfile profile, CancellationToken cancel)
    {
        if (question.Trim().Length == 0)
            return new AnswerResult(question, false, "", "extractive", [], [], Error: "the question is empty");
        if (profile.Grams.Count == 0 && profile.Words.Count == 0)
            return new AnswerResult(question, false, profile.NotFound, "extractive", [], [], Error: "the question has nothing to search for");

        var (passages, terms) = await searcher.PassagesAsync(question, options.Passages, cancel);
        if (passages.Count == 0) return NotFound();

        // Candidate sentences of the passages whose text has the question's key term (its rarest
        // content word): a passage without 深圳 does not answer a question about 深圳.
        double top = passages[0].Score;
        var candidates = new List<(PassageHitSentence Sentence, string Folded, int Rank)>();
        var passageCoverage = new Dictionary<Searcher.PassageHit, double>(ReferenceEqualityComparer.Instance); // not record equality: it would hash whole articles
        foreach (var (p, rank) in passages.Select((p, i) => (p, i)))
        {
            string passageFolded = Squash(analyzer.FoldToString(p.ArticleText[p.Start..p.End]));
            if (!profile.HasKeyTerm(passageFolded)) continue;
            passageCoverage[p] = profile.Coverage(passageFolded, null);
            foreach (var s in Sentences.Split(p.ArticleText, p.Start, p.End, options.MaxQuoteLength))
                candidates.Add((new PassageHitSentence(p, s.Start, s.End), Squash(analyzer.FoldToString(p.ArticleText[s.Start..s.End])), rank));
        }
        // A question term found in few of the candidate sentences tells them apart (叶柄); one in
        // most of them (the article's subject) does not: weight terms by their rarity among them.
        var weights = profile.Weights(candidates.Select(c => c.Folded).ToList());
        var sentences = new List<(PassageHitSentence Sentence, double Score, double Coverage)>();
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (sentence, folded, rank) in candidates)
        {
            // What the article is about (its title's grams) says nothing about which sentence answers.
            if (!titles.TryGetValue(sentence.Hit.Id, out var title))
                titles[sentence.Hit.Id] = title = Squash(analyzer.FoldToString(sentence.Hit.Title));
            double coverage = profile.Coverage(folded, weights, title);
            if (coverage <= 0) continue;
            double score = coverage;
            if (profile.AsksNumber) score *= HasNumber(folded) ? 1.25 : 0.6;
            score *= 1 + 0.3 * Math.Max(0, sentence.Hit.Score) / Math.Max(top, 1e-9); // the better passage, the likelier
            score *= 1 - 0.02 * rank;
            sentences.Add((sentence, score, passageCoverage[sentence.Hit]));
        }
        if (sentences.Count == 0) return NotFound();
        sentences.Sort((a, b) => b.Score.CompareTo(a.Score));
        var best = sentences[0];
        if (best.Coverage < options.MinCoverage) return NotFound();
        string bestFolded = Squash(analyzer.FoldToString(best.Sentence.Text));
        if (profile.AsksNumber && !HasNumber(bestFolded)) return NotFound();
        // Beyond the name it is about, the quote must hold something of what is asked (房价 in 深圳的房价是多少).
        if (!profile.HasFocusTerm(bestFolded)) return NotFound();

        var chosen = new List<PassageHitSentence> { Widen(best.Sentence) };
        foreach (var (s, score, _) in sentences.Skip(1))
        {
            if (chosen.Count >= options.MaxSentences || score < best.Score * 0.85) break;
            if (chosen.Any(c => c.Hit.Id == s.Hit.Id && c.Start < s.End && s.Start < c.End)) continue;
            chosen.Add(s);
        }
        var citations = chosen.Select((s, i) => new Citation(i + 1, s.Hit.Id, s.Start, s.End, s.Text, s.Hit.Title)).ToList();
        var answer = new StringBuilder();
        foreach (var c in citations) answer.Append(Defuse(c.Quote.Trim())).Append(" [").Append(c.N).Append(']').Append(c.N < citations.Count ? " " : "");
        return new AnswerResult(question, true, answer.ToString(), "extractive", citations, terms);

        AnswerResult NotFound() => new(question, false, profile.NotFound, "extractive", [], terms);
    }

    /// <summary>
    /// A quoted sentence's own bracketed numbers ("cite [7]" in a document) shown as 〔7〕 in the answer text, so
    /// that only the answer's markers read as citations; the citation's quote keeps the text verbatim.
    /// </summary>
    internal static string Defuse(string quote) => CitationLike().Replace(quote, m => "〔" + m.Groups[1].Value + "〕");

    [System.Text.RegularExpressions.GeneratedRegex(@"[\[［【]([\s\d０-９,，、\-–~～]*[\d０-９][\s\d０-９,，、\-–~～]*)[\]］】]")]
    private static partial System.Text.RegularExpressions.Regex CitationLike();

    // A short sentence is widened by the sentences after it in its passage, up to WidenTo characters:
    // the answer often follows the sentence that repeats the question's words.
    private PassageHitSentence Widen(PassageHitSentence s)
    {
        int end = s.End;
        foreach (var next in Sentences.Split(s.Hit.ArticleText, s.End, s.Hit.End, options.MaxQuoteLength))
        {
            if (next.End - s.Start > options.WidenTo) break;
            end = next.End;
        }
        return s with { End = end };
    }

    // Digits, or a numeral left as a word (四所, 两个).
    private static bool HasNumber(string folded) => folded.AsSpan().IndexOfAny("0123456789一二三四五六七八九十百千万亿两") >= 0;

    private static string Squash(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s) if (!char.IsWhiteSpace(c)) sb.Append(c);
        return sb.ToString();
    }

    private sealed record PassageHitSentence(Searcher.PassageHit Hit, int Start, int End)
    {
        public string Text => Hit.ArticleText[Start..End];
    }
}

/// <summary>What a question asks about and for: its content grams and words, its key term, the kind of answer.</summary>
internal sealed class QuestionProfile
{
    public required HashSet<string> Grams { get; init; }
    public required List<string> Words { get; init; }
    public string? KeyTerm { get; init; }
    public bool AsksNumber { get; init; }
    public required string NotFound { get; init; }

    // Nouns that, after a question word, name the kind of answer rather than its content.
    private static readonly HashSet<string> AskedNouns = new(StringComparer.Ordinal)
    {
        "时间", "时候", "时期", "地方", "地区", "方式", "方法", "原因", "东西", "人物", "名字", "名称", "国家", "城市", "类型", "样子", "意思", "作用",
    };

    private static readonly string[] EnglishNumberCues = ["how many", "how much", "what year", "which year", "how long", "how old", "what percentage"];

    private static readonly string[] NumberCues = ["多少", "几", "哪一年", "哪年", "何年", "多久", "多长", "多大", "多高", "多远", "多重", "什么时候", "何时", "年份", "几时"];

    /// <param name="englishQuestion">The English question <paramref name="question"/> translates, if any.</param>
    public static QuestionProfile Of(string question, Analyzer analyzer, string? englishQuestion = null)
    {
        // The question's own words: regional synonyms (软件 over 軟體) are for finding passages, not for reading them.
        var tokens = analyzer.Analyze(question, Script.Unknown);
        string folded = analyzer.FoldToString(question);
        var asking = tokens.Where(t => t.Type == TokenType.Word && Searcher.QuestionWords.Contains(t.Term)).Select(t => (t.Start, t.End)).ToList();
        // 哪一门, 哪一部分, 哪边, 什么时间: the measure or noun right after a question word asks too.
        var words0 = tokens.Where(t => t.Type == TokenType.Word && !t.IsPart).ToList();
        for (int i = 0; i + 1 < words0.Count; i++)
            if (asking.Contains((words0[i].Start, words0[i].End)) && words0[i + 1].Start == words0[i].End
                && (words0[i + 1].Term.StartsWith('一') || words0[i + 1].Term.Length == 1 || AskedNouns.Contains(words0[i + 1].Term)))
                asking.Add((words0[i + 1].Start, words0[i + 1].End));
        bool Asking(Token t) => asking.Any(a => t.Start >= a.Start && t.End <= a.End);
        // Content grams: those inside the question's content words. Grams across a word boundary
        // (鼠的, 约是) are artefacts of the question's phrasing, not terms an answer must contain.
        var contentSpans = tokens.Where(t => t.Type == TokenType.Word && !t.IsPart && t.Term.Length >= 2 && !Asking(t)
                                             && !Searcher.FunctionCharacters.Contains(t.Term) && !Searcher.QuestionWords.Contains(t.Term))
            .Select(t => (t.Start, t.End)).ToList();
        var grams = tokens.Where(t => t.Type == TokenType.Bigram && t.Term.Length > 1 && contentSpans.Any(w => t.Start >= w.Start && t.End <= w.End))
            .Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
        foreach (var t in tokens)
            if (t.Type == TokenType.Word && t.Term.Length == 1 && CharClass.IsHan(t.Term[0]) && !Asking(t)
                && !Searcher.FunctionCharacters.Contains(t.Term) && !Searcher.QuestionWords.Contains(t.Term))
                grams.Add(t.Term); // a content character on its own (鱼, 吃)
        var words = tokens.Where(t => !t.IsPart && t.Type != TokenType.Bigram && !Asking(t)
                                      && !Searcher.FunctionCharacters.Contains(t.Term) && !Searcher.QuestionWords.Contains(t.Term))
            .Select(t => t.Term).Distinct().ToList();
        // The name the question is about (深圳, 思必驰, 罗保铭): a word the dictionary tags as a name,
        // one of three or more characters it does not know at all (two-character guesses of the HMM
        // often straddle words: 论为), or a Latin name; the rarest if there are several. Other
        // words may be paraphrased in the answer; a name is not.
        var dictionary = analyzer.Segmenter.Dictionary;
        string? key = words.Where(w => w.Length >= 2 && !w.All(char.IsAsciiDigit)
                                       && (dictionary.IsName(w) || (!dictionary.IsWord(w) && w.Length >= 3) || !w.Any(c => CharClass.IsHan(c))))
            .OrderBy(w => Math.Max(0, dictionary.Frequency(w)))
            .ThenByDescending(w => w.Length)
            .FirstOrDefault();
        bool traditional = analyzer.DetectScript(question) == Script.Traditional;
        bool english = englishQuestion is not null || question.Count(char.IsAsciiLetter) > question.Length / 2;
        string cues = englishQuestion ?? question;
        return new QuestionProfile
        {
            Grams = grams,
            Words = words,
            KeyTerm = key,
            AsksNumber = NumberCues.Any(folded.Contains) || (english && EnglishNumberCues.Any(c => cues.Contains(c, StringComparison.OrdinalIgnoreCase))),
            NotFound = english ? "No answer found in the corpus." : traditional ? "語料庫中沒有找到答案。" : "语料库中没有找到答案。",
        };
    }

    private IEnumerable<(string Term, double Base)> Terms() =>
        Grams.Select(g => (g, 1.0)).Concat(Words.Where(w => !w.Any(c => CharClass.IsHan(c))).Select(w => (w, 2.0)));

    /// <summary>Each term's weight among <paramref name="sentences"/>: rarer is heavier (an IDF over the candidates).</summary>
    public Dictionary<string, double> Weights(IReadOnlyList<string> sentences)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (term, b) in Terms())
        {
            int df = sentences.Count(s => s.Contains(term, StringComparison.OrdinalIgnoreCase));
            weights[term] = b * Math.Log(1 + (sentences.Count + 1.0) / (df + 1.0));
        }
        return weights;
    }

    /// <summary>
    /// Weighted share of the question's content grams (and Latin words and numbers) the folded text
    /// contains; terms of <paramref name="topic"/> (the article's title) are left out while others remain.
    /// </summary>
    public double Coverage(string folded, Dictionary<string, double>? weights, string? topic = null)
    {
        var terms = Terms().ToList();
        if (!string.IsNullOrEmpty(topic))
        {
            var focus = terms.Where(t => !topic.Contains(t.Term, StringComparison.OrdinalIgnoreCase)).ToList();
            if (focus.Count > 0) terms = focus;
        }
        double total = 0, found = 0;
        foreach (var (term, b) in terms)
        {
            double w = weights?.GetValueOrDefault(term, b) ?? b;
            total += w;
            if (folded.Contains(term, StringComparison.OrdinalIgnoreCase)) found += w;
        }
        return total == 0 ? 0 : found / total;
    }

    /// <summary>The text has a content term other than the key term's (true when the question has none).</summary>
    public bool HasFocusTerm(string folded)
    {
        var focus = Terms().Select(t => t.Term).Where(t => KeyTerm is null || !KeyTerm.Contains(t, StringComparison.OrdinalIgnoreCase)).ToList();
        return focus.Count == 0 || focus.Any(t => folded.Contains(t, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The key term, or most of its grams, is in the text (a question without one passes).</summary>
    public bool HasKeyTerm(string folded)
    {
        if (KeyTerm is null || folded.Contains(KeyTerm, StringComparison.OrdinalIgnoreCase)) return true;
        if (KeyTerm.Length < 3) return false;
        int grams = KeyTerm.Length - 1, found = 0;
        for (int i = 0; i + 2 <= KeyTerm.Length; i++) if (folded.Contains(KeyTerm.AsSpan(i, 2), StringComparison.Ordinal)) found++;
        return found * 2 >= grams;
    }
}

/// <summary>Sentences of a passage, at their offsets: cut after 。！？!?；; and line breaks, long ones at clause marks.</summary>
internal static class Sentences
{
    public static IEnumerable<(int Start, int End)> Split(string text, int start, int end, int maxLength)
    {
        int s = start;
        for (int i = start; i < end; i++)
        {
            char c = text[i];
            bool stop = c is '。' or '！' or '？' or '!' or '?' or '；' or ';' or '\n';
            if (!stop) continue;
            int e = i + 1;
            while (e < end && text[e] is '”' or '」' or '』' or '）' or ')' or '"') e++; // closing quotes stay with their sentence
            foreach (var piece in Fit(text, s, e, maxLength)) yield return piece;
            s = e;
            i = e - 1;
        }
        foreach (var piece in Fit(text, s, end, maxLength)) yield return piece;
    }

    // Trims white space; a sentence over maxLength is cut at commas, then anywhere (never inside a surrogate pair).
    private static IEnumerable<(int, int)> Fit(string text, int s, int e, int maxLength)
    {
        while (s < e && char.IsWhiteSpace(text[s])) s++;
        while (e > s && char.IsWhiteSpace(text[e - 1])) e--;
        if (e - s < 2) yield break;
        while (e - s > maxLength)
        {
            int cut = -1;
            for (int i = s + maxLength - 1; i > s + maxLength / 3; i--)
                if (text[i] is '，' or ',' or '、' or '：' or ':') { cut = i + 1; break; }
            if (cut < 0) cut = char.IsLowSurrogate(text[s + maxLength]) ? s + maxLength - 1 : s + maxLength;
            yield return (s, cut);
            s = cut;
            while (s < e && char.IsWhiteSpace(text[s])) s++;
        }
        if (e - s >= 2) yield return (s, e);
    }
}
