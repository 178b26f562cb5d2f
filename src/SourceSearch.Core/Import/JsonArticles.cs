using System.Text.Json;

namespace SourceSearch.Import;

/// <summary>
/// The import format (what export writes): <c>{"id","title","text"}</c> plus optional
/// <c>"author","date","source","url"</c>; unknown properties are ignored. A .json file holds one
/// object or an array of them, a .jsonl file one a line. The id and text are kept exactly.
/// </summary>
internal static class JsonArticles
{
    public static List<ReadResult> ReadJson(string path, byte[] bytes)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(WithoutBom(bytes)); }
        catch (JsonException e) { return [new ReadFailure(path, "not valid JSON: " + e.Message)]; }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object) return [Parse(path, root, null, "")];
            if (root.ValueKind != JsonValueKind.Array) return [new ReadFailure(path, "a .json file holds one article object or an array of them")];
            return root.EnumerateArray().Select((e, i) => Parse(path, e, null, $"element {i + 1}: ")).ToList();
        }
    }

    /// <summary>One line of a .jsonl file, as UTF-8 bytes without its line break.</summary>
    public static ReadResult? ReadLine(string path, ReadOnlyMemory<byte> line, int number)
    {
        if (number == 1) line = WithoutBom(line);
        if (line.Span.Trim(" \t\r"u8).IsEmpty) return null;   // blank lines are allowed
        try
        {
            using var doc = JsonDocument.Parse(line);
            return Parse(path, doc.RootElement, number, "");
        }
        catch (JsonException e) { return new ReadFailure(path, "not valid JSON: " + e.Message, number); }
    }

    private static ReadResult Parse(string path, JsonElement e, int? line, string where)
    {
        try { return ToArticle(e); }
        catch (ReadException x) { return new ReadFailure(path, where + x.Message, line); }
    }

    private static Article ToArticle(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new ReadException("an article must be a JSON object");
        string id = String(e, "id") is { Length: > 0 } i ? i : throw new ReadException("\"id\" must be a non-empty string");
        string text = String(e, "text") ?? throw new ReadException("\"text\" must be a string");
        if (text.AsSpan().Trim().IsEmpty) throw new ReadException("\"text\" is empty: nothing to search");
        return new Article(id, String(e, "title") ?? "", text, String(e, "author"), String(e, "date"), String(e, "source"), String(e, "url"));
    }

    /// <summary>A property that must be a string when present; missing or null gives null.</summary>
    internal static string? String(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw new ReadException($"\"{name}\" must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}");
        try { return value.GetString(); }
        catch (InvalidOperationException) { throw new ReadException($"\"{name}\" is not valid Unicode (a lone surrogate escape)"); }
    }

    internal static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> bytes) =>
        bytes.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;
}
