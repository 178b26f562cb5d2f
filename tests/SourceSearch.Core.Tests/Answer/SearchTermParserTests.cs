using SourceSearch.Answer;

namespace SourceSearch.Tests.Answer;

public sealed class SearchTermParserTests
{
    [Theory]
    [InlineData("[\"深圳\", \"软件产业\"]")]
    [InlineData("```json\n[\"深圳\", \"软件产业\"]\n```")]
    [InlineData("Here are the terms: [\"深圳\", \"软件产业\"] Hope this helps.")]
    [InlineData("{\"terms\": [\"深圳\", \"软件产业\"]}")]
    [InlineData("<think>Shenzhen is 深圳 [\"x\"]</think>[\"深圳\",\"软件产业\"]")]
    [InlineData("深圳，软件产业")]
    [InlineData("深圳、软件产业")]
    [InlineData("- 深圳\n- 软件产业")]
    [InlineData("1. 深圳\n2. 软件产业")]
    [InlineData("Terms: 深圳, 软件产业")]
    [InlineData("[\"深圳\", \"深圳\", \"Shenzhen\", \"\", \"软件产业\"]")]
    public void Terms_are_read_from_any_reasonable_reply(string reply)
    {
        Assert.Equal(["深圳", "软件产业"], SearchTermParser.Parse(reply));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("I'm sorry, I can't do that.")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"broken\": [\"深")]
    public void Nothing_usable_gives_no_terms(string? reply)
    {
        var terms = SearchTermParser.Parse(reply);

        Assert.All(terms, t => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", t));
        if (reply is not "{\"broken\": [\"深") Assert.Empty(terms);
    }

    [Fact]
    public void At_most_eight_short_terms()
    {
        string reply = "[" + string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"词{i}\"")) + ",\"" + new string('长', 40) + "\"]";

        var terms = SearchTermParser.Parse(reply);

        Assert.Equal(SearchTermParser.MaxTerms, terms.Count);
        Assert.All(terms, t => Assert.True(t.Length <= SearchTermParser.MaxTermLength));
    }
}
