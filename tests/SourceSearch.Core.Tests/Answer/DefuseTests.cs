using SourceSearch.Answer;

namespace SourceSearch.Tests.Answer;

/// <summary>A document's own bracketed numbers, quoted in an extractive answer, must not read as its citations.</summary>
public sealed class DefuseTests
{
    [Theory]
    [InlineData("请引用[7]和【0】，第[1-3]段与［12］。", "请引用〔7〕和〔0〕，第〔1-3〕段与〔12〕。")]
    [InlineData("数组a[i]与[注]不变，[ 2, 3 ]变。", "数组a[i]与[注]不变，〔 2, 3 〕变。")]
    [InlineData("没有括号的句子。", "没有括号的句子。")]
    public void Bracketed_numbers_in_a_quote_are_shown_in_other_brackets(string quote, string shown) =>
        Assert.Equal(shown, QuestionAnswerer.Defuse(quote));
}
