using System.Globalization;
using System.Text;

namespace SourceSearch.Text;

/// <summary>
/// Stage 1: NFKC (full-width letters and digits to half-width), lower-case, every kind of white
/// space and control character to a plain space, lone surrogates to a space. Works per character
/// through a table built once, so it costs a lookup per unit on the hot path.
/// </summary>
public static class Normalizer
{
    // For each BMP unit: null when the unit is kept as it is, else its replacement.
    private static readonly string?[] Table = BuildTable();

    private static string?[] BuildTable()
    {
        var table = new string?[0x10000];
        for (int c = 0; c < 0x10000; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            char ch = (char)c;
            string result;
            if (char.IsWhiteSpace(ch) || char.IsControl(ch)) result = " ";
            else
            {
                string s = ch.ToString();
                try { result = s.Normalize(NormalizationForm.FormKC); }
                catch (ArgumentException) { result = s; }
                result = result.ToLowerInvariant();
            }
            if (result != ch.ToString()) table[c] = result;
        }
        return table;
    }

    public static MappedText Normalize(MappedText input)
    {
        string text = input.Text;
        // Fast path: nothing to change (common for already-clean Simplified text without full-width punctuation).
        int first = FirstChange(text);
        if (first < 0) return input;

        var b = new MappedText.Builder(input);
        b.AppendSame(0, first);
        int i = first;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    string pair = text.Substring(i, 2);
                    string n = SafeNormalize(pair).ToLowerInvariant();
                    if (n == pair) b.AppendSame(i, i + 2);
                    // A pair becoming two BMP characters (🄀 → "0.") must not map one to each half.
                    else b.AppendReplacement(n, i, i + 2, unitToUnit: n.Length == 2 && char.IsHighSurrogate(n[0]));
                    i += 2;
                }
                else { b.AppendReplacement(' ', i, i + 1); i++; }
                continue;
            }
            if (char.IsLowSurrogate(c)) { b.AppendReplacement(' ', i, i + 1); i++; continue; }

            // A base character followed by combining marks is normalised as one cluster so that
            // NFKC can compose it (e + U+0301 -> é).
            int next = i + 1;
            while (next < text.Length && IsCombining(text[next])) next++;
            if (next > i + 1)
            {
                string cluster = SafeNormalize(text.Substring(i, next - i)).ToLowerInvariant();
                b.AppendReplacement(cluster, i, next);
                i = next;
                continue;
            }

            string? r = Table[c];
            if (r is null) b.AppendSame(i, i + 1);
            else b.AppendReplacement(r, i, i + 1);
            i++;
        }
        return b.Build();
    }

    private static int FirstChange(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsSurrogate(c) || Table[c] is not null) return i;
            if (IsCombining(c)) return Math.Max(0, i - 1); // the mark composes with the unit before it
        }
        return -1;
    }

    private static readonly bool[] Combining = BuildCombining();

    private static bool[] BuildCombining()
    {
        var t = new bool[0x10000];
        for (int c = 0x300; c < 0x10000; c++)
            t[c] = CharUnicodeInfo.GetUnicodeCategory((char)c) is UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
        return t;
    }

    private static bool IsCombining(char c) => Combining[c];

    private static string SafeNormalize(string s)
    {
        try { return s.Normalize(NormalizationForm.FormKC); }
        catch (ArgumentException) { return s; }
    }
}
