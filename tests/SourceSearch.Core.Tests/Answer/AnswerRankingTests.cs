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
        // Both sentences have a year and all the question says; the first is shorter and its passage's first, but its
        // year is of something else, not beside 落户.
        var article = new Article("spc", "思必驰",
            "思必驰\n思必驰落户苏州后，2019年员工超过一千人。" +
            "思必驰的创始团队从英国剑桥回国，在2008年落户苏州工业园区，开始研发语音技术。");
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        await index.AddBatchAsync([article]);
        var answerer = new QuestionAnswerer(new Searcher(index, new SearchOptions()), fx.Analyzer, new AnswerOptions());
        var a = await answerer.AskAsync("思必驰是哪一年落户苏州的？");
        Assert.True(a.Found);
        Assert.StartsWith("思必驰的创始团队", a.Citations[0].Quote);
    }
}
