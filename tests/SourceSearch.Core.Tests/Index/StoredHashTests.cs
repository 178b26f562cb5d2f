using System.Security.Cryptography;
using System.Text;
using SourceSearch.Import;
using SourceSearch.Index;

namespace SourceSearch.Tests.Index;

/// <summary>Stored rows keep these hashes (unchanged re-imports, one article in both scripts): they must never change.</summary>
public sealed class StoredHashTests
{
    // The definitions as first written: SHA-256 of the whole string's UTF-8, first eight bytes.
    private static long Reference(string s) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(s)), 0);

    private static long ReferenceContent(Article a)
    {
        var sb = new StringBuilder();
        foreach (var part in new[] { a.Title, a.Author, a.Date, a.Source, a.Url, a.Text })
            sb.Append(part?.Length ?? -1).Append(':').Append(part).Append('\u0001');
        return Reference(sb.ToString());
    }

    private static long ReferenceFolded(string folded)
    {
        var sb = new StringBuilder();
        foreach (char c in folded)
            if (char.IsLetterOrDigit(c) || char.IsSurrogate(c)) sb.Append(c);
        return Reference(sb.ToString());
    }

    public static TheoryData<string> Texts()
    {
        var long1 = string.Concat(Enumerable.Repeat("苏州的人工智能产业，2024年。", 700));
        // A surrogate pair across every place a chunk could end.
        var surrogates = string.Concat(Enumerable.Range(0, 3000).Select(i => i % 3 == 0 ? "𠀀" : "a"));
        return new() { "", "苏州", "Ａ１ ａ1，。！", long1, surrogates, "x" + surrogates, "\u00e9\u0301 ß İ" };
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Hashes_are_what_they_always_were(string text)
    {
        Assert.Equal(ReferenceFolded(text), SearchIndex.FoldedHash(text));
        var article = new Article("id/1", "标题", text, Author: "作者", Date: "2024-01-02", Source: null, Url: "https://example.org/");
        Assert.Equal(ReferenceContent(article), SearchIndex.ContentHash(article));
    }
}
