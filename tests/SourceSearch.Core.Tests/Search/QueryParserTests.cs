using SourceSearch.Search;

namespace SourceSearch.Tests.Search;

public sealed class QueryParserTests
{
    [Fact]
    public void Parses_words_phrases_exclusions_fields_and_or()
    {
        var q = QueryParser.Parse("苏州 \"人工 智能\" -深圳 title:园区 杭州 OR 南京 source:新华社 author:张三 from:2024 to:2025-06");
        Assert.Equal(5, q.Groups.Count);
        Assert.Equal(new QueryClause("苏州", false, ClauseField.Any, false), q.Groups[0][0]);
        Assert.Equal(new QueryClause("人工 智能", true, ClauseField.Any, false), q.Groups[1][0]);
        Assert.True(q.Groups[2][0].Negated);
        Assert.Equal(ClauseField.Title, q.Groups[3][0].Field);
        Assert.Equal(["杭州", "南京"], q.Groups[4].Select(c => c.Text));
        Assert.Equal("新华社", q.Source);
        Assert.Equal("张三", q.Author);
        Assert.Equal("2024", q.From);
        Assert.Equal("2025-06", q.To);
        Assert.Empty(q.Notices);
    }

    [Theory]
    [InlineData("“苏州工业园区”", "苏州工业园区")]
    [InlineData("「苏州」", "苏州")]
    public void Chinese_quotation_marks_make_phrases(string query, string phrase)
    {
        var clause = Assert.Single(Assert.Single(QueryParser.Parse(query).Groups));
        Assert.True(clause.IsPhrase);
        Assert.Equal(phrase, clause.Text);
    }

    [Theory]
    [InlineData("\"open", "not closed")]
    [InlineData("OR 苏州", "before it")]
    [InlineData("苏州 OR", "after it")]
    [InlineData("from:yesterday 苏州", "not a date")]
    [InlineData("title: 苏州", "nothing after it")]
    public void Odd_syntax_becomes_a_notice(string query, string notice)
    {
        var q = QueryParser.Parse(query);
        Assert.Contains(q.Notices, n => n.Text.Contains(notice));
    }

    [Fact]
    public void A_hyphen_inside_a_word_is_not_an_exclusion()
    {
        var clause = Assert.Single(Assert.Single(QueryParser.Parse("DeepSeek-R1").Groups));
        Assert.False(clause.Negated);
        Assert.Equal("DeepSeek-R1", clause.Text);
    }

    [Fact]
    public void Unknown_fields_are_text()
    {
        var clause = Assert.Single(Assert.Single(QueryParser.Parse("http://example").Groups));
        Assert.Equal("http://example", clause.Text);
    }
}
