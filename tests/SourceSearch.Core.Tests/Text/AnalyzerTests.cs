using System.Text;
using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

[Collection(AnalysisCollection.Name)]
public sealed class AnalyzerTests(AnalysisFixture fx)
{
    private Analyzer A => fx.Analyzer;

    private static string Show(IEnumerable<Token> tokens) =>
        string.Join(" ", tokens.Select(t => $"{t.Term}/{Token.TypeName(t.Type)}/{t.Start}-{t.End}"));

    private HashSet<string> Terms(string text, TokenType? type = null) =>
        A.Analyze(text).Where(t => type is null || t.Type == type).Select(t => t.Term).ToHashSet();

    [Fact]
    public void Analyzes_a_Traditional_sentence_to_Simplified_terms_at_original_offsets()
    {
        // Lucene-style: every token's term, type and exact offsets in the original text. Characters are
        // folded one to one (記憶體 → 记忆体, a word never replaced); the mainland word 内存 is a synonym
        // over the same three characters, after the literal tokens that start there.
        var tokens = A.Analyze("蘇州的記憶體");
        Assert.Equal(
            "苏州/word/0-2 苏州/bigram/0-2 州的/bigram/1-3 的/word/2-3 的记/bigram/2-4 记忆体/word/3-6 记忆/word/3-5 " +
            "记忆/bigram/3-5 内存/synonym/3-6 忆体/bigram/4-6",
            Show(tokens));
    }

    [Fact]
    public void Latin_words_and_numbers_are_findable_whole_and_by_parts()
    {
        Assert.Superset(new HashSet<string> { "deepseek-r1", "deepseek", "r1", "r", "1" }, Terms("DeepSeek-R1"));
        Assert.Superset(new HashSet<string> { "671b", "671", "b" }, Terms("671B参数"));
        Assert.Superset(new HashSet<string> { "gpt4", "gpt", "4" }, Terms("GPT4"));
        var money = A.Analyze("2.67万亿");
        Assert.Equal("2.67/number/0-4 万亿/word/4-6 万亿/bigram/4-6", Show(money));
        Assert.Contains("1000000", Terms("1,000,000 元"));
        Assert.Equal(TokenType.Number, A.Analyze("2024").Single().Type);
    }

    [Theory]
    [InlineData("蘇州", "苏州")]
    [InlineData("軟件", "软件")]
    [InlineData("裏", "里")]
    [InlineData("裡", "里")]
    [InlineData("九百亿", "900亿")]
    [InlineData("二〇二四年", "2024年")]
    [InlineData("ＧＰＴ４", "gpt4")]
    public void Equivalent_spellings_give_the_same_terms(string a, string b)
    {
        Assert.Equal(Terms(b), Terms(a));
    }

    [Theory]
    [InlineData("軟體", "软体", "软件")]
    [InlineData("記憶體", "记忆体", "内存")]
    [InlineData("網路", "网路", "网络")]
    [InlineData("資訊", "资讯", "信息")]
    [InlineData("發展人工智慧", "人工智慧", "人工智能")]
    public void Traditional_text_keeps_its_word_and_gets_the_mainland_word_as_a_synonym(string text, string literal, string synonym)
    {
        var tokens = A.Analyze(text);
        var word = Assert.Single(tokens, t => t.Term == literal && t.Type == TokenType.Word);
        var added = Assert.Single(tokens, t => t.Term == synonym);
        Assert.Equal(TokenType.Synonym, added.Type);
        Assert.Equal((word.Start, word.End), (added.Start, added.End)); // at the same place: highlights stay on 軟體
    }

    [Theory]
    [InlineData("核心", "内核")]
    [InlineData("建立", "创建")]
    [InlineData("指標", "指针")]
    [InlineData("資料", "数据")]
    public void Words_common_on_both_sides_are_marked_so_queries_do_not_search_their_synonyms(string word, string tableValue)
    {
        // OpenCC's table maps them (computing senses), but they are everyday words in both regions: text keeps the
        // synonym (weighed less), a query leaves it out (see the searcher).
        var tokens = A.Analyze("臺灣的" + word, Script.Traditional);
        var synonym = Assert.Single(tokens, t => t.Term == tableValue);
        Assert.True(A.Synonyms.IsCommonWord(A.FoldToString(("臺灣的" + word)[synonym.Start..synonym.End])));
        Assert.False(A.Synonyms.IsCommonWord("软体"));
    }

    [Theory]
    [InlineData("核心 指标 智慧 建立 整合 线上 开启")]   // Simplified (no character of one script only): as it is
    [InlineData("软体动物的核心指标")]                  // Simplified: never given Taiwan-to-mainland synonyms
    [InlineData("成效显著，核心企业的指标，智慧城市，建立平台，线上整合")]
    public void Simplified_text_gets_no_synonyms_and_no_word_is_swapped(string text)
    {
        var tokens = A.Analyze(text);
        Assert.DoesNotContain(tokens, t => t.Type == TokenType.Synonym);
        foreach (var swapped in new[] { "内核", "指针", "智能", "创建", "集成", "在线", "打开", "软件" })
            Assert.DoesNotContain(tokens, t => t.Term == swapped);
    }

    [Fact]
    public void Synonyms_are_only_looked_for_on_word_boundaries()
    {
        // 资讯 (Taiwan: 信息) must not be found across 投资|讯号.
        var tokens = A.Analyze("投資訊號的資訊", Script.Traditional);
        var synonyms = tokens.Where(t => t.Type == TokenType.Synonym).ToList();
        Assert.DoesNotContain(synonyms, t => t.Start == 1);
        Assert.Contains(synonyms, t => t.Term == "信息" && (t.Start, t.End) == (5, 7));
    }

    public static TheoryData<string> OddInputs => new()
    {
        "",
        "   \t\n\u3000 ",
        "，。！？、；：“”‘’（）《》【】",
        "😀👍🏽 emoji 表情😀符号",
        "𠀀𠀁𪚥 Extension B 字𠀀中",
        "\uD800\uDC00\uDBFF", // a pair, then a lone high surrogate at the end
        "\uDC00开头的低代理",
        "a\0b\u0001c\u200Bd\uFEFF",
        "مرحبا Привет こんにちは 안녕하세요",
        "C++ and C# and .NET 3.5 -- 1,00 1,000, a-b-",
        "AT&T B超 T恤 ５０％",
    };

    [Theory]
    [MemberData(nameof(OddInputs))]
    public void Odd_input_gives_tokens_within_the_text_in_order(string text)
    {
        var tokens = A.Analyze(text);
        AssertWellFormed(text, tokens);
    }

    [Fact]
    public void Whitespace_and_punctuation_give_no_tokens()
    {
        Assert.Empty(A.Analyze(""));
        Assert.Empty(A.Analyze(" \u3000\u00A0\t\n"));
        Assert.Empty(A.Analyze("，。！？"));
    }

    [Fact]
    public void Extension_B_characters_are_words_of_their_own_and_kept_whole()
    {
        var tokens = A.Analyze("中𠀀文");
        Assert.Contains(tokens, t => t is { Term: "𠀀", Type: TokenType.Word, Start: 1, End: 3 });
        Assert.Contains(tokens, t => t is { Term: "中𠀀", Type: TokenType.Bigram, Start: 0, End: 3 });
    }

    [Fact]
    public void A_ten_megabyte_input_is_analysed()
    {
        string seed = File.ReadAllText(TestPaths.TraditionalSeed);
        var sb = new StringBuilder();
        while (sb.Length < 10_000_000 / 3) sb.Append(seed); // ~10 MB as UTF-8
        string text = sb.ToString();
        var tokens = A.Analyze(text);
        AssertWellFormed(text, tokens);
        Assert.True(tokens.Count > text.Length / 2);
    }

    [Fact]
    public void Every_word_of_every_seed_article_folds_back_from_its_original_span()
    {
        // The property highlighting relies on: the original text at a token's offsets IS that token.
        foreach (var path in TestPaths.SeedArticles)
        {
            string text = File.ReadAllText(path);
            var tokens = A.Analyze(text);
            AssertWellFormed(text, tokens);
            Assert.NotEmpty(tokens);
            foreach (var t in tokens)
            {
                string folded = A.FoldToString(text[t.Start..t.End]);
                // Words fold back exactly. A gram or part may cut a phrase that folding replaced as
                // a whole (核心 → 内核), so its span is the whole phrase, whose folding contains it.
                // Folding depends on context for a few characters (著 stays in 顯著, becomes 着 alone;
                // a lone numeral is a number before its unit: 百万 → 100万), so those get two
                // characters of context each side.
                string inContext = A.FoldToString(text[Math.Max(0, t.Start - 2)..Math.Min(text.Length, t.End + 2)]);
                // A word of numerals is read as part of its whole run (十五五 is no number, 十五 is).
                bool numerals = t.Term.All(c => "〇零一二两三四五六七八九十百千万亿".Contains(c));
                if (t.Type == TokenType.Synonym)
                {
                    // A synonym spans the Taiwan word it was added over.
                    Assert.Contains(t.Term, A.Synonyms.Of(folded));
                    continue;
                }
                bool ok = t.Type == TokenType.Word && !t.IsPart && !numerals
                    ? folded == t.Term
                    : folded.Contains(t.Term, StringComparison.Ordinal) || inContext.Contains(t.Term, StringComparison.Ordinal);
                Assert.True(ok, $"{Path.GetFileName(path)} {t.Start}-{t.End} {t.Type}: '{text[t.Start..t.End]}' folds to '{folded}', not '{t.Term}'");
            }
        }
    }

    [Fact]
    public void Random_text_never_throws_and_keeps_offsets_sound()
    {
        var random = new Random(20261122);
        string[] pool = ["苏", "州", "蘇", "記憶體", "軟體", "九", "百", "亿", "〇", "二", "a", "Z", "7", ".", "-", ",", " ",
            "\u3000", "，", "😀", "𠀀", "\uD800", "\uDC00", "\0", "\n", "é", "e\u0301", "ｆ", "１", "万", "十", "两", "#", "&"];
        for (int round = 0; round < 2000; round++)
        {
            var sb = new StringBuilder();
            int n = random.Next(0, 40);
            for (int k = 0; k < n; k++) sb.Append(pool[random.Next(pool.Length)]);
            string text = sb.ToString();
            AssertWellFormed(text, A.Analyze(text));
        }
    }

    [Fact]
    public void Fingerprint_names_every_input_of_the_analysis()
    {
        string f = A.Fingerprint;
        Assert.Contains("analyzer=" + Analyzer.Version, f);
        Assert.Contains("opencc=1.1", f);
        Assert.Matches("dict=[0-9a-f]{16}", f);
        Assert.Matches("userdict=[0-9a-f]{16}", f);
        Assert.NotEqual(fx.Plain.Fingerprint, f); // a different user dictionary is a different analysis
    }

    private static void AssertWellFormed(string text, List<Token> tokens)
    {
        int last = 0;
        foreach (var t in tokens)
        {
            Assert.InRange(t.Start, 0, text.Length);
            Assert.InRange(t.End, t.Start + 1, text.Length);
            Assert.True(t.Start >= last, $"token {t.Term} at {t.Start} after one at {last}");
            last = t.Start;
            Assert.False(string.IsNullOrWhiteSpace(t.Term));
            // Never half a surrogate pair.
            Assert.False(char.IsLowSurrogate(text[t.Start]) && t.Start > 0 && char.IsHighSurrogate(text[t.Start - 1]));
            Assert.False(char.IsHighSurrogate(text[t.End - 1]) && t.End < text.Length && char.IsLowSurrogate(text[t.End]));
        }
    }
}

/// <summary>Highlights analyse only the stretches that can hold a term: the tokens must be exactly those of the whole analysis.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class TokensOfTests(AnalysisFixture fx)
{
    private Analyzer A => fx.Analyzer;

    public static TheoryData<string, Script, string> Cases => new()
    {
        { "本文编号 zqabc。苏州的人工智能产业，2024年营业收入900亿元。", Script.Simplified, "zqabc" },
        { "本文编号 zqabc。苏州的人工智能产业，2024年营业收入900亿元。", Script.Simplified, "苏 2024 人工智能 工智" },
        { "DeepSeek-R1 与 GPT4：两个模型，1,000,000 个参数。", Script.Simplified, "r1 gpt 1000000 模型 个" },
        { "蘇州的記憶體與軟體，臺灣的資料。", Script.Traditional, "内存 软件 苏州" },
        { "蘇州的記憶體與軟體，臺灣的資料。", Script.Traditional, "数据" },
        { "蘇州的記憶體與軟體，臺灣的資料。", Script.Traditional, "abc 的" },
        { "二〇二四年，思必驰落户苏州。", Script.Simplified, "2024 年 落户" },
        { "", Script.Simplified, "苏州" },
        { "苏州", Script.Simplified, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gives_exactly_the_terms_tokens_of_the_whole_analysis(string text, Script script, string termList)
    {
        var terms = termList.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var expected = A.Analyze(text, script).Where(t => terms.Contains(t.Term)).Select(t => (t.Term, t.Type, t.Start, t.End)).Order().ToList();
        var actual = A.TokensOf(text, script, terms).Select(t => (t.Term, t.Type, t.Start, t.End)).Order().ToList();
        Assert.Equal(expected, actual);
        if (termList.Length > 0 && text.Length > 0) Assert.NotEmpty(actual); // each case has something to find
    }

    [Fact]
    public void Gives_exactly_the_terms_tokens_of_the_whole_analysis_over_the_seed_articles()
    {
        // Queries of one to four characters taken from the passages themselves (both scripts, PDF mess, Latin, numbers).
        var random = new Random(11);
        int compared = 0, found = 0;
        foreach (var seed in SourceSearch.Tests.Index.SearchIndexTests.Seeds())
        {
            var script = A.DetectScript(seed.Text);
            foreach (var p in SourceSearch.Index.PassageSplitter.Split(seed.Text).Take(15))
            {
                string passage = seed.Text[p.Start..p.End];
                for (int k = 0; k < 6; k++)
                {
                    int at = random.Next(passage.Length);
                    string query = passage.Substring(at, Math.Min(random.Next(1, 5), passage.Length - at));
                    var terms = A.Analyze(query).Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
                    var expected = A.Analyze(passage, script).Where(t => terms.Contains(t.Term)).Select(t => (t.Term, t.Type, t.Start, t.End)).Order().ToList();
                    var actual = A.TokensOf(passage, script, terms).Select(t => (t.Term, t.Type, t.Start, t.End)).Order().ToList();
                    Assert.Equal(expected, actual);
                    compared++;
                    if (expected.Count > 0) found++;
                }
            }
        }
        Assert.True(compared > 200 && found > 150, $"{compared} compared, {found} with tokens");
    }
}
