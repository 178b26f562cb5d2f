using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Index;
using SourceSearch.Tests.Text;
using SourceSearch.Text;

namespace SourceSearch.Tests.Search;

[Collection(AnalysisCollection.Name)]
public sealed class SnippetWindowTests(AnalysisFixture fx)
{
    private (int From, int To) Choose(string text, int length, params (int, int)[] spans) =>
        SnippetWindow.Choose(text, 0, text.Length, spans, length, SnippetWindow.WordBoundaries(fx.Analyzer, text, Script.Simplified));

    [Fact]
    public void A_short_passage_is_shown_whole()
    {
        const string text = "苏州的人工智能产业发展很快。";
        Assert.Equal((0, text.Length), Choose(text, 120));
    }

    [Fact]
    public void The_window_starts_at_the_sentence_that_holds_the_highlight()
    {
        const string text = "前一句讲的是别的事情，和这里没有关系。苏州工业园区的新型智库在二〇二四年成立，吸引了很多研究人员，后面还有很长很长的一段文字用来把窗口撑满。";
        int at = text.IndexOf("新型智库", StringComparison.Ordinal);
        var (from, to) = Choose(text, 30, (at, at + 4));
        Assert.Equal(text.IndexOf("苏州工业园区", StringComparison.Ordinal), from);
        Assert.True(to < text.Length);
        Assert.True(from <= at && at + 4 <= to);
    }

    [Fact]
    public void Without_punctuation_near_a_cut_falls_between_words_not_inside_one()
    {
        // No punctuation at all: every cut must fall between the segmenter's words.
        const string text = "我们研究人工智能产业发展情况并且分析新型智库建设经验以及城市创新能力提升路径和人才培养机制改革方向与政策建议内容";
        int at = text.IndexOf("新型智库", StringComparison.Ordinal);
        var words = fx.Analyzer.Analyze(text, Script.Simplified).Where(t => t.Type == TokenType.Word && !t.IsPart).ToList();
        for (int length = 12; length <= 30; length += 3)
        {
            var (from, to) = Choose(text, length, (at, at + 4));
            Assert.DoesNotContain(words, w => w.Start < from && from < w.End);
            Assert.DoesNotContain(words, w => w.Start < to && to < w.End);
            Assert.True(from <= at && at + 4 <= to, $"the highlight is outside [{from},{to}) at length {length}");
        }
    }

    [Fact]
    public void A_highlight_at_the_edge_is_never_cut()
    {
        const string text = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十，苏州大学人工智能研究院在这里";
        int first = text.IndexOf("苏州大学", StringComparison.Ordinal);
        int second = text.IndexOf("人工智能研究院", StringComparison.Ordinal);
        // A window of 8 from the first highlight would end inside the second.
        var (from, to) = Choose(text, 8, (first, first + 4), (second, second + 7));
        Assert.True(to >= second + 7 || to <= second, $"the window [{from},{to}) cuts the highlight at [{second},{second + 7})");
        Assert.True(from <= first);
    }

    [Fact]
    public void Latin_words_are_not_cut()
    {
        string text = string.Join(' ', Enumerable.Repeat("deepseek released models", 12)) + " with 苏州 partners";
        int at = text.IndexOf("苏州", StringComparison.Ordinal);
        var (from, to) = Choose(text, 40, (at, at + 2));
        Assert.True(from == 0 || text[from - 1] == ' ', $"starts inside a word: '{text[from..]}'");
        Assert.True(to == text.Length || !char.IsLetter(text[to]) || !char.IsLetter(text[to - 1]), $"ends inside a word: '{text[..to]}'");
    }
}
