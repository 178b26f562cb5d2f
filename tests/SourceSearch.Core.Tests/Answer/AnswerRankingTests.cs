using SourceSearch.Answer;
using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Index;
using SourceSearch.Tests.Text;

namespace SourceSearch.Tests.Answer;

/// <summary>The ranking evidence beyond term overlap: the words beside the question's gap, the asked kind near them, novelty.</summary>
[Collection(AnalysisCollection.Name)]
public sealed class AnswerRankingTests(AnalysisFixture fx)
{
    private AnswerEvidence Evidence(QuestionProfile profile, string sentence)
    {
        string folded = fx.Analyzer.FoldToString(sentence).Replace(" ", "");
        return profile.Evidence(folded, "", 1, 1, 1, 0, 1, fx.Analyzer);
    }

    [Fact]
    public void The_words_beside_the_question_word_are_its_gap()
    {
        var profile = QuestionProfile.Of("思必驰是哪一年落户苏州的？", fx.Analyzer);
        Assert.Contains("落户", profile.GapWords);
        Assert.Equal(1, Evidence(profile, "思必驰2008年落户苏州。").GapWords);
        Assert.True(Evidence(profile, "思必驰在苏州发展。").GapWords < 1);
    }

    [Fact]
    public void A_time_beside_the_gap_is_nearer_than_one_far_from_it()
    {
        var profile = QuestionProfile.Of("思必驰是哪一年落户苏州的？", fx.Analyzer);
        var beside = Evidence(profile, "思必驰于2008年落户苏州工业园区。");
        var far = Evidence(profile, "思必驰落户苏州工业园区以后，与当地许多人工智能企业合作研发产品，员工到2019年超过一千人。");
        Assert.True(beside.KindNear > far.KindNear, $"{beside.KindNear} vs {far.KindNear}");
        Assert.Equal(0, Evidence(profile, "思必驰落户苏州工业园区。").KindNear);
    }

    [Fact]
    public void A_who_question_wants_a_name_the_question_does_not_have()
    {
        var profile = QuestionProfile.Of("《狂人日记》是谁创作的？", fx.Analyzer);
        Assert.True(profile.AsksName);
        Assert.True(Evidence(profile, "《狂人日记》是鲁迅创作的短篇小说。").KindNear > 0);
        Assert.Equal(0, Evidence(profile, "《狂人日记》是一篇创作于上世纪的短篇小说。").KindNear);
    }

    [Fact]
    public void A_sentence_that_only_repeats_the_question_says_little_new()
    {
        var profile = QuestionProfile.Of("思必驰是哪一年落户苏州的？", fx.Analyzer);
        Assert.True(Evidence(profile, "思必驰落户苏州。").Novelty < Evidence(profile, "2008年，俞凯从剑桥回国创办思必驰。").Novelty);
    }

    [Fact]
    public async Task A_when_question_quotes_the_sentence_with_the_year_beside_its_words()
    {
        // Both sentences have a year and all the question's words; the first echoes the question more (思必驰是, 落户苏州的),
        // but its year is of something else, far from 落户.
        var article = new Article("spc", "思必驰",
            "思必驰\n思必驰是落户苏州的企业中规模较大的一家，员工到2019年超过一千人。" +
            "思必驰2008年在苏州落户。");
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        await index.AddBatchAsync([article]);
        // Not taking in the sentence before (a short one would), to see which one ranks first.
        var answerer = new QuestionAnswerer(new Searcher(index, new SearchOptions()), fx.Analyzer, new AnswerOptions { TakeBeforeBelow = 0 });
        var a = await answerer.AskAsync("思必驰是哪一年落户苏州的？");
        Assert.True(a.Found);
        Assert.StartsWith("思必驰2008年", a.Citations[0].Quote);
    }

    [Theory]
    // 牠们 points back at 河狸, said in the sentence before (which has nothing of the question: no candidate itself).
    [InlineData("河狸是北美洲常见的啮齿类，尾巴扁平，善于游泳。", "牠们在建造水坝的时候大幅改变了生态系统，为鲑鱼幼体提供了重要的生境。", "何种动物在建造水坝时会大幅改变生态系统？", "河狸")]
    // The year asked for is in the sentence before, not in the one that says the question's words.
    [InlineData("阿斯特家族在1966年将它卖给加拿大商人罗伊·汤姆森。", "也正是在那时，《泰晤士报》开始在报纸的第一版刊登新闻报导。", "从哪一年开始《泰晤士报》在报纸的第一版刊登新闻报导？", "1966年")]
    public async Task A_quote_takes_the_sentence_before_when_it_refers_back_or_lacks_the_asked_kind(string before, string answering, string question, string answer)
    {
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        await index.AddBatchAsync([new Article("a", "文章", "文章\n" + before + answering + "\n另一段落说的是别的事情。")]);
        var answerer = new QuestionAnswerer(new Searcher(index, new SearchOptions()), fx.Analyzer, new AnswerOptions());
        var a = await answerer.AskAsync(question);
        Assert.True(a.Found);
        Assert.StartsWith(before + answering, a.Citations[0].Quote);
        Assert.Contains(answer, a.Citations[0].Quote);
    }

    [Fact]
    public async Task A_long_sentence_with_the_asked_kind_is_quoted_from_its_start()
    {
        const string answering = "阿斯特家族在1966年将《泰晤士报》出售给来自加拿大的大出版商罗伊·汤姆森，报纸从此易手，经营方式、版面和评论的立场也都随之发生了很大的改变。";
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        await index.AddBatchAsync([new Article("a", "文章", "文章\n这份报纸创办于伦敦，历史悠久，读者遍及全国各地。" + answering)]);
        var answerer = new QuestionAnswerer(new Searcher(index, new SearchOptions()), fx.Analyzer, new AnswerOptions());
        var a = await answerer.AskAsync("阿斯特家族在哪一年出售了《泰晤士报》？");
        Assert.StartsWith(answering, a.Citations[0].Quote);
    }
}
