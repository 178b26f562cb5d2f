using System.Globalization;
using System.Text;
using SourceSearch.Index;

namespace SourceSearch.Tests.Index;

public sealed class PassageSplitterTests
{
    private static (int, int)[] Ranges(IReadOnlyList<Passage> passages) => passages.Select(p => (p.Start, p.End)).ToArray();

    private static (int, int)[] SplitRanges(string text, int target, int max) => Ranges(PassageSplitter.Split(text, target, max));

    // ---- small hand-made examples, exact offsets ----

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\u3000\u3000\r\n\t\n \n")]
    [InlineData("。。。\n——\n……")]        // punctuation only: nothing worth a passage
    public void Text_without_content_gives_no_passages(string text) => Assert.Empty(PassageSplitter.Split(text));

    [Fact]
    public void Lone_surrogates_are_not_content()
    {
        // Not as InlineData: the test runner would turn lone surrogates into U+FFFD.
        Assert.Empty(PassageSplitter.Split("\uD800。\uDC00\n\uDBFF"));
        Assert.Equal([(0, 4)], SplitRanges("\uDC00甲\uD800。", 1, 10));
    }

    [Fact]
    public void Blank_lines_separate_paragraphs()
    {
        const string text = "第一段文字。\n\n第二段文字！\n\n第三段？";
        Assert.Equal([(0, 6), (8, 14), (16, 20)], SplitRanges(text, 1, 100));
    }

    [Fact]
    public void A_single_line_break_after_a_sentence_end_separates_paragraphs()
    {
        const string text = "甲乙丙。\n丁戊己？\nAbc!\n好";
        Assert.Equal([(0, 4), (5, 9), (10, 14), (15, 16)], SplitRanges(text, 1, 100));
    }

    [Fact]
    public void Short_paragraphs_merge_up_to_the_target_length_by_default()
    {
        const string text = "第一段文字。\n\n第二段文字！\n\n第三段？";
        Assert.Equal([(0, 20)], Ranges(PassageSplitter.Split(text)));
    }

    [Fact]
    public void A_pdf_line_break_inside_a_sentence_does_not_start_a_passage()
    {
        const string text = "苏州人工智能产业\n发展迅速，规模\n日益壮大。\n下一段。";
        Assert.Equal([(0, 22), (23, 27)], SplitRanges(text, 1, 100));
        Assert.Equal("苏州人工智能产业\n发展迅速，规模\n日益壮大。", text[0..22]);
    }

    [Fact]
    public void A_sentence_broken_across_a_blank_line_is_joined()
    {
        // As in the seeds: pdftotext put a blank line in the middle of 人工智能产业创新高地.
        const string text = "把苏州打造成全球有影响力的人工智能产业创新\n\n高地。此次规划指明了方向。\n\n另一段。";
        Assert.Equal([(0, 36), (38, 42)], SplitRanges(text, 1, 100));
        Assert.EndsWith("指明了方向。", text[0..36]);
    }

    [Fact]
    public void A_heading_stays_with_the_paragraph_that_follows_it()
    {
        const string text = "一、发展现状\n\n苏州人工智能产业规模日益壮大。\n\n二、面临的困境\n\n融合不足。";
        Assert.Equal([(0, 23), (25, 39)], SplitRanges(text, 1, 100));
        Assert.Equal("二、面临的困境\n\n融合不足。", text[25..39]);
    }

    [Fact]
    public void A_heading_is_not_appended_to_the_passage_before_it()
    {
        // The first paragraph is short, but heading + paragraph would not fit with it in 14.
        const string text = "第一段很长很长。\n\n小标题\n\n正文。";
        Assert.Equal([(0, 8), (10, 18)], SplitRanges(text, 10, 14));
    }

    [Fact]
    public void Markdown_headings_and_titles_ending_in_a_quote_stay_with_their_text()
    {
        const string text = "## 抢抓先机蓝图，赢在“起跑线”\n\n在首届苏州全球招商大会上。\n一路向“新”\n正文。";
        Assert.Equal([(0, 32), (33, 43)], SplitRanges(text, 1, 100));
    }

    [Fact]
    public void A_closing_quote_after_a_sentence_end_ends_the_paragraph()
    {
        Assert.Equal([(0, 7), (8, 12)], SplitRanges("他说：“好。”\n下一段。", 1, 100));
        Assert.Equal([(0, 7), (8, 12)], SplitRanges("他说:\"好。\"\n下一段。", 1, 100));
    }

    [Fact]
    public void A_line_of_punctuation_stays_with_the_paragraph_before_it()
    {
        Assert.Equal([(0, 5), (6, 8)], SplitRanges("甲。\n……\n乙。", 1, 100));
        // A dash does not end a sentence, so what follows continues the same paragraph.
        Assert.Equal([(0, 8)], SplitRanges("甲。\n——\n乙。", 1, 100));
        // Punctuation before any content goes with the content after it.
        Assert.Equal([(0, 5)], SplitRanges("。\n\n甲。", 1, 100));
    }

    [Fact]
    public void A_poem_of_eight_short_lines_is_one_passage()
    {
        const string poem = "床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。\n春眠不觉晓，\n处处闻啼鸟。\n夜来风雨声，\n花落知多少。\n";
        Assert.Equal([(0, 55)], Ranges(PassageSplitter.Split(poem)));
        // With a small target the couplets merge until a passage reaches it.
        Assert.Equal([(0, 27), (28, 55)], SplitRanges(poem, 20, 40));
        // Never past the maximum: two couplets (27) do not fit in 20.
        Assert.Equal([(0, 13), (14, 27), (28, 41), (42, 55)], SplitRanges(poem, 20, 20));
    }

    [Fact]
    public void A_short_last_paragraph_joins_the_passage_before_it()
    {
        const string text = "一二三四五六七八九十一二。\n\n好。";
        Assert.Equal([(0, 17)], SplitRanges(text, 10, 30));
        Assert.Equal([(0, 13), (15, 17)], SplitRanges(text, 10, 16)); // unless it does not fit
    }

    [Fact]
    public void An_overlong_paragraph_is_cut_at_sentence_ends()
    {
        const string text = "一二三四五。甲乙丙丁戊！子丑寅卯辰？天地玄黄宇。金木水火土。";
        // Sentences of 6: packed to the target of 10 (12), the short rest joins the last piece.
        Assert.Equal([(0, 12), (12, 30)], SplitRanges(text, 10, 20));
        Assert.Equal([(0, 6), (6, 12), (12, 18), (18, 24), (24, 30)], SplitRanges(text, 1, 20));
    }

    [Fact]
    public void An_overlong_sentence_is_cut_at_semicolons_then_commas()
    {
        const string semicolons = "甲乙丙丁戊己庚辛；子丑寅卯辰巳午未；天地玄黄宇宙洪荒。";
        Assert.Equal([(0, 9), (9, 18), (18, 27)], SplitRanges(semicolons, 1, 20));

        const string commas = "甲乙丙丁戊，己庚辛壬癸，子丑寅卯辰，巳午未申酉";
        Assert.Equal([(0, 12), (12, 23)], SplitRanges(commas, 10, 12));
    }

    [Fact]
    public void An_overlong_sentence_without_punctuation_is_cut_at_spaces_then_anywhere()
    {
        const string english = "The quick brown fox jumps over the lazy dog";
        Assert.Equal([(0, 15), (16, 30), (31, 43)], SplitRanges(english, 10, 15));

        string han = string.Concat(Enumerable.Repeat("人工智能产业", 8))[..45];
        Assert.Equal([(0, 20), (20, 40), (40, 45)], SplitRanges(han, 1, 20));
    }

    [Fact]
    public void Points_inside_numbers_are_not_sentence_ends()
    {
        const string text = "总量2.67万亿元。增长6.5%。";
        Assert.Equal([(0, 10), (10, 17)], SplitRanges(text, 1, 10));
    }

    [Fact]
    public void Crlf_and_cr_line_endings_are_trimmed_off()
    {
        const string text = "第一段。\r\n\r\n第二段\r\n继续。\r\n";
        Assert.Equal([(0, 4), (8, 16)], SplitRanges(text, 1, 100));
        Assert.Equal([(0, 2), (3, 5)], SplitRanges("甲。\r乙。", 1, 100));
    }

    [Fact]
    public void Full_width_space_indentation_is_trimmed_off()
    {
        const string text = "\u3000\u3000第一段。\n\u3000\u3000第二段，\n\u3000\u3000接着写。\u3000\n";
        Assert.Equal([(2, 6), (9, 20)], SplitRanges(text, 1, 100));
        Assert.Equal("第二段，\n\u3000\u3000接着写。", text[9..20]);
    }

    [Fact]
    public void A_surrogate_pair_is_never_split()
    {
        string text = string.Concat(Enumerable.Repeat("𠀀", 15)); // 30 units, CJK extension B
        Assert.Equal([(0, 4), (4, 8), (8, 12), (12, 16), (16, 20), (20, 24), (24, 28), (28, 30)], SplitRanges(text, 1, 5));

        string mixed = "a" + text; // pairs now start at odd offsets
        var ranges = SplitRanges(mixed, 1, 4);
        Assert.Equal((0, 3), ranges[0]);
        Assert.All(ranges.Skip(1), r => Assert.True((r.Item1 - 1) % 2 == 0 && (r.Item2 - 1) % 2 == 0, r.ToString()));
        AssertInvariants(mixed, PassageSplitter.Split(mixed, 1, 4), 1, 4);
    }

    [Fact]
    public void Supplementary_ideographs_are_content()
    {
        Assert.Equal([(0, 5)], SplitRanges("𠀀𠀁。", 1, 10));
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => PassageSplitter.Split(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => PassageSplitter.Split("甲", 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => PassageSplitter.Split("甲", 20, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => PassageSplitter.Split("甲", 1, 1));
    }

    // ---- the seed articles ----

    public static TheoryData<string, int, int> SeedCases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string file in TestPaths.SeedArticles)
            foreach ((int target, int max) in new[] { (300, 600), (100, 200), (20, 40), (1, 2) })
                data.Add(Path.GetFileName(file), target, max);
        return data;
    }

    [Theory]
    [MemberData(nameof(SeedCases))]
    public void Seed_articles_keep_the_invariants(string file, int target, int max)
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.Corpus, file));
        var passages = PassageSplitter.Split(text, target, max);
        Assert.NotEmpty(passages);
        AssertInvariants(text, passages, target, max);
    }

    [Fact]
    public void Seed_articles_split_at_paragraph_ends_with_the_defaults()
    {
        Assert.NotEmpty(TestPaths.SeedArticles);
        foreach (string file in TestPaths.SeedArticles)
        {
            string text = File.ReadAllText(file);
            var passages = PassageSplitter.Split(text);
            Assert.True(passages.Count >= 5, file);
            foreach (Passage p in passages)
            {
                // Every passage begins a line; every one but the last ends a sentence.
                Assert.True(text[..p.Start].TrimEnd(' ', '\u3000', '\t').Length is var n && (n == 0 || text[n - 1] is '\n' or '\r'), $"{file} {p}");
                if (p != passages[^1])
                    Assert.Matches(@"[。！？!?…][”’」』""')）]*$", text[p.Start..p.End]);
            }
        }
    }

    [Theory]
    [InlineData("003_50eb1480be7b79c3.txt", "人工智能产业创新", "高地。此次规划")]   // sentence broken across a blank line
    [InlineData("004_c6996910d4f2c89e.txt", "产业发展提供实", "际的应用场景和支持")]
    [InlineData("004_c6996910d4f2c89e.txt", "要形成 AI 与本", "地制造业融合的产业集群")]
    [InlineData("003_50eb1480be7b79c3.txt", "## 抢抓先机蓝图", "在首届苏州全球招商大会上")] // heading and its paragraph
    [InlineData("000_a64fa134920c1ffb.txt", "3、政策、協同與企業的三重奏", "蘇州人工智能的獨特性")]
    [InlineData("002_169a7ff4d43bd4dc.txt", "蓄势下一个万亿", "为何苏州如此强调人工智能产业")]
    public void Seed_articles_keep_together_what_belongs_together(string file, string first, string second)
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.Corpus, file));
        int a = text.IndexOf(first, StringComparison.Ordinal), b = text.IndexOf(second, StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a);
        var passages = PassageSplitter.Split(text);
        Assert.Contains(passages, p => p.Start <= a && b + second.Length <= p.End);
    }

    // ---- random input ----

    private static readonly string[] Alphabet =
    [
        "苏", "州", "人", "工", "智", "能", "產", "業", "a", "Z", "7", "2.67", "1,000", "AI",
        "。", "！", "？", "!", "?", ".", "…", "……", "；", ";", "，", ",", "、", "：", ":",
        "“", "”", "「", "」", "\"", "'", "）", "(", "——", "*", "¥", "+",
        " ", "  ", "\u3000", "\u3000\u3000", "\t", "\u00A0",
        "\n", "\n", "\n\n", "\r\n", "\r", "\u2029", "\f",
        "\uD800", "\uDC00", "\uDBFF", "𠀀", "😀", "\uFEFF",
    ];

    [Fact]
    public void Random_text_keeps_the_invariants_and_never_throws()
    {
        var random = new Random(20240607);
        for (int round = 0; round < 2000; round++)
        {
            var sb = new StringBuilder();
            int pieces = random.Next(0, round % 10 == 0 ? 2000 : 200);
            // Some rounds lean on one kind of character, to get long runs of it.
            string? favourite = random.Next(4) == 0 ? Alphabet[random.Next(Alphabet.Length)] : null;
            for (int i = 0; i < pieces; i++)
                sb.Append(favourite is not null && random.Next(2) == 0 ? favourite : Alphabet[random.Next(Alphabet.Length)]);
            string text = sb.ToString();

            int target = random.Next(1, 120);
            int max = Math.Max(2, target + random.Next(0, 120));
            if (round % 5 == 0) (target, max) = (PassageSplitter.DefaultTargetLength, PassageSplitter.DefaultMaxLength);

            IReadOnlyList<Passage> passages;
            try { passages = PassageSplitter.Split(text, target, max); }
            catch (Exception e) { throw new InvalidOperationException($"round {round}: {Escape(text)} ({target}, {max})", e); }
            try { AssertInvariants(text, passages, target, max); }
            catch (Exception e) { throw new InvalidOperationException($"round {round}: {Escape(text)} ({target}, {max})", e); }
        }
    }

    // ---- speed ----

    [Fact]
    public void Fifty_megabytes_are_split()
    {
        // 25 M UTF-16 units = 50 MB, made of the seeds (real paragraphs, PDF breaks and all).
        string seeds = string.Join("\n\n", TestPaths.SeedArticles.Select(File.ReadAllText));
        var sb = new StringBuilder(25_000_000 + seeds.Length);
        while (sb.Length < 25_000_000) sb.Append(seeds).Append("\n\n");
        string text = sb.ToString();

        var passages = PassageSplitter.Split(text);
        Assert.True(passages.Count > 50_000);
        Assert.All(passages, p => Assert.True(p.Length <= PassageSplitter.DefaultMaxLength));
    }

    [Theory]
    [InlineData("人", 4_000_000)]          // one line, no punctuation, no spaces: cut anywhere
    [InlineData("人 ", 2_000_000)]         // spaces only
    [InlineData("。", 4_000_000)]          // punctuation only
    [InlineData("人。", 2_000_000)]        // tiny sentences
    [InlineData("人\n", 2_000_000)]        // tiny lines, none ending a sentence: one huge paragraph
    [InlineData(")\n", 2_000_000)]         // lines of closers only
    [InlineData("人\n\n\n\n", 1_000_000)]
    [InlineData("𠀀", 2_000_000)]
    public void Pathological_input_is_split_within_the_maximum(string unit, int count)
    {
        string text = "甲" + string.Concat(Enumerable.Repeat(unit, count)) + "\n乙。";
        var passages = PassageSplitter.Split(text);
        Assert.NotEmpty(passages);
        Assert.All(passages, p => Assert.True(p.Length <= PassageSplitter.DefaultMaxLength));
    }

    // ---- the invariants ----

    private static bool IsContent(string text, int i, out int width)
    {
        width = 1;
        if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) width = 2;
        else if (char.IsSurrogate(text[i])) return false;
        return Rune.GetUnicodeCategory(Rune.GetRuneAt(text, i)) is
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.CurrencySymbol or UnicodeCategory.OtherSymbol;
    }

    private static bool HasContent(string text, int start, int end)
    {
        for (int i = start; i < end;)
        {
            if (IsContent(text, i, out int width) && i + width <= end) return true;
            i += width;
        }
        return false;
    }

    private static void AssertInvariants(string text, IReadOnlyList<Passage> passages, int target, int max)
    {
        if (!HasContent(text, 0, text.Length))
        {
            Assert.Empty(passages);
            return;
        }

        var covered = new bool[text.Length];
        int previousEnd = 0;
        for (int k = 0; k < passages.Count; k++)
        {
            Passage p = passages[k];
            Assert.True(p.Start >= previousEnd, $"{p} overlaps or comes before the passage before it");
            Assert.True(p.Start < p.End && p.End <= text.Length, $"{p} is empty or out of range");
            Assert.True(p.Length <= max, $"{p} is longer than {max}");
            Assert.False(char.IsWhiteSpace(text[p.Start]), $"{p} starts with white space");
            Assert.False(char.IsWhiteSpace(text[p.End - 1]), $"{p} ends with white space");
            Assert.False(p.Start > 0 && char.IsLowSurrogate(text[p.Start]) && char.IsHighSurrogate(text[p.Start - 1]), $"{p} starts inside a pair");
            Assert.False(p.End < text.Length && char.IsLowSurrogate(text[p.End]) && char.IsHighSurrogate(text[p.End - 1]), $"{p} ends inside a pair");
            for (int i = p.Start; i < p.End; i++) covered[i] = true;
            previousEnd = p.End;

            // A passage short of the target, or without content, exists only when it fits with neither neighbour.
            if (p.Length < target || !HasContent(text, p.Start, p.End))
            {
                if (k > 0) Assert.True(p.End - passages[k - 1].Start > max, $"{p} could join {passages[k - 1]}");
                if (k + 1 < passages.Count) Assert.True(passages[k + 1].End - p.Start > max, $"{p} could join {passages[k + 1]}");
            }
        }
        for (int i = 0; i < text.Length; i++)
            if (!char.IsWhiteSpace(text[i])) Assert.True(covered[i], $"character {i} (U+{(int)text[i]:X4}) is in no passage");
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (char c in s.Length > 400 ? s[..400] : s)
            sb.Append(c < 0x20 || char.IsSurrogate(c) || c == '\u3000' ? $"\\u{(int)c:X4}" : c.ToString());
        return sb.ToString();
    }
}
