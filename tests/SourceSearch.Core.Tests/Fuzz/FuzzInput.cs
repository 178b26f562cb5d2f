using System.Text;

namespace SourceSearch.Tests.Fuzz;

/// <summary>
/// Hostile text from a seeded <see cref="Random"/>: the same seed gives the same inputs, so a failure
/// names its seed and case and replays with SOURCESEARCH_FUZZ_SEED=that seed.
/// </summary>
public sealed class FuzzInput(int seed)
{
    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>The seed to use: SOURCESEARCH_FUZZ_SEED (a number, or "random" for a fresh one), else <paramref name="fallback"/>.</summary>
    public static int SeedFromEnvironment(int fallback)
    {
        string? given = Environment.GetEnvironmentVariable("SOURCESEARCH_FUZZ_SEED");
        if (string.Equals(given, "random", StringComparison.OrdinalIgnoreCase)) return Random.Shared.Next();
        return int.TryParse(given, out int seed) ? seed : fallback;
    }

    // Pieces that stress one stage or another: script folding, numeral folding, NFKC expansions and
    // compositions, the query syntax, and text the tokenizer must not cut in half.
    private static readonly string[] Pieces =
    [
        "苏州", "蘇州", "軟體", "记忆体", "記憶體", "人工智能", "二〇二四年", "九百亿", "五万", "十分", "一些",
        "思必驰", "工业园区", "臺灣", "裏", "裡", "乾隆", "𠀀", "𪚥", "𫠝",
        "DeepSeek-R1", "671B", "2.67万亿", "1,000,000", "gpt4", "a.b.c", "x-", "--", "_", ",", ".",
        "OR", "or", " OR ", "|", "-", "－", "title:", "TITLE：", "source:", "author:", "from:", "to:", "from:2024", "to:2025-13-99",
        "\"", "“", "”", "「", "」", "『", "』", "(", ")", "((", "))", "*", "^", "NEAR(", "AND", "NOT", "{", "}", ":",
        "ﷺ", "ﷻ", "㍿", "ﬃ", "Å", "ǅ", "İ", "ß", "ẞ", "Σ", "ς", "ﾀﾞ", "ｶﾞ", "１２３", "ＡＢＣ", "㈱", "①", "⑩", "⅓", "½",
        "e\u0301", "\u0301", "\u20DD", "\u0E49", "\u1100\u1161\u11A8", "\u0915\u094D\u0937", "\u200D", "\u200B", "\u200E", "\u202E", "\uFEFF",
        "😀", "👨‍👩‍👧", "🇨🇳", "🄀", "𝐀", "𝟘", "\uFFFD", "\uFFFF", "\uFFFE",
        "\0", "\u0001", "\u0007", "\t", "\r\n", "\n", "\u0085", "\u2028", "\u2029", "\u3000", "\u00A0", " ", "  ",
        "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uDC00\uD800",
        "'", "`", "\\", "%", "%2F", "<script>", "&amp;", ";", "--", "/*", "*/",
    ];

    /// <summary>A random string of up to <paramref name="maxLength"/> UTF-16 units (a little more when a piece ends it).</summary>
    public string Text(int maxLength)
    {
        int length = _random.Next(0, maxLength + 1);
        var sb = new StringBuilder(length + 16);
        while (sb.Length < length)
        {
            switch (_random.Next(10))
            {
                case 0 or 1 or 2: sb.Append(Pieces[_random.Next(Pieces.Length)]); break;
                case 3: sb.Append((char)_random.Next(0x4E00, 0xA000)); break;                 // common Han
                case 4: sb.Append((char)_random.Next(0x20, 0x7F)); break;                     // ASCII
                case 5: sb.Append((char)_random.Next(0, 0x10000)); break;                     // any BMP unit, lone surrogates included
                case 6: sb.Append(char.ConvertFromUtf32(RandomScalar())); break;             // any scalar value, supplementary planes included
                case 7: sb.Append((char)_random.Next(0x300, 0x370)); break;                   // combining marks
                case 8: sb.Append(' '); break;
                default: sb.Append(Pieces[_random.Next(Pieces.Length)]).Append(' '); break;
            }
        }
        return sb.ToString();
    }

    private int RandomScalar()
    {
        while (true)
        {
            int cp = _random.Next(0, 0x110000);
            if (cp is < 0xD800 or > 0xDFFF) return cp;
        }
    }

    /// <summary>Deeply nested query syntax: quotes, brackets, operators and fields repeated <paramref name="depth"/> times.</summary>
    public string Nested(int depth)
    {
        string[] openers = ["(", "\"", "“", "「", "『", "-", "title:", "source:", "-title:\"", "OR ", "| ", "from:", "(-", "NOT ", "--"];
        string[] closers = [")", "\"", "”", "」", "』", "", "", " OR", " |", ":"];
        var sb = new StringBuilder();
        var open = new Stack<string>();
        for (int i = 0; i < depth; i++)
        {
            if (open.Count > 0 && _random.Next(4) == 0)
            {
                sb.Append(open.Pop());
                continue;
            }
            sb.Append(openers[_random.Next(openers.Length)]);
            if (_random.Next(3) == 0) sb.Append(Text(4));
            open.Push(closers[_random.Next(closers.Length)]);
        }
        // Close only some of them: unbalanced input is the point.
        while (open.Count > 0 && _random.Next(3) > 0) sb.Append(open.Pop());
        return sb.ToString();
    }

    /// <summary>One of a few kinds of input, so each run mixes short, nested and odd ones.</summary>
    public string Query(int maxLength) => _random.Next(5) switch
    {
        0 => Nested(_random.Next(1, Math.Max(2, maxLength / 4))),
        1 => string.Concat(Enumerable.Repeat(Pieces[_random.Next(Pieces.Length)], _random.Next(1, Math.Max(2, maxLength / 4)))),
        _ => Text(maxLength),
    };
}
