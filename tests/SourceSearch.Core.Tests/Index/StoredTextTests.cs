using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Tests.Text;

namespace SourceSearch.Tests.Index;

/// <summary>NUL and unpaired surrogates, which SQLite cannot store verbatim (found by the fuzz test: a NUL cut the stored text short).</summary>
[Collection(AnalysisCollection.Name)]
public sealed class StoredTextTests(AnalysisFixture fx)
{
    [Fact]
    public void Unstorable_units_become_one_replacement_character_each()
    {
        // Not InlineData: xunit's serialisation of test cases would itself replace the lone surrogates.
        (string Given, string Stored)[] cases =
            [("abc", "abc"), ("a\0b", "a\uFFFDb"), ("\uD800x\uDC00", "\uFFFDx\uFFFD"), ("😀\uD83D", "😀\uFFFD"), ("\uDC00\uD800", "\uFFFD\uFFFD")];
        foreach (var (given, stored) in cases)
        {
            Assert.Equal(stored, StoredText.Clean(given));
            Assert.Equal(given == stored, StoredText.IsStorable(given));
        }
    }

    [Fact]
    public async Task A_text_with_NUL_keeps_its_length_and_offsets_and_an_id_with_NUL_is_refused()
    {
        using var index = await SearchIndex.OpenAsync(TestPaths.NewTempDirectory(), fx.Analyzer);
        string text = "前言\0二进制残渣\uD800之后。\n\n苏州工业园区的文章在这里，找得到。";
        await index.AddAsync(new Article("nul/1", "标题\0", text));
        var stored = (await index.GetAsync("nul/1"))!;
        Assert.Equal(text.Length, stored.Article.Text.Length);
        Assert.Equal("标题\uFFFD", stored.Article.Title);

        var hit = Assert.Single((await new Searcher(index, new SearchOptions()).SearchAsync(new SearchRequest("工业园区"))).Hits);
        Assert.All(hit.Highlights, h => Assert.Equal("工业园区", stored.Article.Text[h.Start..h.End]));

        Assert.Contains("NUL", SearchIndex.Problem(new Article("a\0b", "t", "正文")));
        await Assert.ThrowsAsync<ArticleRejectedException>(() => index.AddAsync(new Article("a\0b", "t", "正文")));
    }
}
