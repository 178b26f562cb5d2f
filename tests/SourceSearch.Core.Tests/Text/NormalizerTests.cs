using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

public sealed class NormalizerTests
{
    private static MappedText Normalize(string s) => Normalizer.Normalize(MappedText.Identity(s));

    [Theory]
    [InlineData("ＡＢＣ１２３", "abc123")]        // full-width letters and digits to half-width, lower case
    [InlineData("DeepSeek", "deepseek")]
    [InlineData("a\u3000b\u00A0c\td\ne", "a b c d e")] // every kind of white space to a space
    [InlineData("中文，句號。", "中文,句號。")]      // NFKC: full-width comma to ASCII
    [InlineData("e\u0301", "é")]                   // a cluster composes
    [InlineData("①", "1")]
    [InlineData("\u0007x", " x")]                   // control characters to a space
    [InlineData("中文", "中文")]
    public void Normalizes(string input, string expected) => Assert.Equal(expected, Normalize(input).Text);

    [Fact]
    public void Unchanged_text_is_returned_as_it_is()
    {
        var input = MappedText.Identity("苏州工业园区");
        Assert.Same(input, Normalizer.Normalize(input));
    }

    [Fact]
    public void Lone_surrogates_become_spaces_and_pairs_survive()
    {
        var n = Normalize("a\uD800b\uDC00c𠀀");
        Assert.Equal("a b c𠀀", n.Text);
        Assert.Equal((5, 7), n.MapSpan(5, 7));
    }

    [Fact]
    public void A_surrogate_pair_that_becomes_two_characters_maps_as_a_whole()
    {
        var n = Normalize("🄀a"); // U+1F100 DIGIT ZERO FULL STOP → "0."
        Assert.Equal("0.a", n.Text);
        Assert.Equal((0, 2), n.MapSpan(0, 1));
        Assert.Equal((0, 2), n.MapSpan(1, 2));
        Assert.Equal((2, 3), n.MapSpan(2, 3));
    }

    [Fact]
    public void Offsets_point_into_the_original_when_lengths_change()
    {
        // ㍿ (one unit) expands to 株式会社 (four): all four map back to the one original unit.
        var n = Normalize("x㍿y");
        Assert.Equal("x株式会社y", n.Text);
        Assert.Equal((1, 2), n.MapSpan(1, 5));
        Assert.Equal((1, 2), n.MapSpan(2, 3));
        Assert.Equal((2, 3), n.MapSpan(5, 6));
    }
}
