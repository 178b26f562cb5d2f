using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;

namespace SourceSearch.Answer;

/// <summary>
/// The prompts: Semantic Kernel prompt templates kept as text files in Answer/Prompts (embedded in the
/// assembly), so they can be read and changed without touching code. Each is a chat prompt of
/// &lt;message role="…"&gt; parts with {{$name}} variables; Semantic Kernel encodes the values it puts in,
/// so a passage cannot open or close a message of its own.
/// </summary>
public static partial class Prompts
{
    private static readonly ConcurrentDictionary<string, KernelFunction> Functions = new();

    /// <summary>The answer prompt; its arguments come from <see cref="AnswerArguments"/>.</summary>
    public static KernelFunction Answer => Function("answer");

    /// <summary>The prompt that turns an English question into Chinese search terms (argument "question").</summary>
    public static KernelFunction SearchTerms => Function("search-terms");

    /// <summary>The answer prompt's arguments: numbered passages in a delimited data block, then the question.</summary>
    public static KernelArguments AnswerArguments(string question, IReadOnlyList<AnswerPassage> passages, int maxPassageChars, PromptExecutionSettings settings) =>
        new(settings)
        {
            ["passages"] = PassageBlock(passages, maxPassageChars),
            ["question"] = XmlSafe(question.Trim()),
        };

    public static KernelArguments SearchTermsArguments(string question, PromptExecutionSettings settings) =>
        new(settings) { ["question"] = XmlSafe(question.Trim()) };

    /// <summary>
    /// Passages as the model sees them, in the prompt and in what the corpus functions return: number, title,
    /// article id and offsets, then the text (cut at <paramref name="maxPassageChars"/>).
    /// </summary>
    public static string PassageBlock(IEnumerable<AnswerPassage> passages, int maxPassageChars)
    {
        var block = new StringBuilder();
        foreach (var p in passages)
        {
            string text = p.Text.Length > maxPassageChars && maxPassageChars > 0 ? p.Text[..maxPassageChars] + "…" : p.Text;
            block.Append(CultureInfo.InvariantCulture, $"<passage n=\"{p.N}\" title=\"{Attribute(p.Title)}\" id=\"{Attribute(p.Id)}\" start=\"{p.Start}\" end=\"{p.End}\">\n")
                 .Append(XmlSafe(Neutralise(text).Trim()))
                 .Append("\n</passage>\n");
        }
        return block.ToString().TrimEnd();
    }

    /// <summary>A passage must not be able to close its block and speak outside it: its own tags are defused.</summary>
    internal static string Neutralise(string text) => DelimiterTag().Replace(text, m => "‹" + m.Value[1..]);

    private static string Attribute(string value) => XmlSafe(Neutralise(value)).Replace("\"", "'");

    /// <summary>
    /// Characters XML cannot hold (controls, lone surrogates) would make Semantic Kernel read the whole prompt as
    /// one user message, its roles lost: they become U+FFFD. Only the model's copy changes; quotes are checked
    /// against the stored text.
    /// </summary>
    internal static string XmlSafe(string text)
    {
        StringBuilder? safe = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            bool ok = c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (!ok) safe ??= new StringBuilder(text, 0, i, text.Length);
            safe?.Append(ok ? c : '\uFFFD');
        }
        return safe?.ToString() ?? text;
    }

    private static KernelFunction Function(string name) => Functions.GetOrAdd(name, static name =>
    {
        string resource = $"SourceSearch.Answer.Prompts.{name}.txt";
        using var stream = typeof(Prompts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The prompt resource {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string template = reader.ReadToEnd().Replace("\r\n", "\n");
        if (!template.Contains("<message role=\"system\">", StringComparison.Ordinal) || !template.Contains("<message role=\"user\">", StringComparison.Ordinal))
            throw new InvalidOperationException($"The prompt {name}.txt needs a <message role=\"system\"> part and a <message role=\"user\"> part.");
        return KernelFunctionFactory.CreateFromPrompt(new PromptTemplateConfig(template) { Name = name.Replace('-', '_') });
    });

    [GeneratedRegex(@"</?\s*passages?\b", RegexOptions.IgnoreCase)]
    private static partial Regex DelimiterTag();
}
