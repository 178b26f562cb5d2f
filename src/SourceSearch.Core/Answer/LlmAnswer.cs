namespace SourceSearch.Answer;

/// <summary>
/// A passage given to the model; <paramref name="N"/> is the 1-based number it is cited by. <paramref name="Text"/>
/// is the article's text from <paramref name="Start"/> on; <paramref name="ArticleText"/>, when known, is the
/// whole article (for reading around the passage and checking quotes against it).
/// </summary>
public sealed record AnswerPassage(int N, string Id, string Title, string Text, int Start = 0, string? ArticleText = null)
{
    public int End => Start + Text.Length;
}

/// <summary>One sentence of the model's answer, with the passage numbers it validly cites.</summary>
public sealed record LlmSentence(string Text, IReadOnlyList<int> Citations, bool Supported);

/// <summary>Words the model quoted (in 「」), found in passage <paramref name="N"/> at these article offsets.</summary>
public sealed record LlmQuote(int N, int Start, int End);

/// <summary>
/// The model's answer after citation checking. When <see cref="Usable"/> is false the caller shows
/// the extractive answer instead and tells the person why (<see cref="Notice"/>).
/// </summary>
public sealed record LlmAnswer(string Text, IReadOnlyList<LlmSentence> Sentences, IReadOnlyList<int> Cited, bool Usable, string? Notice)
{
    /// <summary>Every passage the model received, by number: those it was given, then those its function calls found.</summary>
    public IReadOnlyList<AnswerPassage> Received { get; init; } = [];

    /// <summary>The quotes of the answer, located in the passages they cite.</summary>
    public IReadOnlyList<LlmQuote> Quotes { get; init; } = [];

    /// <summary>Function calls the model made (run or refused).</summary>
    public int FunctionCalls { get; init; }

    public static LlmAnswer Unusable(string notice, string text = "") => new(text, [], [], false, notice);
}

/// <summary>What <see cref="LlmAnswerer.StreamAnswerAsync(string, IReadOnlyList{AnswerPassage}, IPassageSource?, CancellationToken)"/> yields: text as it comes, then one final checked answer.</summary>
public abstract record LlmAnswerEvent;

/// <summary>A piece of the model's reply as it arrives (unchecked: citations are checked at the end).</summary>
public sealed record LlmTextDelta(string Text) : LlmAnswerEvent;

/// <summary>The last event: the whole reply, checked; replaces what the deltas showed.</summary>
public sealed record LlmAnswerCompleted(LlmAnswer Answer) : LlmAnswerEvent;
