using SourceSearch.Answer;

namespace SourceSearch.Tests.Answer;

public sealed class CitationCheckerTests
{
    private static LlmAnswer Check(string reply, int passages = 3) => CitationChecker.Check(reply, Enumerable.Range(1, passages));

    [Theory]
    [InlineData("深圳增长很快[1][2]。", "深圳增长很快[1][2]。")]
    [InlineData("深圳增长很快[1, 2]。", "深圳增长很快[1][2]。")]
    [InlineData("深圳增长很快[1，2]。", "深圳增长很快[1][2]。")]
    [InlineData("深圳增长很快[1、2]。", "深圳增长很快[1][2]。")]
    [InlineData("深圳增长很快［1］。", "深圳增长很快[1]。")]
    [InlineData("深圳增长很快［１，２］。", "深圳增长很快[1][2]。")]
    [InlineData("深圳增长很快【1】【2】。", "深圳增长很快[1][2]。")]
    [InlineData("深圳增长很快[1-3]。", "深圳增长很快[1][2][3]。")]
    [InlineData("深圳增长很快[ 2 ]。", "深圳增长很快[2]。")]
    [InlineData("深圳增长很快[Passage 2]。", "深圳增长很快[2]。")]
    [InlineData("深圳增长很快[段落2]。", "深圳增长很快[2]。")]
    [InlineData("深圳增长很快[2][2]。", "深圳增长很快[2]。")]
    public void Every_citation_form_is_read_and_normalised(string reply, string expected)
    {
        var answer = Check(reply);

        Assert.True(answer.Usable);
        Assert.Equal(expected, answer.Text);
        var sentence = Assert.Single(answer.Sentences);
        Assert.True(sentence.Supported);
    }

    [Fact]
    public void Invalid_numbers_are_dropped_from_a_group_and_emptied_groups_vanish()
    {
        var answer = Check("Shenzhen grew [1, 4]. Hangzhou raised money [0] [12].", passages: 2);

        Assert.Equal("Shenzhen grew [1]. Hangzhou raised money.", answer.Text);
        Assert.Equal([1], answer.Cited);
        Assert.Equal([true, false], answer.Sentences.Select(s => s.Supported));
        Assert.Contains("[0][4][12]", answer.Notice);
    }

    [Fact]
    public void Citations_after_the_full_stop_belong_to_the_sentence_before()
    {
        var answer = Check("深圳增长很快。[1]杭州融资九百亿元。【2】\n总之都在增长。");

        Assert.Equal(3, answer.Sentences.Count);
        Assert.Equal("深圳增长很快。[1]", answer.Sentences[0].Text);
        Assert.Equal([1], answer.Sentences[0].Citations);
        Assert.Equal("杭州融资九百亿元。[2]", answer.Sentences[1].Text);
        Assert.Equal([2], answer.Sentences[1].Citations);
        Assert.False(answer.Sentences[2].Supported);
    }

    [Fact]
    public void English_sentences_split_at_full_stops_but_not_in_numbers_or_list_markers()
    {
        var answer = Check("1. Revenue grew 3.5 percent in 2024 [1]. 2. Hangzhou raised 90 billion yuan [2].\nThat is all.");

        Assert.Equal(
            ["1. Revenue grew 3.5 percent in 2024 [1].", "2. Hangzhou raised 90 billion yuan [2].", "That is all."],
            answer.Sentences.Select(s => s.Text));
        Assert.Equal([true, true, false], answer.Sentences.Select(s => s.Supported));
    }

    [Fact]
    public void A_line_of_bare_citations_supports_the_line_before()
    {
        var answer = Check("深圳的软件产业增长很快\n[1][2]");

        var sentence = Assert.Single(answer.Sentences);
        Assert.Equal([1, 2], sentence.Citations);
        Assert.True(sentence.Supported);
    }

    [Fact]
    public void Question_and_exclamation_runs_end_one_sentence()
    {
        var answer = Check("真的吗？！是的[1]。");

        Assert.Equal(["真的吗？！", "是的[1]。"], answer.Sentences.Select(s => s.Text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<think>only thinking, never finished")]
    public void An_empty_reply_is_not_usable(string reply)
    {
        var answer = Check(reply);

        Assert.False(answer.Usable);
        Assert.Contains("empty", answer.Notice);
    }

    [Theory]
    [InlineData("NO_ANSWER")]
    [InlineData("  **NO_ANSWER**\n")]
    [InlineData("no answer.")]
    public void The_no_answer_marker_is_recognised(string reply)
    {
        var answer = Check(reply);

        Assert.False(answer.Usable);
        Assert.Contains("no answer", answer.Notice);
    }

    [Fact]
    public void Square_brackets_that_are_not_citations_stay()
    {
        var answer = Check("公式是 a[i] 加 [x]，见[1]。");

        Assert.Equal("公式是 a[i] 加 [x]，见[1]。", answer.Text);
        Assert.True(answer.Usable);
    }
}

/// <summary>Quotes in 「」 against the passages received: kept, corrected, or the answer refused.</summary>
public sealed class QuoteCheckTests
{
    private const string Article = "前言。思必驰科技股份有限公司的成长，同样印证了苏州向“智造之城”的加速转型。自2008年落户苏州工业园区以来，凭借对话式人工智能领域的持续创新。";

    // Passage 1 is the article from offset 3 on; passage 2 is another article.
    private static readonly AnswerPassage[] Received =
    [
        new(1, "a", "", Article[3..], 3, Article),
        new(2, "b", "", "杭州的人工智能企业在2023年融资九百亿元。", 0),
    ];

    [Fact]
    public void An_exact_quote_is_kept_and_located_at_its_article_offsets()
    {
        var answer = CitationChecker.Check("思必驰「自2008年落户苏州工业园区以来」[1]。", Received);

        Assert.True(answer.Usable);
        Assert.Null(answer.Notice);
        var quote = Assert.Single(answer.Quotes);
        Assert.Equal(1, quote.N);
        Assert.Equal("自2008年落户苏州工业园区以来", Article[quote.Start..quote.End]);
    }

    [Theory]
    [InlineData("「思必驰科技股份有限公司的成长同样印证了苏州向智造之城的加速转型」", "思必驰科技股份有限公司的成长，同样印证了苏州向“智造之城”的加速转型")] // punctuation left out
    [InlineData("「自２００８年落户苏州工业园区以来」", "自2008年落户苏州工业园区以来")]                                                       // full-width digits
    [InlineData("「自2008年落戶蘇州工业园区以来」", "自2008年落户苏州工业园区以来")]                                                         // two characters off in 16
    public void A_quote_a_little_off_is_corrected_to_the_passage_s_words(string quoted, string exact)
    {
        var answer = CitationChecker.Check($"思必驰{quoted}[1]。", Received);

        Assert.True(answer.Usable);
        Assert.Contains($"「{exact}」", answer.Text);
        Assert.Contains("corrected", answer.Notice);
        var quote = Assert.Single(answer.Quotes);
        Assert.Equal(exact, Article[quote.Start..quote.End]);
    }

    [Theory]
    [InlineData("思必驰「于1999年在北京中关村成立」[1]。")]          // in no passage
    [InlineData("杭州「自2008年落户苏州工业园区以来」[2]。")]          // in passage 1, but passage 2 is cited
    [InlineData("思必驰「自2008年落户深圳南山科技园以来」[1]。")]      // too far from the passage's words
    [InlineData("思必驰「自2008年落戶蘇州工業园区以来」[1]。")]        // three characters off in 16: too many
    public void A_quote_not_in_the_passage_it_cites_makes_the_answer_unusable(string reply)
    {
        var answer = CitationChecker.Check(reply, Received);

        Assert.False(answer.Usable);
        Assert.Contains("quotes words that are not in the passage it cites", answer.Notice);
    }

    [Fact]
    public void Quotes_are_not_looked_at_when_only_numbers_are_checked()
    {
        Assert.True(CitationChecker.Check("思必驰「于1999年在北京成立」[1]。", [1]).Usable);
    }
}
