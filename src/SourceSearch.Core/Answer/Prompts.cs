using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace SourceSearch.Answer;

/// <summary>
/// The prompts, kept as text files in Answer/Prompts (embedded in the assembly) so they can be read
/// and changed without touching code. A file has a "### system" part and a "### user" part, with
/// {{name}} placeholders filled in one pass (a value that contains "{{…}}" stays as it is).
/// </summary>
public static partial class Prompts
{
    private static readonly ConcurrentDictionary<string, (string System, string User)> Cache = new();

    /// <summary>The answer prompt: numbered passages in a delimited data block, then the question.</summary>
    public static IReadOnlyList<ChatMessage> Answer(string question, IReadOnlyList<AnswerPassage> passages, int maxPassageChars)
    {
        var block = new StringBuilder();
        foreach (var p in passages)
        {
            string text = p.Text.Length > maxPassageChars && maxPassageChars > 0 ? p.Text[..maxPassageChars] + "…" : p.Text;
            block.Append($"<passage n=\"{p.N}\" title=\"{Neutralise(p.Title).Replace("\"", "'")}\">\n")
                 .Append(Neutralise(text).Trim())
                 .Append("\n</passage>\n");
        }
        return Fill("answer", new Dictionary<string, string>
        {
            ["passages"] = block.ToString().TrimEnd(),
            ["question"] = question.Trim(),
        });
    }

    public static IReadOnlyList<ChatMessage> SearchTerms(string question) =>
        Fill("search-terms", new Dictionary<string, string> { ["question"] = question.Trim() });

    /// <summary>A passage must not be able to close its block and speak outside it: its own tags are defused.</summary>
    internal static string Neutralise(string text) => DelimiterTag().Replace(text, m => "‹" + m.Value[1..]);

    private static List<ChatMessage> Fill(string name, IReadOnlyDictionary<string, string> values)
    {
        var (system, user) = Cache.GetOrAdd(name, Load);
        string Apply(string template) => Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
        return [new ChatMessage(ChatRole.System, Apply(system)), new ChatMessage(ChatRole.User, Apply(user))];
    }

    private static (string System, string User) Load(string name)
    {
        string resource = $"SourceSearch.Answer.Prompts.{name}.txt";
        using var stream = typeof(Prompts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The prompt resource {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string text = reader.ReadToEnd().Replace("\r\n", "\n");
        int system = text.IndexOf("### system\n", StringComparison.Ordinal);
        int user = text.IndexOf("### user\n", StringComparison.Ordinal);
        if (system < 0 || user < system)
            throw new InvalidOperationException($"The prompt {name}.txt needs a '### system' part followed by a '### user' part.");
        return (text[(system + "### system\n".Length)..user].Trim(), text[(user + "### user\n".Length)..].Trim());
    }

    [GeneratedRegex(@"\{\{(\w+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"</?\s*passages?\b", RegexOptions.IgnoreCase)]
    private static partial Regex DelimiterTag();
}
