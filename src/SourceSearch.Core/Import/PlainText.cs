namespace SourceSearch.Import;

/// <summary>.txt and .md: the decoded text as it is (a Markdown front matter block aside), and a title found in it.</summary>
internal static class PlainText
{
    public const int MaxTitleLength = 120;

    public static Article Txt(string id, string text) => new(id, FirstLine(text), text);

    /// <summary>
    /// Front matter (<c>---</c> lines at the very top with <c>title:</c>, <c>author:</c> ... ) gives the
    /// metadata and is not part of the text; without a title there, the first <c># </c> heading is it.
    /// </summary>
    public static Article Markdown(string id, string text)
    {
        var fields = FrontMatter(ref text);
        string? Field(string key) => fields.GetValueOrDefault(key);
        string title = Field("title") ?? Heading(text) ?? FirstLine(text);
        return new Article(id, title, text, Field("author"), Field("date"), Field("source"), Field("url"));
    }

    /// <summary>The first line with something on it, trimmed and cut to <see cref="MaxTitleLength"/> characters.</summary>
    public static string FirstLine(string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var trimmed = line.Trim();
            if (!trimmed.IsEmpty) return Cut(trimmed);
        }
        return "";
    }

    private static string Cut(ReadOnlySpan<char> title)
    {
        int length = Math.Min(title.Length, MaxTitleLength);
        if (length < title.Length && char.IsHighSurrogate(title[length - 1])) length--;   // never half a character
        return title[..length].ToString();
    }

    // Removes the block from text; no closing line means it was not front matter.
    private static Dictionary<string, string> FrontMatter(ref string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!text.StartsWith("---\n", StringComparison.Ordinal) && !text.StartsWith("---\r\n", StringComparison.Ordinal)) return fields;
        int pos = text.IndexOf('\n') + 1;
        while (pos < text.Length)
        {
            int end = text.IndexOf('\n', pos);
            int next = end < 0 ? text.Length : end + 1;
            string line = text[pos..(end < 0 ? text.Length : end)].TrimEnd();
            if (line is "---" or "...")
            {
                text = text[next..];
                return fields;
            }
            int colon = line.IndexOf(':');
            if (colon > 0) fields.TryAdd(line[..colon].Trim(), Unquote(line[(colon + 1)..].Trim()));
            pos = next;
        }
        fields.Clear();
        return fields;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0], value[^1]) is ('"', '"') or ('\'', '\'') ? value[1..^1] : value;

    private static string? Heading(string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var l = line.TrimStart(' ');
            if (line.Length - l.Length <= 3 && l.StartsWith("# ")) return Cut(l[2..].Trim().TrimEnd('#').TrimEnd());
        }
        return null;
    }
}
