using System.Text.Json;
using System.Text.RegularExpressions;

namespace SourceSearch.Answer;

/// <summary>
/// Reads the search terms out of the model's reply however it came: a JSON array (maybe in a code
/// fence, maybe after some chatter), an object holding one, or plain lines and commas. Keeps terms
/// with Chinese characters only, since those are what the reply is for.
/// </summary>
public static partial class SearchTermParser
{
    public const int MaxTerms = 8;
    public const int MaxTermLength = 24;

    public static IReadOnlyList<string> Parse(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply)) return [];
        string text = CitationChecker.StripThinking(reply).Trim();
        var terms = FromJson(text) ?? FromLines(text);
        return terms
            .Select(t => t.Trim().Trim('"', '\'', '“', '”', '「', '」', '《', '》', '`', '*'))
            .Where(t => t.Length is > 0 and <= MaxTermLength && Han().IsMatch(t))
            .Distinct(StringComparer.Ordinal)
            .Take(MaxTerms)
            .ToList();
    }

    private static List<string>? FromJson(string text)
    {
        int open = text.IndexOf('['), close = text.LastIndexOf(']');
        if (open < 0 || close <= open) return null;
        try
        {
            using var doc = JsonDocument.Parse(text[open..(close + 1)]);
            var terms = new List<string>();
            Collect(doc.RootElement, terms);
            return terms.Count > 0 ? terms : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Collect(JsonElement element, List<string> terms)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String: terms.AddRange(Split(element.GetString() ?? "")); break;
            case JsonValueKind.Array: foreach (var item in element.EnumerateArray()) Collect(item, terms); break;
            case JsonValueKind.Object: foreach (var property in element.EnumerateObject()) Collect(property.Value, terms); break;
        }
    }

    private static IEnumerable<string> FromLines(string text) =>
        text.Replace("```json", "").Replace("```", "").Split('\n').SelectMany(line => Split(ListMarker().Replace(line, "")));

    private static string[] Split(string text) =>
        text.Split([',', '，', '、', ';', '；', '|', '/', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"^\s*(?:[-*•]|\d+[.)、]|[a-zA-Z][\w ]*[:：])\s*")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}|[\u3400-\u4DBF]")]
    private static partial Regex Han();
}
