using SourceSearch.Search;
using SourceSearch.Tests.Text;

namespace SourceSearch.Tests.Search;

[Collection(AnalysisCollection.Name)]
public sealed class FoldedPassagesTests(AnalysisFixture fx)
{
    [Fact]
    public void A_passage_is_folded_once_and_folded_anew_when_its_text_changed()
    {
        var cache = new FoldedPassages(fx.Analyzer, capacityChars: 100);
        var first = cache.Fold(1, 0, "蘇州的記憶體");
        Assert.Equal("苏州的记忆体", first.Text);
        Assert.Same(first, cache.Fold(1, 0, "蘇州的記憶體"));
        // The article replaced under the same doc and start: the kept folding is not used for other text.
        var replaced = cache.Fold(1, 0, "臺灣的軟體");
        Assert.Equal("台湾的软体", replaced.Text);
        Assert.Equal((0, 2), replaced.MapSpan(0, 2));
        // Another passage of the same doc, and the title, are entries of their own.
        Assert.Equal("软件", cache.Fold(1, 7, "軟件").Text);
        Assert.Equal("标题", cache.Fold(1, -1, "標題").Text);
    }

    [Fact]
    public void It_never_holds_more_than_its_capacity_and_keys_by_start_and_length()
    {
        var cache = new FoldedPassages(fx.Analyzer, capacityChars: 12); // three entries of three characters (and one each)
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal($"苏州{i}", cache.Fold(i, 0, $"蘇州{i}").Text);
            Assert.InRange(cache.Count, 1, 3);
        }
        // A sentence at a passage's start is an entry of its own, beside the passage.
        var both = new FoldedPassages(fx.Analyzer);
        Assert.Equal("苏州的记忆体", both.Fold(1, 0, "蘇州的記憶體").Text);
        Assert.Equal("苏州", both.Fold(1, 0, "蘇州").Text);
        Assert.Equal(2, both.Count);
    }
}
