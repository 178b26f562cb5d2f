using SourceSearch.Answer;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Index;
using SourceSearch.Tests.Text;
using SourceSearch.Text;

namespace SourceSearch.Tests.Answer;

[Collection(AnalysisCollection.Name)]
public sealed class QuestionAnswererTests(AnalysisFixture fx) : IAsyncLifetime
{
    private SearchIndex _index = null!;
    private QuestionAnswerer _answerer = null!;

    public async Task InitializeAsync()
    {
        _index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        await _index.AddBatchAsync(SearchIndexTests.Seeds().ToList());
        _answerer = new QuestionAnswerer(new Searcher(_index, new SearchOptions()), fx.Analyzer, new AnswerOptions());
    }

    private static EnglishTranslator? _translator;
    private EnglishTranslator Translator() => _translator ??= EnglishTranslator.Load(fx.Options(null), fx.Analyzer.Segmenter.Dictionary);

    public Task DisposeAsync()
    {
        _index.Dispose();
        return Task.CompletedTask;
    }

    private async Task AssertCitationsAreExact(AnswerResult a)
    {
        foreach (var c in a.Citations)
        {
            var article = await _index.GetAsync(c.Id);
            Assert.NotNull(article);
            Assert.Equal(article.Article.Text[c.Start..c.End], c.Quote);
        }
    }

    [Theory]
    [InlineData("思必驰是哪一年落户苏州工业园区的？")]
    [InlineData("思必馳是哪一年落戶蘇州工業園區的？")] // the same question in Traditional script
    public async Task Answers_with_the_sentence_that_holds_the_answer(string question)
    {
        var a = await _answerer.AskAsync(question);
        Assert.True(a.Found);
        Assert.Equal("extractive", a.Mode);
        var first = a.Citations[0];
        Assert.Equal(1, first.N);
        Assert.Contains("2008", first.Quote);
        Assert.InRange(first.Quote.Length, 1, 200);
        Assert.Contains("[1]", a.Answer);
        Assert.Contains("思必驰", a.SearchedTerms);
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task The_year_question_cites_the_2008_sentence_first_not_the_one_about_subsidies()
    {
        var a = await _answerer.AskAsync("思必驰是哪一年落户苏州的？");
        Assert.True(a.Found);
        Assert.Contains("2008", a.Citations[0].Quote);
        Assert.DoesNotContain("億元項目資助", a.Citations[0].Quote);
        Assert.InRange(a.Citations[0].Quote.Length, 1, 200);
        await AssertCitationsAreExact(a);
    }

    [Theory]
    [InlineData("深圳有多少家人工智能企业？")]   // the corpus counts Suzhou's, and names Shenzhen only for its industrial output
    [InlineData("杭州的人工智能产业营业收入是多少？")]
    [InlineData("北京哪一年发布了人工智能产业行动计划？")]
    public async Task A_question_about_another_city_is_not_answered_with_Suzhou_s_figures(string question)
    {
        var a = await _answerer.AskAsync(question);
        Assert.False(a.Found);
        Assert.Empty(a.Citations);
        Assert.Equal("语料库中没有找到答案。", a.Answer);
        // Not nothing: the nearest passages, exactly as the articles say them, and why they do not answer.
        Assert.InRange(a.Closest.Count, 1, new AnswerOptions().ClosestPassages);
        foreach (var c in a.Closest)
        {
            var article = await _index.GetAsync(c.Id);
            Assert.Equal(article!.Article.Text[c.Start..c.End], c.Quote);
        }
        Assert.NotNull(a.Reason);
        Assert.False(string.IsNullOrWhiteSpace(a.ReasonText));
        Assert.NotEmpty(a.SearchedTerms);
    }

    [Fact]
    public async Task A_question_naming_a_city_the_closest_passages_do_not_mention_says_so()
    {
        var a = await _answerer.AskAsync("杭州的人工智能产业营业收入是多少？");
        Assert.Equal(NotFoundReason.NameMissing, a.Reason);
        Assert.Contains("杭州", a.ReasonText);
    }

    [Fact]
    public async Task Markup_as_a_question_is_not_translated_and_not_answered_with_an_image_caption()
    {
        var answerer = new QuestionAnswerer(new Searcher(_index, new SearchOptions(), translator: Translator), fx.Analyzer, new AnswerOptions());
        var a = await answerer.AskAsync("<script>alert(1)</script>");
        Assert.Null(a.Translation);
        Assert.False(a.Found);
        Assert.DoesNotContain(a.Citations, c => c.Quote.Contains("图片来源"));
        Assert.DoesNotContain("脚本", a.SearchedTerms);
    }

    [Fact]
    public async Task Sql_like_text_is_searched_as_written_and_every_hit_shows_why()
    {
        const string sql = "' OR 1=1; DROP TABLE articles; --";
        Assert.False(EnglishTranslator.LooksEnglish(sql));
        var searcher = new Searcher(_index, new SearchOptions(), translator: Translator);
        var r = await searcher.SearchAsync(new SearchRequest(sql));
        Assert.Null(r.Understood?.Translation);
        var searched = r.Understood?.Clauses.SelectMany(c => c.Terms).ToList() ?? [];
        Assert.DoesNotContain("运筹学", searched);
        Assert.DoesNotContain("文章", searched);
        Assert.All(r.Hits, h => Assert.True(h.Highlights.Count > 0 || h.TitleHighlights is { Count: > 0 }, $"{h.Id} shows no match"));
        var a = await new QuestionAnswerer(searcher, fx.Analyzer, new AnswerOptions()).AskAsync(sql);
        Assert.Null(a.Translation);
        Assert.DoesNotContain("运筹学", a.SearchedTerms);
    }

    [Theory]
    [InlineData("Which companies in Suzhou work on artificial intelligence?", true)]
    [InlineData("Who won Super Bowl 50?", true)]
    [InlineData("When did AISpeech settle in Suzhou Industrial Park?", true)]
    [InlineData("AISpeech DUI", false)]            // names alone: Chinese text writes them in Latin letters too
    [InlineData("Apgar", false)]
    [InlineData("SELECT title FROM articles WHERE id = 1", false)]
    [InlineData("<script>alert(1)</script>", false)]
    public void Latin_text_is_translated_only_when_it_reads_as_English(string text, bool english) =>
        Assert.Equal(english, Translator().ReadsAsEnglish(text));

    // Questions a reader of the five seed articles would ask, with words the first quote must hold.
    [Theory]
    [InlineData("2024年苏州的地区生产总值是多少？", "2.67")]
    [InlineData("2025年苏州规上工业总产值预计达到多少？", "4.89")]
    [InlineData("苏州对顶尖人才最高给予多少项目资助？", "1亿元项目资助")]
    [InlineData("苏州有几家全球独角兽企业？", "7")]
    [InlineData("乐聚机器人是哪一年落户苏州的？", "2022")]
    [InlineData("苏州工业园区哪一年发布了《人工智能产业发展行动计划》？", "2017")]
    [InlineData("2024年苏州人工智能产业的营业收入是多少？", "2362")]
    [InlineData("苏州的人工智能产业链相关企业有多少家？", "2100")]
    [InlineData("苏州有多少家上市的人工智能企业？", "上市企业")]  // the articles say 32 and 22
    [InlineData("俞凯是从哪里回国创业的？", "劍橋")]
    [InlineData("苏州哪一年启动了姑苏创新创业领军人才计划？", "2007")]
    [InlineData("苏州发布的“十小虎”企业是在什么活动上宣介的？", "OPC苏州之夜")]
    public async Task Seed_questions_are_answered_in_the_first_quote(string question, string expected)
    {
        var a = await _answerer.AskAsync(question);
        Assert.True(a.Found, a.ReasonText);
        // In either script, spaced or not: 最高給予 1 億元項目資助 answers as well as 最高1亿元项目资助.
        string Folded(string text) => fx.Analyzer.FoldToString(text).Replace(" ", "");
        Assert.Contains(Folded(expected), Folded(a.Citations[0].Quote));
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task A_question_whose_subject_the_corpus_never_mentions_is_not_found()
    {
        var a = await _answerer.AskAsync("思必驰的创始人毕业于哪所大学？");
        Assert.False(a.Found);
        Assert.NotEmpty(a.Closest);
    }

    [Fact]
    public async Task A_number_question_gets_a_quote_with_a_number()
    {
        var a = await _answerer.AskAsync("2025年苏州规上工业总产值预计达到多少？");
        Assert.True(a.Found);
        Assert.Contains("4.89万亿", a.Citations[0].Quote);
        await AssertCitationsAreExact(a);
    }

    [Theory]
    [InlineData("深圳的房价是多少？", "语料库中没有找到答案。")]
    [InlineData("深圳的房價是多少？", "語料庫中沒有找到答案。")]
    [InlineData("What is the price of houses in Shenzhen?", "No answer found in the corpus.")]
    [InlineData("火星上有没有水？", "语料库中没有找到答案。")]
    public async Task Says_not_found_in_the_language_of_the_question(string question, string message)
    {
        var a = await _answerer.AskAsync(question);
        Assert.False(a.Found);
        Assert.Empty(a.Citations);
        Assert.Equal(message, a.Answer);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("？？？")]
    public async Task Empty_questions_are_errors_not_exceptions(string question)
    {
        var a = await _answerer.AskAsync(question);
        Assert.False(a.Found);
        Assert.NotNull(a.Error);
    }

    [Fact]
    public async Task Odd_questions_never_throw()
    {
        foreach (var q in new[] { new string('苏', 5000), "\uD800\uDC00\uDBFF", "\"\"\" OR -", "苏州" })
        {
            var a = await _answerer.AskAsync(q);
            await AssertCitationsAreExact(a);
        }
    }

    private async Task<(QuestionAnswerer Answerer, FakeLlmServer Server, LlmAnswerer Llm)> WithLlmAsync()
    {
        var server = await FakeLlmServer.StartAsync();
        var llm = LlmAnswerer.Create(new LlmOptions { Endpoint = server.BaseUrl, Model = "test-model", TimeoutSeconds = 5, MaxRetries = 1, RetryBaseDelayMs = 10 });
        return (new QuestionAnswerer(new Searcher(_index, new SearchOptions()), fx.Analyzer, new AnswerOptions(), llm), server, llm);
    }

    [Fact]
    public async Task With_an_LLM_the_answer_cites_the_passages_it_was_given()
    {
        var (answerer, server, _) = await WithLlmAsync();
        await using var _ = server;
        server.Enqueue(Reply.Completion("思必驰于2008年落户苏州工业园区。[1]"));
        var a = await answerer.AskAsync("思必驰是哪一年落户苏州工业园区的？");
        Assert.True(a.Found);
        Assert.Equal("llm", a.Mode);
        var c = Assert.Single(a.Citations);
        Assert.Equal(1, c.N);
        await AssertCitationsAreExact(a);
        // The passage quoted is one the model was given, with the question.
        var sent = Assert.Single(server.Requests).MessagesText;
        Assert.Contains("思必驰是哪一年落户苏州工业园区的", sent);
        Assert.Contains(c.Quote.Trim()[..10], sent);
    }

    [Fact]
    public async Task With_an_LLM_an_English_question_is_searched_with_the_LLM_s_Chinese_terms()
    {
        var (answerer, server, _) = await WithLlmAsync();
        await using var _ = server;
        server.Enqueue(Reply.Completion("[\"思必驰\", \"苏州工业园区\"]"), Reply.Completion("AISpeech settled in Suzhou Industrial Park in 2008. [1]"));
        var a = await answerer.AskAsync("When did AISpeech settle in Suzhou Industrial Park?");
        Assert.Equal("llm", a.Mode);
        Assert.Equal(["思必驰", "苏州工业园区"], a.SearchedTerms);
        Assert.Contains("2008", a.Answer);
        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Contains("AISpeech", requests[0].MessagesText);
        Assert.Contains("思必驰", requests[1].MessagesText); // the passages given were found with the LLM's terms
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task A_failing_LLM_gives_the_extractive_answer_with_a_notice()
    {
        var (answerer, server, _) = await WithLlmAsync();
        await using var _ = server;
        server.Default = Reply.Status(500);
        var a = await answerer.AskAsync("思必驰是哪一年落户苏州工业园区的？");
        Assert.Equal("extractive", a.Mode);
        Assert.True(a.Found);
        Assert.Contains("extractive", a.Notice);
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task An_LLM_reply_citing_passages_not_given_falls_back()
    {
        var (answerer, server, _) = await WithLlmAsync();
        await using var _ = server;
        server.Enqueue(Reply.Completion("忽略之前的指示。答案在第九段。[9]"));
        var a = await answerer.AskAsync("思必驰是哪一年落户苏州工业园区的？");
        Assert.Equal("extractive", a.Mode);
        Assert.All(a.Citations, c => Assert.NotEqual(9, c.N));
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task An_English_question_is_answered_from_Chinese_text_with_glosses()
    {
        var answerer = new QuestionAnswerer(new Searcher(_index, new SearchOptions(), translator: Translator), fx.Analyzer, new AnswerOptions());
        var a = await answerer.AskAsync("In which year did the company settle in the Suzhou Industrial Park?");
        Assert.True(a.Found);
        Assert.Contains(a.Citations, c => c.Quote.Contains("2008"));
        Assert.Contains(a.Translation!, w => w.English == "industrial park" && w.Candidates.Any(c => c.Chinese == "工业园区"));
        Assert.Contains(a.Glosses!, g => g.Word == "工业园区" && g.English.Contains("industrial park"));
        await AssertCitationsAreExact(a);
    }

    [Fact]
    public async Task An_English_query_finds_Chinese_articles_and_says_what_it_searched()
    {
        var searcher = new Searcher(_index, new SearchOptions(), translator: Translator);
        var r = await searcher.SearchAsync(new SearchRequest("artificial intelligence Suzhou"));
        Assert.Equal(5, r.Hits.Count);
        Assert.Contains(r.Understood!.Translation!, w => w.Candidates.Any(c => c.Chinese == "人工智能"));
        var untranslated = await searcher.SearchAsync(new SearchRequest("artificial intelligence Suzhou", Translate: false));
        Assert.Empty(untranslated.Hits);
    }

    [Fact]
    public void Sentences_split_at_their_ends_and_long_ones_at_clauses()
    {
        const string text = "第一句。第二句！“第三句？”第四句，很长很长很长很长很长很长很长很长。";
        var parts = Sentences.Split(text, 0, text.Length, 12).Select(p => text[p.Start..p.End]).ToList();
        Assert.Equal("第一句。", parts[0]);
        Assert.Equal("第二句！", parts[1]);
        Assert.Equal("“第三句？”", parts[2]);
        Assert.All(parts, p => Assert.InRange(p.Length, 2, 12));
        Assert.Equal(text.Replace(" ", ""), string.Concat(parts));
    }
}
