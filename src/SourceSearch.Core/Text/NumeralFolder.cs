using System.Globalization;

namespace SourceSearch.Text;

/// <summary>
/// Stage 3: writes Chinese numerals as Arabic digits, so that 九百亿 matches 900亿 and 二〇二四年
/// matches 2024年. Runs after script folding, so only Simplified forms (万, 亿, 两) need handling.
/// A lone numeral is left alone (一些, 统一, 十分 keep their meaning and their dictionary words);
/// a run of two or more is read as a number. A trailing 万/亿 stays a unit (九百亿 → 900亿), as it
/// is usually written with Arabic digits.
/// </summary>
public static class NumeralFolder
{
    private const int MaxRun = 24; // longer runs are not numbers anyone writes; leave them

    private static int Digit(char c) => c switch
    {
        '〇' or '零' => 0, '一' => 1, '二' => 2, '两' => 2, '三' => 3, '四' => 4,
        '五' => 5, '六' => 6, '七' => 7, '八' => 8, '九' => 9, _ => -1,
    };

    private static long Multiplier(char c) => c switch
    {
        '十' => 10, '百' => 100, '千' => 1000, '万' => 10_000, '亿' => 100_000_000, _ => 0,
    };

    private static bool IsNumeral(char c) => Digit(c) >= 0 || Multiplier(c) > 0;

    public static MappedText Fold(MappedText input)
    {
        string text = input.Text;
        int first = text.AsSpan().IndexOfAny("〇零一二两三四五六七八九十百千万亿");
        if (first < 0) return input;

        MappedText.Builder? b = null;
        int copied = 0;
        int i = first;
        while (i < text.Length)
        {
            if (!IsNumeral(text[i])) { i++; continue; }
            int start = i;
            while (i < text.Length && IsNumeral(text[i])) i++;
            int end = i;

            // Leading units (万一, 亿万) are not part of a number.
            int s = start;
            while (s < end && Digit(text[s]) < 0 && text[s] is '万' or '亿') s++;
            // Trailing big units stay as written, unless the number has big units inside (一亿两千万).
            int e = end;
            while (e > s && text[e - 1] is '万' or '亿') e--;
            if (text.AsSpan(s, e - s).IndexOfAny('万', '亿') >= 0) e = end;
            // A lone numeral is a number only before a unit: 五万亿 → 5万亿, 十万 → 10万.
            bool unitFollows = e < end;
            if (e - s < (unitFollows ? 1 : 2) || e - s > MaxRun) continue;

            var run = text.AsSpan(s, e - s);
            if (IsPositional(run))
            {
                if (run.Contains('两')) continue; // 两 is not a digit in 两三 (two or three)
                b ??= new MappedText.Builder(input);
                b.AppendSame(copied, s);
                for (int k = 0; k < run.Length; k++)
                    b.AppendReplacement((char)('0' + Digit(run[k])), s + k, s + k + 1);
                copied = e;
            }
            else if (TryEvaluate(run, out long value))
            {
                b ??= new MappedText.Builder(input);
                b.AppendSame(copied, s);
                b.AppendReplacement(value.ToString(CultureInfo.InvariantCulture), s, e);
                copied = e;
            }
        }
        if (b is null || copied == 0) return input;
        b.AppendSame(copied, text.Length);
        return b.Build();
    }

    private static bool IsPositional(ReadOnlySpan<char> run)
    {
        foreach (char c in run)
            if (Digit(c) < 0) return false;
        return true;
    }

    /// <summary>Reads 三万五千, 一千零一, 十六, 两百 as numbers; false for what is not a well-formed numeral.</summary>
    internal static bool TryEvaluate(ReadOnlySpan<char> run, out long value)
    {
        value = 0;
        long total = 0;   // completed 亿 sections
        long section = 0; // completed 万 sections below 亿
        long small = 0;   // below 万
        long digit = -1;
        foreach (char c in run)
        {
            int d = Digit(c);
            if (d >= 0)
            {
                if (digit > 0) return false; // 三四百: two digits in a row are not a numeral
                digit = d;
                continue;
            }
            long m = Multiplier(c);
            if (m <= 1000)
            {
                if (digit < 0) digit = 1; // 十六 = 16, 百万 = 100万
                small += digit * m;
                digit = -1;
            }
            else if (m == 10_000)
            {
                section += (small + Math.Max(digit, 0)) * 10_000;
                if (section == 0) return false;
                small = 0; digit = -1;
            }
            else
            {
                total = (total + section + small + Math.Max(digit, 0)) * 100_000_000;
                if (total == 0 || total < 0) return false;
                section = 0; small = 0; digit = -1;
            }
        }
        value = total + section + small + Math.Max(digit, 0);
        return value > 0;
    }
}
