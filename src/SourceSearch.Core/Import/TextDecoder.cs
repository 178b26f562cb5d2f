using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace SourceSearch.Import;

/// <summary>
/// Turns the bytes of a text file into its characters: UTF-8 (with or without BOM), UTF-16 (with a
/// BOM, or without one when the NUL bytes clearly say so), else GB18030 or Big5, whichever decodes
/// strictly and gives more common Chinese characters. Binary files and undecodable bytes are refused.
/// </summary>
internal static class TextDecoder
{
    public const string NotText = "not valid text in UTF-8, UTF-16, GB18030 or Big5";

    private const int SampleBytes = 1 << 16;

    static TextDecoder() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly Encoding Utf8Strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
    private static readonly Encoding Utf16LeStrict = new UnicodeEncoding(false, false, throwOnInvalidBytes: true);
    private static readonly Encoding Utf16BeStrict = new UnicodeEncoding(true, false, throwOnInvalidBytes: true);

    // Characters that real text does not contain but a wrong decoding of bytes does: C0 controls other
    // than tab, line and page breaks, DEL and C1 controls, and the non-characters U+FFFE and U+FFFF.
    private static readonly SearchValues<char> NotInText = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"
        + string.Concat(Enumerable.Range(0x7F, 0x21).Select(c => (char)c)) + "\uFFFE\uFFFF");

    private static readonly (byte[] Magic, string Kind)[] BinarySignatures =
    [
        ("%PDF-"u8.ToArray(), "a PDF document"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG image"),
        ([0xFF, 0xD8, 0xFF], "a JPEG image"),
        ("GIF8"u8.ToArray(), "a GIF image"),
        ([0x50, 0x4B, 0x03, 0x04], "a ZIP archive (.docx, .xlsx, .zip ...)"),
        ([0x50, 0x4B, 0x05, 0x06], "an empty ZIP archive"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "an old Office document (.doc, .xls)"),
        ([0x1F, 0x8B], "a gzip archive"),
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "an xz archive"),
        ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "a 7z archive"),
        ([0x7F, 0x45, 0x4C, 0x46], "an executable"),
    ];

    public static string Decode(byte[] bytes)
    {
        ReadOnlySpan<byte> span = bytes;
        if (span.IsEmpty) throw new ReadException("empty file");
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            return Strict(Utf8Strict, bytes, 3) ?? throw new ReadException("not valid UTF-8 after its UTF-8 byte-order mark");
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
            return Strict(Utf16LeStrict, bytes, 2) ?? throw new ReadException("not valid UTF-16 after its UTF-16 LE byte-order mark");
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return Strict(Utf16BeStrict, bytes, 2) ?? throw new ReadException("not valid UTF-16 after its UTF-16 BE byte-order mark");
        foreach (var (magic, kind) in BinarySignatures)
            if (span.StartsWith(magic)) throw new ReadException($"a binary file ({kind}), not text");
        if (span.Contains((byte)0))
            return Utf16WithoutBom(bytes) ?? throw new ReadException("a binary file (it contains NUL bytes), not text");
        if (Utf8.IsValid(span)) return Utf8Strict.GetString(bytes);

        foreach (var encoding in RankLegacy(span[..Math.Min(span.Length, SampleBytes)]))
            if (Strict(encoding, bytes, 0) is { } text && !text.AsSpan().ContainsAny(NotInText)) return text;
        throw new ReadException(NotText);
    }

    private static string? Strict(Encoding encoding, byte[] bytes, int start)
    {
        try { return encoding.GetString(bytes, start, bytes.Length - start); }
        catch (DecoderFallbackException) { return null; }
    }

    // Text of mostly Latin characters in UTF-16 has a NUL in every other byte; a binary file has them anywhere.
    private static string? Utf16WithoutBom(byte[] bytes)
    {
        if (bytes.Length % 2 != 0) return null;
        int even = 0, odd = 0;
        for (int i = 0; i < Math.Min(bytes.Length, SampleBytes); i++)
        {
            if (bytes[i] != 0) continue;
            if (i % 2 == 0) even++; else odd++;
        }
        Encoding? encoding = odd > 0 && even * 20 <= odd ? Utf16LeStrict : even > 0 && odd * 20 <= even ? Utf16BeStrict : null;
        return encoding is not null && Strict(encoding, bytes, 0) is { } text && !text.AsSpan().ContainsAny(NotInText) ? text : null;
    }

    // GB18030 and Big5 both accept most byte pairs of the other; score a sample by the common characters
    // each decoding gives, less what it could not decode or mapped to the private use area (user-defined
    // codes, which .NET's Big5 also gives for stray bytes like 0xFF). GB18030 first on a tie.
    private static IEnumerable<Encoding> RankLegacy(ReadOnlySpan<byte> sample)
    {
        var scored = new List<(Encoding Strict, int Score)>(2);
        foreach (string name in (string[])["gb18030", "big5"])
        {
            string text = Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, new DecoderReplacementFallback("\uFFFD")).GetString(sample);
            int undecoded = 0;
            foreach (char c in text) if (c is '\uFFFD' or (>= '\uE000' and <= '\uF8FF')) undecoded++;
            int score = CommonHanzi.Count(text) - 4 * undecoded;
            scored.Add((Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback), score));
        }
        return scored.OrderByDescending(s => s.Score).Select(s => s.Strict);
    }
}
