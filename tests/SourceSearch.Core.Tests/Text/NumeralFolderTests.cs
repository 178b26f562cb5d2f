using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

public sealed class NumeralFolderTests
{
    private static string Fold(string s) => NumeralFolder.Fold(MappedText.Identity(s)).Text;

    [Theory]
    [InlineData("九百亿", "900亿")]
    [InlineData("二〇二四年", "2024年")]
    [InlineData("一九九七年", "1997年")]
    [InlineData("三万五千人", "35000人")]
    [InlineData("一亿两千万", "120000000")]
    [InlineData("一千零一夜", "1001夜")]
    [InlineData("第十六届", "第16届")]
    [InlineData("两百个", "200个")]
    [InlineData("五万亿", "5万亿")]
    [InlineData("二十一世纪", "21世纪")]
    public void Writes_numerals_as_digits(string input, string expected) => Assert.Equal(expected, Fold(input));

    [Theory]
    [InlineData("统一")]      // a lone numeral keeps its word
    [InlineData("一些")]
    [InlineData("十分重要")]
    [InlineData("万一")]      // units alone are not a number
    [InlineData("两三个")]    // 两 is no digit in "two or three"
    [InlineData("三四百")]    // an estimate, not a numeral
    [InlineData("没有数字")]
    [InlineData("")]
    public void Leaves_words_that_are_not_numbers(string input) => Assert.Equal(input, Fold(input));

    [Fact]
    public void Offsets_map_digits_back_to_the_numerals()
    {
        var f = NumeralFolder.Fold(MappedText.Identity("在九百亿元和二〇二四年"));
        Assert.Equal("在900亿元和2024年", f.Text);
        Assert.Equal((1, 3), f.MapSpan(1, 4));   // 900 ← 九百
        Assert.Equal((3, 4), f.MapSpan(4, 5));   // 亿
        Assert.Equal((6, 10), f.MapSpan(7, 11)); // 2024 ← 二〇二四, one to one
        Assert.Equal((7, 8), f.MapSpan(8, 9));   // 0 ← 〇
    }

    [Fact]
    public void Overlong_runs_are_left_alone()
    {
        string run = string.Concat(Enumerable.Repeat("九", 40));
        Assert.Equal(run, Fold(run));
    }
}
