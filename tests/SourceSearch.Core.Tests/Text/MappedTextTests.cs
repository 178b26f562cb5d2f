using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

/// <summary>The builder makes nothing while its output is the input's own beginning; every other case maps each unit back.</summary>
public sealed class MappedTextTests
{
    private static string Map(MappedText m) => string.Join(" ", Enumerable.Range(0, m.Text.Length).Select(i => $"{m.StartOf(i)}-{m.EndOf(i)}"));

    [Fact]
    public void Unchanged_output_is_the_input_itself()
    {
        var input = MappedText.Identity("苏州市");
        var b = new MappedText.Builder(input);
        b.AppendSame(0, 2);
        b.AppendSame(2, 3);
        Assert.Same(input, b.Build());
    }

    [Fact]
    public void A_replacement_after_an_unchanged_beginning_keeps_the_beginning_s_map()
    {
        var b = new MappedText.Builder(MappedText.Identity("ab蘇州"));
        b.AppendSame(0, 2);
        b.AppendReplacement('苏', 2, 3);
        b.AppendSame(3, 4);
        var m = b.Build();
        Assert.Equal("ab苏州", m.Text);
        Assert.Equal("0-1 1-2 2-3 3-4", Map(m));
    }

    [Fact]
    public void A_skipped_or_shortened_input_is_mapped_not_returned()
    {
        var input = MappedText.Identity("a b c");
        var skip = new MappedText.Builder(input);
        skip.AppendSame(0, 1);
        skip.AppendSame(2, 3); // a space left out
        skip.AppendSame(4, 5);
        var m = skip.Build();
        Assert.Equal("abc", m.Text);
        Assert.Equal("0-1 2-3 4-5", Map(m));

        var cut = new MappedText.Builder(input);
        cut.AppendSame(0, 3);
        var prefix = cut.Build();
        Assert.NotSame(input, prefix);
        Assert.Equal("a b", prefix.Text);
        Assert.Equal((0, 3), prefix.MapSpan(0, 3));
    }

    [Fact]
    public void A_phrase_replaced_by_a_longer_one_maps_every_unit_to_the_whole_span_and_stages_compose()
    {
        var first = new MappedText.Builder(MappedText.Identity("x核心y"));
        first.AppendSame(0, 1);
        first.AppendReplacement("内核心", 1, 3, unitToUnit: false);
        first.AppendSame(3, 4);
        var one = first.Build();
        Assert.Equal("x内核心y", one.Text);
        Assert.Equal("0-1 1-3 1-3 1-3 3-4", Map(one));
        // A second stage over the first maps to the original, through the first's map.
        var second = new MappedText.Builder(one);
        second.AppendSame(0, 4);
        second.AppendReplacement('Y', 4, 5);
        var two = second.Build();
        Assert.Equal("x内核心Y", two.Text);
        Assert.Equal("0-1 1-3 1-3 1-3 3-4", Map(two));
        Assert.Equal((1, 3), two.MapSpan(1, 4));
    }
}
