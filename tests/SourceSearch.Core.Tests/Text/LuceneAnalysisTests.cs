using SourceSearch.Text;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Tests.Text;

/// <summary>The chain as Lucene stages: char filters with offset correction, the tokenizer's positions, de-duplication, SmartCn.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class LuceneAnalysisTests(AnalysisFixture fx)
{
    internal static List<(string Term, string Type, int Start, int End, int Position)> Read(Lucene.Net.Analysis.Analyzer analyzer, string text) =>
        [.. AnalyzedToken.Read(analyzer, text).Select(t => (t.Term, t.Type, t.Start, t.End, t.Position))];

    private ChainAnalyzer Words(bool traditional = false) => new(fx.Analyzer, TokenizerKind.Words, traditional);

    [Fact]
    public void Char_filters_correct_offsets_back_to_the_original()
    {
        // NFKC (ＧＰＴ４ → gpt4), script (蘇州 → 苏州) and numerals (九百亿 → 900亿, a length change).
        const string text = "ＧＰＴ４在蘇州融资九百亿元";
        var tokens = Read(Words(), text);
        Assert.Contains(("gpt4", "latin", 0, 4), tokens.Select(t => (t.Term, t.Type, t.Start, t.End)));
        Assert.Contains(("苏州", "word", 5, 7), tokens.Select(t => (t.Term, t.Type, t.Start, t.End)));
        var number = Assert.Single(tokens, t => t.Term == "900");
        Assert.Equal("九百", text[number.Start..number.End]);
        // What follows the length change is not shifted.
        Assert.All(tokens.Where(t => t.Term.StartsWith('亿')), t => Assert.Equal(t.Term, text[t.Start..t.End]));
        Assert.Contains(tokens, t => t.Term.StartsWith('亿'));
    }

    [Fact]
    public void Gives_the_tokens_of_the_chain_on_every_seed_article()
    {
        foreach (var path in TestPaths.SeedArticles)
        {
            string text = File.ReadAllText(path);
            var script = fx.Analyzer.DetectScript(text);
            var expected = fx.Analyzer.Analyze(text, script).Select(t => (t.Term, Token.TypeName(t.Type), t.Start, t.End)).ToHashSet();
            var lucene = Read(Words(script == Script.Traditional), text);
            var got = lucene.Select(t => (t.Term, t.Type, t.Start, t.End)).ToHashSet();
            // De-duplication drops a bigram equal to the word at its place: every token the chain gives is there by term and span.
            var missing = expected.Where(e => !got.Contains(e) && !(e.Item2 == "bigram" && got.Contains((e.Term, "word", e.Start, e.End)))).ToList();
            Assert.True(missing.Count == 0, $"{Path.GetFileName(path)}: missing {string.Join(", ", missing.Take(10))}");
            Assert.Subset(expected, got);
            // Positions never go back, and the same term is never twice at one position.
            Assert.True(lucene.Zip(lucene.Skip(1)).All(p => p.Second.Position >= p.First.Position));
            Assert.Equal(lucene.Count, lucene.Select(t => (t.Term, t.Position)).Distinct().Count());
        }
    }

    [Fact]
    public void Grams_are_consecutive_positions_and_words_stack_over_them()
    {
        var tokens = Read(Words(), "人工智能产业");
        // Each gram at its first character's position (a gram that is also the word there is kept once, as the word).
        string[] grams = ["人工", "工智", "智能", "能产", "产业"];
        for (int i = 0; i < grams.Length; i++) Assert.Contains(tokens, t => t.Term == grams[i] && t.Position == i);
        Assert.Equal(0, Assert.Single(tokens, t => t.Term == "人工智能").Position);
        Assert.Equal(2, Assert.Single(tokens, t => t.Term == "智能" && t.Type == "word").Position);
        // 人工 is both a word and the gram there: once.
        Assert.Single(tokens, t => t.Term == "人工");
    }

    [Fact]
    public void Latin_parts_are_consecutive_positions_with_the_whole_at_the_first()
    {
        var tokens = Read(Words(), "DeepSeek-R1 发布 2.67万亿");
        int P(string term) => tokens.First(t => t.Term == term).Position;
        Assert.Equal(P("deepseek"), P("deepseek-r1"));
        Assert.Equal(P("deepseek") + 1, P("r1"));
        Assert.Equal(P("r1") + 1, P("发布"));
        Assert.Equal(P("发布") + 2, P("2.67"));
    }

    [Fact]
    public void Synonyms_stand_at_the_position_of_the_Traditional_word_only_in_Traditional_mode()
    {
        var traditional = Read(Words(traditional: true), "臺灣的軟體");
        var word = Assert.Single(traditional, t => t.Term == "软体" && t.Type == "word");
        var synonym = Assert.Single(traditional, t => t.Term == "软件");
        Assert.Equal("synonym", synonym.Type);
        Assert.Equal((word.Start, word.End, word.Position), (synonym.Start, synonym.End, synonym.Position));
        Assert.DoesNotContain(Read(Words(traditional: false), "臺灣的軟體"), t => t.Type == "synonym");
    }

    [Fact]
    public void SmartCn_tokenizes_behind_the_same_folding_with_offsets_into_the_original()
    {
        const string text = "蘇州的記憶體產業，發展很快。ＡＩ";
        var tokens = Read(new ChainAnalyzer(fx.Analyzer, TokenizerKind.SmartCn, traditional: true), text);
        Assert.NotEmpty(tokens);
        Assert.Contains(tokens, t => t.Term == "苏州" && text[t.Start..t.End] == "蘇州");
        Assert.DoesNotContain(tokens, t => t.Term is "，" or "。" or ",");
        foreach (var t in tokens)
            Assert.Equal(t.Term, fx.Analyzer.FoldToString(text[t.Start..t.End]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \u3000 ")]
    [InlineData("，。！？")]
    [InlineData("😀𠀀𪚥 \uD800 字")]
    public void Odd_input_gives_sound_tokens(string text)
    {
        foreach (var kind in new[] { TokenizerKind.Words, TokenizerKind.SmartCn })
            foreach (var t in Read(new ChainAnalyzer(fx.Analyzer, kind, traditional: false), text))
            {
                Assert.InRange(t.Start, 0, text.Length);
                Assert.InRange(t.End, t.Start, text.Length);
                Assert.NotEmpty(t.Term);
            }
    }

    [Theory]
    [InlineData("words", TokenizerKind.Words)]
    [InlineData("SmartCn", TokenizerKind.SmartCn)]
    public void Parses_tokenizer_names(string name, TokenizerKind expected)
    {
        Assert.True(TokenizerKinds.TryParse(name, out var kind));
        Assert.Equal(expected, kind);
        Assert.False(TokenizerKinds.TryParse("jieba", out _));
        Assert.False(TokenizerKinds.TryParse(null, out _));
    }
}
