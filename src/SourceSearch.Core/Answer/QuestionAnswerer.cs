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
    /// <summary>For a "not found": the nearest passages (their best sentences), best first, each quote the article's text at its offsets.</summary>
    public IReadOnlyList<Citation> Closest { get; init; } = [];
    /// <summary>For a "not found": why, and the same said for a reader in the question's language.</summary>
    public NotFoundReason? Reason { get; init; }
    public string? ReasonText { get; init; }
    /// <summary>For a "not found": why, in both interface languages, with a code (the page shows it in its own language).</summary>
    public Notice? ReasonMessage { get; init; }
    /// <summary><see cref="Notice"/> in both interface languages, with a code.</summary>
    public Notice? NoticeMessage { get; init; }
    /// <summary>What the best sentence had of the question (extractive answers; for measuring, not shown).</summary>
    public AnswerEvidence? Evidence { get; init; }
    /// <summary>
    /// Every candidate sentence as ranked, best first, with its ranking features (for measuring and learning, not shown).
    /// Worked out when enumerated: quoting every candidate is not for answering.
    /// </summary>
    public IEnumerable<AnswerCandidate> Candidates { get; init; } = [];
}

/// <summary>A candidate sentence: what it would quote (widened as a first quote is) and its ranking features.</summary>
public sealed record AnswerCandidate(string Quote, IReadOnlyList<double> Features);

/// <summary>A Chinese word of a quote and what it means in English (CC-CEDICT).</summary>
public sealed record Gloss(string Word, IReadOnlyList<string> English);

public sealed class AnswerOptions
{
    /// <summary>Passages read for an answer.</summary>
    public int Passages { get; set; } = 8;
    /// <summary>Longest quote; longer sentences are cut at clause boundaries.</summary>
    public int MaxQuoteLength { get; set; } = 200;
    /// <summary>A first quote shorter than this takes in the sentences after it while it stays within this length.</summary>
    public int WidenTo { get; set; } = 160;
    /// <summary>A quoted sentence shorter than this takes in the sentence before it (in its paragraph, the two within MaxQuoteLength).</summary>
    public int TakeBeforeBelow { get; set; } = 60;
    /// <summary>Passages given to the LLM.</summary>
    public int LlmPassages { get; set; } = 5;
    /// <summary>Most sentences in an answer.</summary>
    public int MaxSentences { get; set; } = 2;
    /// <summary>Nearest passages given with a "not found" (closest passages).</summary>
    public int ClosestPassages { get; set; } = 3;
    /// <summary>Characters before a sentence that count as its context for the question's names (a pronoun refers back).</summary>
    public int ContextBefore { get; set; } = 120;
    /// <summary>
    /// The "found or not found" decision: weights of the evidence of the best sentence — bias, coverage, characterCoverage,
    /// contextCoverage, namesNear, numbersInSentence, kind present (or none asked), focus term, proximity, gramsAround,
    /// wordsAround, longestMatch, pairShare, gapWords, kindNear, novelty, rankScore, rankMargin, passageScore, passageRank / 8
    /// (see AnswerEvidence) — and the score above which it answers. Learned on the tune part of the shared
    /// sets, with another set's questions as the unanswerable ones, by scripts/train-answerability (README, Evaluation).
    /// </summary>
    public double[] AnswerabilityWeights { get; set; } = [-6.549, -0.931, -0.073, 5.298, 1.469, 1.853, 1.226, -0.215, -0.320, 3.488, 1.627, -3.175, 4.176, -0.345, 1.279, -6.497, 0.125, 0.594, -0.123, -4.583];
    public double AnswerabilityThreshold { get; set; } = -0.573;
    /// <summary>A name of the question the answer's passage never mentions, where the sentence names another, makes it "not found" when both are names the dictionary knows this well (its frequency).</summary>
    public int KnownNameFrequency { get; set; } = 500;
    /// <summary>Ranking: how much a missing name lowers a sentence (0 not at all, 1 to nothing).</summary>
    public double NameWeight { get; set; } = 0.5;
    /// <summary>Ranking: how much a missing number of the question (1992年) lowers a sentence.</summary>
    public double NumberWeight { get; set; } = 0.4;
    /// <summary>Ranking: the kind of answer asked for (a number, a time) present, and absent.</summary>
    public double KindBonus { get; set; } = 1.25;
    public double KindPenalty { get; set; } = 0.6;
    /// <summary>Ranking: how much scattered matches (the question's terms far apart in the sentence) lower it.</summary>
    public double ProximityWeight { get; set; } = 0.0;
    /// <summary>Ranking: weight of the share of the question's content characters (beside its grams) in a sentence.</summary>
    public double CharacterWeight { get; set; } = 0.3;
    /// <summary>
    /// Learned ranking of candidate sentences, weights of QuestionAnswerer.RankingFeatures (empty: the hand-made rank alone).
    /// Learned on the tune part of the shared sets by scripts/train-answerability ranking (README, Evaluation).
    /// </summary>
    public double[] RankingWeights { get; set; } = [-0.000, 0.545, 0.989, 0.688, 0.229, 0.241, 0.105, -0.171, 0.638, 0.706, 1.712, -0.949, 1.818, -0.419, 0.447, 0.767, 0.174, 0.342, -0.790];
}

/// <summary>Why an answer was "not found".</summary>
public enum NotFoundReason { NothingMatched, NameMissing, NumberMissing, KindMissing, TooLittle }

/// <summary>What a question asks for, when the answer's kind can be checked.</summary>
public enum AnswerKind { None, Number, Time }

/// <summary>
/// What the best sentence has of the question: the evidence a "found" is decided on.
/// Coverage: weighted share of the question's content in the sentence; ContextCoverage: the same in its passage.
/// NamesNear: share of the question's names in the sentence (1 each) or only in its title or just before it (0.7 each).
/// NumbersInSentence: share of the question's own numbers (1992年) in it. Asked/KindPresent: a number or time asked, and
/// one there. Proximity: how close together its matched terms are (1 = next to each other).
/// </summary>
public sealed record AnswerEvidence(
    double Coverage, double CharacterCoverage, double ContextCoverage, double NamesNear, IReadOnlyList<string> MissingNames, double NumbersInSentence,
    AnswerKind Asked, bool KindPresent, bool HasFocusTerm, double Proximity, int PassageRank, double PassageScore)
{
    /// <summary>Share of the question's content grams, and of its content words, in the sentence, its title and the text just before it.</summary>
    public double GramsAround { get; init; }
    public double WordsAround { get; init; }
    /// <summary>The longest stretch of the question (without its question words) in the sentence, as a share of its length; the share of its character pairs there.</summary>
    public double LongestMatch { get; init; }
    public double PairShare { get; init; }
    /// <summary>Share of the question's words next to its question word (落户 in 思必驰是哪一年落户苏州的) in the sentence (1 when it has none).</summary>
    public double GapWords { get; init; }
    /// <summary>
    /// How close the kind of answer asked for (a time, a number, a name for 谁/哪里) is to the question's terms in the sentence:
    /// 1 right beside them, falling with the distance; 0 when the sentence has none, 1 when no kind is asked.
    /// </summary>
    public double KindNear { get; init; }
    /// <summary>Share of the sentence's Han characters that are not the question's: an answer says something the question does not.</summary>
    public double Novelty { get; init; }
    /// <summary>The sentence's rank score (QuestionAnswerer's learned rank), and how far it is above the next sentence's (at most 3).</summary>
    public double RankScore { get; init; }
    public double RankMargin { get; init; }
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
        {
            string why = reply.Notice ?? "the language model gave no usable answer";
            return extractive with
            {
                Notice = $"{why}; this is the extractive answer",
                // The service's own words (a status, a setting) stay as they are inside the Chinese sentence.
                NoticeMessage = new Notice("llm-fallback", $"{why}; this is the extractive answer", $"语言模型没有给出可用的回答（{why}）；这是摘录式回答"),
            };
        }
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
        {
            const string uncheckable = "the language model's citations could not be checked against the articles; this is the extractive answer";
            return extractive with { Notice = uncheckable, NoticeMessage = new Notice("llm-citations-unchecked", uncheckable, "无法用文章核对语言模型的引用；这是摘录式回答") };
        }
        bool unsupported = reply.Sentences.Any(s => !s.Supported);
        string? notice = unsupported ? Join("some sentences of the answer cite no passage and are marked unsupported", reply.Notice) : reply.Notice;
        Notice? message = notice is null ? null : unsupported
            ? new Notice("llm-unsupported-sentences", notice, "回答中有些句子没有引用段落，已标为无依据" + (reply.Notice is null ? "" : $"（{reply.Notice}）"))
            : new Notice("llm-note", notice, $"语言模型的回答有说明：{notice}");
        return new AnswerResult(question, true, reply.Text, "llm", citations, request.Searched, notice) { NoticeMessage = message };
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
        if (passages.Count == 0) return NotFound([], NotFoundReason.NothingMatched, []);

        // Every sentence of the passages is a candidate; what it lacks (the question's names, the kind of answer) lowers
        // its rank, and decides below whether the best one answers at all.
        double top = passages[0].Score;
        var candidates = new List<(PassageHitSentence Sentence, string Folded, int Rank, string Context, double PassageCoverage)>();
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        // Passages and sentences are folded through the searcher, which keeps them: the same ones are weighed question after question.
        foreach (var (p, rank) in passages.Select((p, i) => (p, i)))
        {
            if (!titles.TryGetValue(p.Id, out var title))
                titles[p.Id] = title = Squash(analyzer.FoldToString(p.Title));
            double passageCoverage = profile.Coverage(Squash(searcher.FoldToString(p, p.Start, p.End)), null);
            foreach (var s in Sentences.Split(p.ArticleText, p.Start, p.End, options.MaxQuoteLength))
            {
                // A name may be said just before the sentence that answers (他, 该公司 then refer to it): the text just before counts as its context.
                int from = Math.Max(p.Start, s.Start - options.ContextBefore);
                string context = title + "\n" + Squash(searcher.FoldToString(p, from, s.Start));
                candidates.Add((new PassageHitSentence(p, s.Start, s.End), Squash(searcher.FoldToString(p, s.Start, s.End)), rank, context, passageCoverage));
            }
        }
        // A question term found in few of the candidate sentences tells them apart (叶柄); one in
        // most of them (the article's subject) does not: weight terms by their rarity among them.
        var weights = profile.Weights(candidates.Select(c => c.Folded).ToList());
        var scored = new List<(PassageHitSentence Sentence, double Score, AnswerEvidence Evidence)>();
        foreach (var (sentence, folded, rank, context, passageCoverage) in candidates)
        {
            // What the article is about (its title's grams) says nothing about which sentence answers.
            string title = titles[sentence.Hit.Id];
            double coverage = profile.Coverage(folded, weights, title);
            // The answering sentence of an article about the question's subject may share only characters with the
            // rest of the question (本鱼体呈银灰色 for 身体是什么颜色): they count too, less.
            double characters = profile.CharacterCoverage(folded, title);
            if (coverage <= 0 && characters <= 0) continue;
            var evidence = profile.Evidence(folded, context, coverage, characters, passageCoverage, rank, sentence.Hit.Score / Math.Max(top, 1e-9), analyzer);
            scored.Add((sentence, Rank(evidence, sentence.End - sentence.Start), evidence));
        }
        if (scored.Count == 0) return NotFound(Closest(passages, [], profile), NotFoundReason.NothingMatched, []);
        scored.Sort((a, b) => b.Score.CompareTo(a.Score));
        // How far each sentence ranks above the next: a best sentence far ahead of the others is likelier an answer than
        // one of many alike (the decision weighs it).
        for (int i = 0; i < scored.Count; i++)
        {
            double margin = i + 1 < scored.Count ? Math.Min(MaxMargin, scored[i].Score - scored[i + 1].Score) : MaxMargin;
            scored[i] = scored[i] with { Evidence = scored[i].Evidence with { RankScore = scored[i].Score, RankMargin = margin } };
        }
        // For measuring (eval --features): each candidate as ranked, with what it would quote; only when asked for.
        var measured = scored.Select(c =>
        {
            var w = Widen(c.Sentence, profile, c.Evidence);
            return new AnswerCandidate(w.Text, RankingFeatures(c.Evidence, HandRank(c.Evidence), c.Sentence.End - c.Sentence.Start));
        });
        var best = scored[0];
        var ev = best.Evidence;
        var reason = Answerable(ev);
        // A question about 杭州 is not answered by a sentence about 苏州: a name of the question (one the dictionary knows as
        // a name) that is nowhere in the sentence's passage or title, where the sentence names another, asks about something
        // else. (Named elsewhere in the passage, it may be what the sentence's 他 or 该市 refers to.)
        if (reason is null && ev.MissingNames.Count > 0)
        {
            var hit = best.Sentence.Hit;
            string around = titles[hit.Id] + "\n" + Squash(searcher.FoldToString(hit, hit.Start, hit.End));
            var absent = ev.MissingNames.Where(n => !around.Contains(n, StringComparison.OrdinalIgnoreCase)).ToList();
            if (profile.NamesAnother(best.Sentence.Text, absent, analyzer, options.KnownNameFrequency)) reason = NotFoundReason.NameMissing;
        }
        if (reason is not null)
            return NotFound(Closest(passages, scored, profile), reason.Value, ev.MissingNames) with { Evidence = ev, Candidates = measured };

        var chosen = new List<PassageHitSentence> { Widen(best.Sentence, profile, best.Evidence) };
        foreach (var (s, score, e) in scored.Skip(1))
        {
            if (chosen.Count >= options.MaxSentences || score < best.Score * 0.85) break;
            // A second quote is judged on what it holds of the question: where it ranks (its passage's rank, its lead over
            // the next sentence) was weighed for the question by the best sentence, and a close second should not lose on it.
            var asFirst = e with { RankScore = ev.RankScore, RankMargin = ev.RankMargin, PassageRank = ev.PassageRank, PassageScore = ev.PassageScore };
            if (Answerable(asFirst) is not null) continue;
            if (chosen.Any(c => c.Hit.Id == s.Hit.Id && c.Start < s.End && s.Start < c.End)) continue;
            chosen.Add(s);
        }
        var citations = chosen.Select((s, i) => new Citation(i + 1, s.Hit.Id, s.Start, s.End, s.Text, s.Hit.Title)).ToList();
        var answer = new StringBuilder();
        foreach (var c in citations) answer.Append(Defuse(c.Quote.Trim())).Append(" [").Append(c.N).Append(']').Append(c.N < citations.Count ? " " : "");
        return new AnswerResult(question, true, answer.ToString(), "extractive", citations, terms) { Evidence = ev, Candidates = measured };

        AnswerResult NotFound(IReadOnlyList<Citation> closest, NotFoundReason why, IReadOnlyList<string> missing) =>
            new(question, false, profile.NotFound, "extractive", [], terms)
            {
                Closest = closest,
                Reason = why,
                ReasonText = profile.Explain(why, missing),
                ReasonMessage = new Notice(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(why.ToString()),
                    profile.Explain(why, missing, english: true), profile.Explain(why, missing, english: false, traditional: false)),
            };
    }

    // The rank of a candidate sentence: the weighted share of the question it holds, times what it has of the
    // question's names and numbers, whether it holds the kind of answer asked for, how close together its matched
    // terms are, and how well its passage was retrieved. Each factor is explained in AnswerEvidence.
    private double Rank(AnswerEvidence e, int length)
    {
        double hand = HandRank(e);
        if (options.RankingWeights.Length == 0) return hand;
        var x = RankingFeatures(e, hand, length);
        double z = 0;
        for (int i = 0; i < Math.Min(x.Length, options.RankingWeights.Length); i++) z += options.RankingWeights[i] * x[i];
        return z;
    }

    /// <summary>
    /// What a learned rank weighs (AnswerOptions.RankingWeights, by scripts/train-answerability): bias, coverage,
    /// characterCoverage, contextCoverage, namesNear, numbersInSentence, kind present (or none asked), proximity,
    /// gramsAround, wordsAround, the passage's score (share of the best's), its rank / 8, the log of the hand-made rank,
    /// the sentence's length / 200, how it echoes the question (LongestMatch, PairShare), the question's words beside its gap
    /// (GapWords), how near them the asked kind is (KindNear), and how much it says beyond the question (Novelty).
    /// </summary>
    internal static double[] RankingFeatures(AnswerEvidence e, double hand, int length) =>
    [
        1, e.Coverage, e.CharacterCoverage, e.ContextCoverage, e.NamesNear, e.NumbersInSentence,
        e.Asked == AnswerKind.None || e.KindPresent ? 1 : 0, e.Proximity, e.GramsAround, e.WordsAround,
        Math.Max(0, e.PassageScore), e.PassageRank / 8.0, Math.Log(Math.Max(hand, 0) + 1e-3), length / 200.0,
        e.LongestMatch, e.PairShare, e.GapWords, e.KindNear, e.Novelty,
    ];

    // The hand-made rank: the share of the question the sentence holds, times what it has of the question's names and
    // numbers, whether it holds the kind of answer asked for, and how well its passage was retrieved.
    private double HandRank(AnswerEvidence e)
    {
        double score = e.Coverage + options.CharacterWeight * e.CharacterCoverage;
        score *= 1 - options.NameWeight * (1 - e.NamesNear);
        score *= 1 - options.NumberWeight * (1 - e.NumbersInSentence);
        if (e.Asked != AnswerKind.None) score *= e.KindPresent ? options.KindBonus : options.KindPenalty;
        score *= 1 - options.ProximityWeight * (1 - e.Proximity);
        score *= 1 + 0.3 * Math.Max(0, e.PassageScore); // the better passage, the likelier
        score *= 1 - 0.02 * e.PassageRank;
        return score;
    }

    /// <summary>
    /// Null when the evidence answers the question; else why not. The decision is a logistic score of the evidence
    /// (AnswerOptions.AnswerabilityWeights, learned by scripts/train-answerability); the reason given is what the
    /// sentence lacks most: the question's names, its numbers, the kind of answer asked for, or simply its content.
    /// </summary>
    private NotFoundReason? Answerable(AnswerEvidence e)
    {
        // Beyond the name it is about, the quote must hold something of what is asked (人工智能企业 in 深圳有多少家人工智能企业):
        // a sentence that shares only the name talks about something else.
        if (!e.HasFocusTerm) return e.NamesNear < 0.5 ? NotFoundReason.NameMissing : NotFoundReason.TooLittle;
        if (Answerability(e) > options.AnswerabilityThreshold) return null;
        if (e.NamesNear < 0.5) return NotFoundReason.NameMissing;
        if (e.NumbersInSentence < 1) return NotFoundReason.NumberMissing;
        if (e.Asked != AnswerKind.None && !e.KindPresent) return NotFoundReason.KindMissing;
        return NotFoundReason.TooLittle;
    }

    private const double MaxMargin = 3;

    /// <summary>The answerability score: bias plus each feature of the evidence times its weight, in the order of the weights.</summary>
    internal double Answerability(AnswerEvidence e)
    {
        double[] x =
        [
            1, e.Coverage, e.CharacterCoverage, e.ContextCoverage, e.NamesNear, e.NumbersInSentence,
            e.Asked == AnswerKind.None || e.KindPresent ? 1 : 0, e.HasFocusTerm ? 1 : 0, e.Proximity, e.GramsAround, e.WordsAround,
            e.LongestMatch, e.PairShare, e.GapWords, e.KindNear, e.Novelty, e.RankScore, e.RankMargin,
            Math.Max(0, e.PassageScore), e.PassageRank / 8.0,
        ];
        var w = options.AnswerabilityWeights;
        double z = 0;
        for (int i = 0; i < Math.Min(w.Length, x.Length); i++) z += w[i] * x[i];
        return z;
    }

    // The nearest passages of a question not answered: the best sentence of each of the first few passages (one an
    // article), best first, so a reader sees what the corpus says closest to it.
    private List<Citation> Closest(IReadOnlyList<Searcher.PassageHit> passages, IReadOnlyList<(PassageHitSentence Sentence, double Score, AnswerEvidence Evidence)> scored,
        QuestionProfile profile)
    {
        var closest = new List<Citation>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (s, _, e) in scored)
        {
            if (closest.Count >= options.ClosestPassages) break;
            if (!seen.Add(s.Hit.Id)) continue;
            var w = Widen(s, profile, e); // as it would be quoted, were it the answer
            closest.Add(new Citation(closest.Count + 1, s.Hit.Id, w.Start, w.End, w.Text, s.Hit.Title));
        }
        foreach (var p in passages)
        {
            if (closest.Count >= options.ClosestPassages) break;
            if (!seen.Add(p.Id)) continue;
            var first = Sentences.Split(p.ArticleText, p.Start, p.End, options.MaxQuoteLength).FirstOrDefault();
            if (first.End <= first.Start) continue;
            var w = Widen(new PassageHitSentence(p, first.Start, first.End));
            closest.Add(new Citation(closest.Count + 1, p.Id, w.Start, w.End, w.Text, p.Title));
        }
        return closest;
    }

    /// <summary>
    /// A quoted sentence's own bracketed numbers ("cite [7]" in a document) shown as 〔7〕 in the answer text, so
    /// that only the answer's markers read as citations; the citation's quote keeps the text verbatim.
    /// </summary>
    internal static string Defuse(string quote) => CitationLike().Replace(quote, m => "〔" + m.Groups[1].Value + "〕");

    [System.Text.RegularExpressions.GeneratedRegex(@"[\[［【]([\s\d０-９,，、\-–~～]*[\d０-９][\s\d０-９,，、\-–~～]*)[\]］】]")]
    private static partial System.Text.RegularExpressions.Regex CitationLike();

    // A short sentence is widened by the sentences after it in its passage, up to WidenTo characters:
    // the answer often follows the sentence that repeats the question's words. It often precedes one that refers back to
    // it (这导致, 牠们, 次年), that lacks the kind of answer asked for (when the one before has it), or that is short: such
    // a sentence takes the one before it too.
    private PassageHitSentence Widen(PassageHitSentence s, QuestionProfile? profile = null, AnswerEvidence? evidence = null)
    {
        string text = s.Hit.ArticleText;
        int start = s.Start;
        if (profile is not null && evidence is not null && Previous(s) is { } prev && s.End - prev.Start <= options.MaxQuoteLength)
        {
            string here = searcher.FoldToString(s.Hit, s.Start, s.End);
            if (s.End - s.Start < options.TakeBeforeBelow || RefersBack(here) || (!KindIn(evidence, here, profile) && KindIn(evidence, searcher.FoldToString(s.Hit, prev.Start, prev.End), profile)))
                start = prev.Start;
        }
        int end = s.End;
        // Past the passage's end too: passages are cut by length, an answer's next sentence is not.
        foreach (var next in Sentences.Split(text, s.End, Math.Min(text.Length, Math.Max(s.Hit.End, start + options.WidenTo + 1)), options.MaxQuoteLength))
        {
            if (next.End - start > options.WidenTo) break;
            end = next.End;
        }
        return s with { Start = start, End = end };
    }

    // The sentence before, in the same paragraph (null at its start).
    private (int Start, int End)? Previous(PassageHitSentence s)
    {
        string text = s.Hit.ArticleText;
        int paragraph = s.Start == 0 ? 0 : text.LastIndexOf('\n', s.Start - 1) + 1;
        var before = Sentences.Split(text, Math.Max(paragraph, s.Start - options.MaxQuoteLength), s.Start, options.MaxQuoteLength).ToList();
        return before.Count == 0 ? null : before[^1];
    }

    // The asked kind (a time, a number, a name for 谁/哪里) in a folded text; true when none is asked.
    private bool KindIn(AnswerEvidence e, string folded, QuestionProfile profile) => e.Asked switch
    {
        AnswerKind.Time => QuestionProfile.HasTime(folded),
        AnswerKind.Number => QuestionProfile.HasNumber(folded),
        _ => !profile.AsksName || profile.HasName(folded, analyzer),
    };

    // A sentence whose first words point back at the one before: a pronoun or demonstrative (他, 牠们, 该, 这), or a time said
    // relative to it (次年, 同年).
    private static bool RefersBack(string folded)
    {
        var head = folded.AsSpan(0, Math.Min(4, folded.Length));
        return head.IndexOfAny("他她它牠其该这此") >= 0
               || folded.StartsWith("次年", StringComparison.Ordinal) || folded.StartsWith("同年", StringComparison.Ordinal)
               || folded.StartsWith("翌年", StringComparison.Ordinal) || folded.StartsWith("随后", StringComparison.Ordinal);
    }


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
internal sealed partial class QuestionProfile
{
    public required HashSet<string> Grams { get; init; }
    public required List<string> Words { get; init; }
    public string? KeyTerm { get; init; }
    public bool AsksNumber { get; init; }
    /// <summary>The kind of answer asked for: a time (哪一年, 何时, when), a number (多少, 几, how many), or none to check.</summary>
    public AnswerKind Asked { get; init; }
    /// <summary>The names the question is about (深圳, 思必驰, AISpeech): an answer is about them, not about others.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];
    /// <summary>The question's own numbers (1992 in 1992年4月): an answer about another year does not answer it.</summary>
    public IReadOnlyList<string> Numbers { get; init; } = [];
    /// <summary>The question folded, its question words and punctuation as '|' (where a match may not run through).</summary>
    public string Plain { get; init; } = "";
    /// <summary>The content words right before and after its question words (落户 in 思必驰是哪一年落户苏州的): the answer is said beside them.</summary>
    public IReadOnlyList<string> GapWords { get; init; } = [];
    /// <summary>It asks for a name (谁, 哪里, 哪个国家): the answer is a person, a place or an organisation.</summary>
    public bool AsksName { get; init; }
    public required string NotFound { get; init; }
    public bool English { get; init; }
    public bool Traditional { get; init; }

    // Nouns that, after a question word, name the kind of answer rather than its content.
    private static readonly HashSet<string> AskedNouns = new(StringComparer.Ordinal)
    {
        "时间", "时候", "时期", "地方", "地区", "方式", "方法", "原因", "东西", "人物", "名字", "名称", "国家", "城市", "类型", "样子", "意思", "作用",
    };

    // A name is asked: who, where, which country or city.
    private static readonly string[] NameCues = ["谁", "哪位", "何人", "什么人", "哪里", "哪儿", "何地", "何处", "什么地方", "在哪", "哪个国家", "哪国", "哪个城市", "哪座", "哪所", "哪家", "哪支", "哪队"];

    private static readonly string[] EnglishNumberCues = ["how many", "how much", "what year", "which year", "how long", "how old", "what percentage"];

    private static readonly string[] NumberCues = ["多少", "几", "哪一年", "哪年", "何年", "多久", "多长", "多大", "多高", "多远", "多重", "什么时候", "何时", "年份", "几时"];

    // A time is asked: the answer must say one (a year, a date, an era).
    private static readonly string[] TimeCues = ["哪一年", "哪年", "何年", "什么时候", "何时", "年份", "几时", "哪一天", "哪天", "几月", "几号", "哪个月", "哪一月", "什么时间", "哪个时期", "哪一时期", "什么年代", "哪个年代", "哪个世纪", "何日"];
    private static readonly string[] EnglishTimeCues = ["when ", "what year", "which year", "what date", "what day", "which day", "what month", "which month", "what century", "which century", "what decade"];

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
        bool asksNumber = NumberCues.Any(folded.Contains) || (english && EnglishNumberCues.Any(c => cues.Contains(c, StringComparison.OrdinalIgnoreCase)));
        bool asksTime = TimeCues.Any(folded.Contains) || (englishQuestion is not null && EnglishTimeCues.Any(c => (" " + cues).Contains(" " + c, StringComparison.OrdinalIgnoreCase)));
        // Every name of the question, as the key term is chosen (above), but not a question word's neighbour.
        // An unknown word ending in a function character (南竿会, 澳村会: the HMM took 会 in) is no name as it stands.
        var names = words.Where(w => w.Length >= 2 && !w.All(char.IsAsciiDigit) && !w.Contains('.')
                                     && (dictionary.IsName(w)
                                         || (!dictionary.IsWord(w) && w.Length >= 3 && !Searcher.FunctionCharacters.Contains(w[^1..]))
                                         || !w.Any(c => CharClass.IsHan(c))))
            .Distinct().ToList();
        // The content words nearest each question word, one on each side (particles and 是 skipped): what the answer is said beside.
        var gap = new List<string>();
        foreach (var (aStart, aEnd) in asking)
        {
            var before = words0.LastOrDefault(t => t.End <= aStart && IsContent(t));
            var after = words0.FirstOrDefault(t => t.Start >= aEnd && IsContent(t));
            foreach (var t in new[] { before, after })
                if (t.Term is not null && !gap.Contains(t.Term)) gap.Add(t.Term);
        }
        bool IsContent(Token t) => t.Term.Length >= 2 && CharClass.IsHan(t.Term[0]) && !Asking(t)
                                   && !Searcher.FunctionCharacters.Contains(t.Term) && !Searcher.QuestionWords.Contains(t.Term);
        bool asksName = !asksTime && !asksNumber && NameCues.Any(folded.Contains);
        // Its numbers: digits of two or more (1992, 50), not 1 or 2 (一个, 两家 fold to digits too).
        var numbers = tokens.Where(t => t.Type == TokenType.Number && !t.IsPart && t.Term.Length >= 2 && t.Term.All(c => char.IsAsciiDigit(c) || c == '.'))
            .Select(t => t.Term).Distinct().ToList();
        return new QuestionProfile
        {
            Grams = grams,
            Words = words,
            KeyTerm = key,
            AsksNumber = asksNumber,
            Asked = asksTime ? AnswerKind.Time : asksNumber ? AnswerKind.Number : AnswerKind.None,
            Names = names,
            Plain = PlainOf(question, asking, analyzer),
            GapWords = gap,
            AsksName = asksName,
            Numbers = numbers,
            English = english,
            Traditional = traditional,
            NotFound = english ? "No answer found in the corpus." : traditional ? "語料庫中沒有找到答案。" : "语料库中没有找到答案。",
        };
    }

    // The question as text an answer would echo: question words and punctuation cut it into pieces.
    private static string PlainOf(string question, List<(int Start, int End)> asking, Analyzer analyzer)
    {
        var chars = question.ToCharArray();
        foreach (var (start, end) in asking)
            for (int i = start; i < end && i < chars.Length; i++) chars[i] = '|';
        for (int i = 0; i < chars.Length; i++)
            if (char.IsPunctuation(chars[i]) || char.IsSymbol(chars[i]) || char.IsWhiteSpace(chars[i])) chars[i] = '|';
        return analyzer.FoldToString(new string(chars)).Replace(" ", "");
    }

    /// <summary>
    /// How much of the question the sentence says in the question's own order: the longest stretch of the question (folded,
    /// without its question words) found in the sentence, as a share of the question's length, and the share of the
    /// question's character pairs found in it. A sentence that answers often echoes its question around the answer.
    /// </summary>
    public (double LongestMatch, double PairShare) Echo(string folded)
    {
        string q = Plain;
        int letters = q.Count(c => c != '|');
        if (letters == 0) return (0, 0);
        int longest = 0;
        for (int i = 0; i < q.Length; i++)
        {
            if (q[i] == '|') continue;
            int len = longest + 1;
            // Grow from the longest found so far: only a longer match changes the answer.
            while (i + len <= q.Length && q.AsSpan(i, len).IndexOf('|') < 0 && folded.Contains(q.AsSpan(i, len), StringComparison.Ordinal))
                longest = len++;
        }
        int pairs = 0, found = 0;
        for (int i = 0; i + 2 <= q.Length; i++)
        {
            if (q[i] == '|' || q[i + 1] == '|') continue;
            pairs++;
            if (folded.Contains(q.AsSpan(i, 2), StringComparison.Ordinal)) found++;
        }
        return (longest / (double)letters, pairs == 0 ? 0 : found / (double)pairs);
    }

    /// <summary>What a candidate sentence (folded, squashed) has of the question; its context is its title and the text just before it.</summary>
    public AnswerEvidence Evidence(string folded, string context, double coverage, double characters, double passageCoverage, int rank, double passageScore,
        Analyzer? analyzer = null)
    {
        double near = 1;
        var missing = new List<string>();
        if (Names.Count > 0)
        {
            double sum = 0;
            foreach (var n in Names)
            {
                if (Holds(folded, n)) sum += 1;
                else if (Holds(context, n)) sum += 0.7;
                else missing.Add(n);
            }
            near = sum / Names.Count;
        }
        double numbers = Numbers.Count == 0 ? 1 : Numbers.Count(n => folded.Contains(n, StringComparison.Ordinal)) / (double)Numbers.Count;
        bool kind = Asked switch
        {
            AnswerKind.Time => HasTime(folded),
            AnswerKind.Number => HasNumber(folded),
            _ => true,
        };
        // Unweighted, with the title and the text before: how much of the question the sentence's surroundings say at all.
        string around = folded + "\n" + context;
        double grams = Grams.Count == 0 ? 1 : Grams.Count(g => around.Contains(g, StringComparison.Ordinal)) / (double)Grams.Count;
        var echo = Echo(folded);
        var contentWords = Words.Where(w => w.Length >= 2 && CharClass.IsHan(w[0])).ToList();
        double wordsThere = contentWords.Count == 0 ? 1 : contentWords.Count(w => around.Contains(w, StringComparison.Ordinal)) / (double)contentWords.Count;
        return new AnswerEvidence(coverage, characters, passageCoverage, near, missing, numbers, Asked, kind, HasFocusTerm(folded), Proximity(folded), rank, passageScore)
        {
            GramsAround = grams,
            WordsAround = wordsThere,
            LongestMatch = echo.LongestMatch,
            PairShare = echo.PairShare,
            GapWords = GapWords.Count == 0 ? 1 : GapWords.Count(w => folded.Contains(w, StringComparison.Ordinal)) / (double)GapWords.Count,
            KindNear = KindNear(folded, analyzer),
            Novelty = Novelty(folded),
        };
    }

    // Where the asked kind is in the sentence (a time, a number, a name the question does not have), its distance in
    // characters to the nearest of the question's words beside the gap (or any of its terms when those are absent).
    private double KindNear(string folded, Analyzer? analyzer)
    {
        List<(int Start, int End)> kinds;
        if (Asked == AnswerKind.Time) kinds = [.. TimeExpression().Matches(folded).Select(m => (m.Index, m.Index + m.Length))];
        else if (Asked == AnswerKind.Number) kinds = [.. NumberRun().Matches(folded).Select(m => (m.Index, m.Index + m.Length))];
        else if (AsksName && analyzer is not null) kinds = NamesIn(folded, analyzer);
        else return 1;
        if (kinds.Count == 0) return 0;
        var anchors = Occurrences(folded, GapWords);
        if (anchors.Count == 0) anchors = Occurrences(folded, Terms().Select(t => t.Term));
        if (anchors.Count == 0) return 0;
        int best = int.MaxValue;
        foreach (var (ks, ke) in kinds)
            foreach (var (a, b) in anchors)
                best = Math.Min(best, Math.Max(0, Math.Max(ks - b, a - ke)));
        return 1 / (1 + best / 8.0);
    }

    private static List<(int Start, int End)> Occurrences(string folded, IEnumerable<string> terms)
    {
        var found = new List<(int, int)>();
        foreach (var t in terms)
            for (int at = folded.IndexOf(t, StringComparison.OrdinalIgnoreCase); at >= 0 && t.Length > 0; at = folded.IndexOf(t, at + t.Length, StringComparison.OrdinalIgnoreCase))
                found.Add((at, at + t.Length));
        return found;
    }

    // Names in the sentence the question does not have: ones the dictionary tags, unknown words of three or more Han
    // characters (transliterations), Latin words.
    /// <summary>The folded text names someone or somewhere the question does not.</summary>
    public bool HasName(string folded, Analyzer analyzer) => NamesIn(folded, analyzer).Count > 0;

    private List<(int Start, int End)> NamesIn(string folded, Analyzer analyzer)
    {
        var dictionary = analyzer.Segmenter.Dictionary;
        return [.. analyzer.Analyze(folded, Script.Unknown)
            .Where(t => t.Type == TokenType.Word && !t.IsPart && t.Term.Length >= 2 && !Words.Contains(t.Term)
                        && (dictionary.IsName(t.Term) || (!dictionary.IsWord(t.Term) && t.Term.Length >= 3 && CharClass.IsHan(t.Term[0]))))
            .Select(t => (t.Start, t.End))];
    }

    private double Novelty(string folded)
    {
        var asked = new HashSet<char>(Plain);
        int han = 0, fresh = 0;
        foreach (char c in folded)
        {
            if (!CharClass.IsHan(c)) continue;
            han++;
            if (!asked.Contains(c)) fresh++;
        }
        return han == 0 ? 0 : fresh / (double)han;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[0-9一二三四五六七八九十百千万亿两〇零]+")]
    private static partial System.Text.RegularExpressions.Regex NumberRun();

    // A name is held when it is there, or (a long one) most of its grams are: 蓝线裸顶鲷 as 裸顶鲷 ... 蓝线.
    private static bool Holds(string text, string name)
    {
        if (text.Contains(name, StringComparison.OrdinalIgnoreCase)) return true;
        if (name.Length < 4 || !CharClass.IsHan(name[0])) return false;
        int grams = name.Length - 1, found = 0;
        for (int i = 0; i + 2 <= name.Length; i++) if (text.Contains(name.AsSpan(i, 2), StringComparison.Ordinal)) found++;
        return found * 3 >= grams * 2;
    }

    /// <summary>Digits, or a numeral left as a word (四所, 两个).</summary>
    public static bool HasNumber(string folded) => folded.AsSpan().IndexOfAny("0123456789一二三四五六七八九十百千万亿两") >= 0;

    /// <summary>A time: a number with a unit of time (2008年, 6月, 18世纪, 80年代), or an era or period word (西周时期, 唐朝, 初期).</summary>
    public static bool HasTime(string folded) => TimeExpression().IsMatch(folded);

    [System.Text.RegularExpressions.GeneratedRegex(@"[0-9一二三四五六七八九十百千〇零两]\s*(年|月|日|号|世纪|年代|时|点钟|天|周|星期)|(时期|时代|年间|期间|朝|王朝|初期|中期|末期|初年|末年|之前|之后|以前|以后|当时|今天|目前|现在|同年|次年|翌年|当年|前夕|春|夏|秋|冬|早期|晚期|后期|前期)")]
    private static partial System.Text.RegularExpressions.Regex TimeExpression();

    // How close together the question's terms are in the sentence: the matched characters over the stretch from the
    // first to the last match (1 when they are all together).
    private double Proximity(string folded)
    {
        int first = int.MaxValue, last = -1, matched = 0;
        foreach (var (term, _) in Terms())
        {
            int at = folded.IndexOf(term, StringComparison.OrdinalIgnoreCase);
            if (at < 0) continue;
            first = Math.Min(first, at);
            last = Math.Max(last, at + term.Length);
            matched += term.Length;
        }
        if (last < 0) return 0;
        return Math.Min(1, matched / (double)Math.Max(1, last - first));
    }

    /// <summary>A "not found" explained to a reader, in the question's language (or the one given).</summary>
    public string Explain(NotFoundReason why, IReadOnlyList<string> missing, bool? english = null, bool? traditional = null)
    {
        bool inEnglish = english ?? English;
        string names = string.Join(inEnglish ? ", " : "、", missing);
        return (why, inEnglish, traditional ?? Traditional) switch
        {
            (NotFoundReason.NothingMatched, true, _) => "No passage holds the words searched.",
            (NotFoundReason.NothingMatched, false, true) => "沒有段落包含所檢索的詞。",
            (NotFoundReason.NothingMatched, false, false) => "没有段落包含所检索的词。",
            (NotFoundReason.NameMissing, true, _) => $"The closest passages do not speak of {names}.",
            (NotFoundReason.NameMissing, false, true) => $"最接近的段落沒有提到{names}。",
            (NotFoundReason.NameMissing, false, false) => $"最接近的段落没有提到{names}。",
            (NotFoundReason.NumberMissing, true, _) => "The closest passages do not mention the numbers of the question.",
            (NotFoundReason.NumberMissing, false, true) => "最接近的段落沒有問題中的數字。",
            (NotFoundReason.NumberMissing, false, false) => "最接近的段落没有问题中的数字。",
            (NotFoundReason.KindMissing, true, _) => Asked == AnswerKind.Time ? "The closest passages give no date or time." : "The closest passages give no number.",
            (NotFoundReason.KindMissing, false, true) => Asked == AnswerKind.Time ? "最接近的段落沒有給出時間。" : "最接近的段落沒有給出數字。",
            (NotFoundReason.KindMissing, false, false) => Asked == AnswerKind.Time ? "最接近的段落没有给出时间。" : "最接近的段落没有给出数字。",
            (_, true, _) => "The closest passages hold too little of the question.",
            (_, false, true) => "最接近的段落與問題相符的內容太少。",
            _ => "最接近的段落与问题相符的内容太少。",
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

    /// <summary>
    /// Some of <paramref name="missing"/> are names the dictionary knows (places, people), and the sentence names another
    /// one the question does not: it is about someone or somewhere else.
    /// </summary>
    public bool NamesAnother(string sentence, IReadOnlyList<string> missing, Analyzer analyzer, int knownFrequency)
    {
        var dictionary = analyzer.Segmenter.Dictionary;
        // Only names the dictionary knows well: its tags are loose (两国, 海港 and 桃山 are place names to it), its
        // frequencies tell 深圳 and 杭州 from them.
        bool Known(string w) => w.Length >= 2 && dictionary.IsName(w) && dictionary.Frequency(w) >= knownFrequency;
        if (!missing.Any(Known)) return false;
        return analyzer.Analyze(sentence, Script.Unknown)
            .Any(t => t.Type == TokenType.Word && Known(t.Term) && !Words.Contains(t.Term)); // parts too: 苏州 of 苏州市
    }

    /// <summary>Share of the question's content characters (those of its grams, not of the title) the folded text holds.</summary>
    public double CharacterCoverage(string folded, string? topic)
    {
        var chars = new HashSet<char>();
        foreach (var g in Grams) foreach (char c in g) if (CharClass.IsHan(c) && (string.IsNullOrEmpty(topic) || !topic.Contains(c))) chars.Add(c);
        if (chars.Count == 0) return 0;
        int found = 0;
        foreach (char c in chars) if (folded.Contains(c)) found++;
        return found / (double)chars.Count;
    }

    /// <summary>The text has a content term other than the key term's (true when the question has none).</summary>
    public bool HasFocusTerm(string folded)
    {
        var focus = Terms().Select(t => t.Term).Where(t => KeyTerm is null || !KeyTerm.Contains(t, StringComparison.OrdinalIgnoreCase)).ToList();
        return focus.Count == 0 || focus.Any(t => folded.Contains(t, StringComparison.OrdinalIgnoreCase));
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
