namespace SourceSearch.Answer;

/// <summary>A passage given to the model; <paramref name="N"/> is the 1-based number it is cited by.</summary>
public sealed record AnswerPassage(int N, string Id, string Title, string Text);

/// <summary>One sentence of the model's answer, with the passage numbers it validly cites.</summary>
public sealed record LlmSentence(string Text, IReadOnlyList<int> Citations, bool Supported);

/// <summary>
/// The model's answer after citation checking. When <see cref="Usable"/> is false the caller shows
/// the extractive answer instead and tells the person why (<see cref="Notice"/>).
/// </summary>
public sealed record LlmAnswer(string Text, IReadOnlyList<LlmSentence> Sentences, IReadOnlyList<int> Cited, bool Usable, string? Notice)
{
    public static LlmAnswer Unusable(string notice, string text = "") => new(text, [], [], false, notice);
}

/// <summary>What <see cref="LlmAnswerer.StreamAnswerAsync"/> yields: text as it comes, then one final checked answer.</summary>
public abstract record LlmAnswerEvent;

/// <summary>A piece of the model's reply as it arrives (unchecked: citations are checked at the end).</summary>
public sealed record LlmTextDelta(string Text) : LlmAnswerEvent;

/// <summary>The last event: the whole reply, checked; replaces what the deltas showed.</summary>
public sealed record LlmAnswerCompleted(LlmAnswer Answer) : LlmAnswerEvent;
