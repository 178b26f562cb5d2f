using SourceSearch.Import;

namespace SourceSearch.Index;

/// <summary>
/// What SQLite can store verbatim. Its text API ends a string at U+0000, and UTF-8 has no form for an
/// unpaired surrogate, so either would come back shorter or changed and every offset computed on the
/// text as given would point past it. Each becomes U+FFFD — one UTF-16 unit for one — so offsets hold.
/// </summary>
public static class StoredText
{
    public const char Replacement = '\uFFFD';

    /// <summary>True when <paramref name="s"/> holds neither U+0000 nor an unpaired surrogate.</summary>
    public static bool IsStorable(string s) => FirstUnstorable(s) < 0;

    public static string Clean(string s)
    {
        int first = FirstUnstorable(s);
        if (first < 0) return s;
        var chars = s.ToCharArray();
        for (int i = first; i < chars.Length; i++)
        {
            char c = chars[i];
            if (c == '\0') chars[i] = Replacement;
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
                else chars[i] = Replacement;
            }
            else if (char.IsLowSurrogate(c)) chars[i] = Replacement;
        }
        return new string(chars);
    }

    public static Article Clean(Article a) => a with
    {
        Title = a.Title is null ? null! : Clean(a.Title),
        Text = a.Text is null ? null! : Clean(a.Text),
        Author = a.Author is null ? null : Clean(a.Author),
        Date = a.Date is null ? null : Clean(a.Date),
        Source = a.Source is null ? null : Clean(a.Source),
        Url = a.Url is null ? null : Clean(a.Url),
    };

    private static int FirstUnstorable(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\0') return i;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                return i;
            }
            if (char.IsLowSurrogate(c)) return i;
        }
        return -1;
    }
}

/// <summary>
/// How an article's text sits in its row: UTF-16 bytes in a BLOB. Chinese takes two bytes a character
/// instead of UTF-8's three (the text is most of a row), and the bytes are the string's own, so offsets
/// in UTF-16 units need no conversion. Rows written as TEXT (the audit log of older indexes) read as well.
/// </summary>
internal static class TextColumn
{
    public static byte[] Encode(string text) => System.Text.Encoding.Unicode.GetBytes(text);

    public static string Read(Microsoft.Data.Sqlite.SqliteDataReader r, int ordinal) => r.GetValue(ordinal) switch
    {
        byte[] bytes => System.Text.Encoding.Unicode.GetString(bytes),
        string s => s,
        var other => throw new InvalidDataException($"a stored text is {other.GetType().Name}, not text"),
    };
}
