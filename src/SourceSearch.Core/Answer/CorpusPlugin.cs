using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;

namespace SourceSearch.Answer;

/// <summary>Where the model's searches go: the corpus's best passages for a query (numbers are given by the <see cref="PassageBook"/>).</summary>
public interface IPassageSource
{
    Task<IReadOnlyList<AnswerPassage>> SearchAsync(string query, int count, CancellationToken cancellationToken);
}

/// <summary>
/// The passages one answer's model has received, by number: the first retrieval's, then what its function
/// calls found. A citation is valid only if it names one of these.
/// </summary>
public sealed class PassageBook
{
    private readonly Lock _lock = new();
    private readonly List<AnswerPassage> _passages = [];

    public PassageBook(IEnumerable<AnswerPassage> given)
    {
        foreach (var p in given) _passages.Add(p);
    }

    public IReadOnlyList<AnswerPassage> Passages
    {
        get { lock (_lock) return _passages.ToList(); }
    }

    public AnswerPassage? Get(int n)
    {
        lock (_lock) return _passages.FirstOrDefault(p => p.N == n);
    }

    /// <summary>The passage under its number: the one it already has when the same text was received before, else the next.</summary>
    public AnswerPassage Add(AnswerPassage passage)
    {
        lock (_lock)
        {
            if (_passages.FirstOrDefault(p => p.Id == passage.Id && p.Start == passage.Start && p.End == passage.End) is { } known) return known;
            var numbered = passage with { N = _passages.Count == 0 ? 1 : _passages.Max(p => p.N) + 1 };
            _passages.Add(numbered);
            return numbered;
        }
    }
}

/// <summary>
/// The corpus as kernel functions the model may call to look further than the passages it was given: a
/// search in other words (or the other script), and the text around a passage. What they return is
/// numbered in the answer's <see cref="PassageBook"/>, so it can be cited and checked like the rest.
/// </summary>
public sealed class CorpusPlugin(IPassageSource source, PassageBook book, int passagesPerSearch, int maxPassageChars)
{
    public const string Name = "corpus";

    /// <summary>Characters read on each side of a passage by <see cref="ReadAround"/>.</summary>
    public const int AroundChars = 300;

    [KernelFunction("search")]
    [Description("Searches the corpus of Chinese documents. Returns numbered passages (with title, article id and offsets) that can be cited by their number.")]
    public async Task<string> SearchAsync(
        [Description("Search words, best in Chinese as the documents write them (names, places, key words); Simplified or Traditional script.")] string query,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(query)) return "The query is empty: give search words.";
        var found = await source.SearchAsync(query.Trim(), Math.Max(1, passagesPerSearch), cancellationToken).ConfigureAwait(false);
        if (found.Count == 0) return "No passages found. Try other words: Chinese names and key words, or the other script.";
        return Prompts.PassageBlock(found.Select(book.Add).ToList(), maxPassageChars);
    }

    [KernelFunction("read_around")]
    [Description("Reads the text just before and just after a numbered passage in its article. Returns them as new numbered passages.")]
    public string ReadAround([Description("The number of a passage already received.")] int n)
    {
        if (book.Get(n) is not { ArticleText: { } article } passage)
            return string.Create(CultureInfo.InvariantCulture, $"There is no passage [{n}] to read around.");
        var around = new List<AnswerPassage>();
        var (beforeStart, beforeEnd) = (SentenceStart(article, Math.Max(0, passage.Start - AroundChars), passage.Start), passage.Start);
        if (beforeEnd - beforeStart > 1) around.Add(book.Add(Slice(passage, article, beforeStart, beforeEnd)));
        var (afterStart, afterEnd) = (passage.End, SentenceEnd(article, passage.End, Math.Min(article.Length, passage.End + AroundChars)));
        if (afterEnd - afterStart > 1) around.Add(book.Add(Slice(passage, article, afterStart, afterEnd)));
        return around.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"Passage [{n}] is the whole article: there is nothing around it.")
            : Prompts.PassageBlock(around, maxPassageChars);
    }

    private static AnswerPassage Slice(AnswerPassage of, string article, int start, int end) =>
        new(0, of.Id, of.Title, article[start..end], start, article);

    // A window's cut falls after a sentence's end where one is near, so the model reads whole sentences.
    private static int SentenceStart(string text, int from, int to)
    {
        if (from == 0) return 0;
        if (char.IsLowSurrogate(text[from])) from++;
        for (int i = from; i < to; i++)
            if (IsSentenceEnd(text[i])) return i + 1;
        return from;
    }

    private static int SentenceEnd(string text, int from, int to)
    {
        if (to == text.Length) return to;
        for (int i = to - 1; i > from; i--)
            if (IsSentenceEnd(text[i])) return i + 1;
        return char.IsHighSurrogate(text[to - 1]) ? to - 1 : to;
    }

    private static bool IsSentenceEnd(char c) => c is '。' or '！' or '？' or '!' or '?' or '；' or '\n';
}
