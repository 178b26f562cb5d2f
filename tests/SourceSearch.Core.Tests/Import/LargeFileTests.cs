using System.Text;
using SourceSearch.Import;

namespace SourceSearch.Tests.Import;

/// <summary>
/// Files near the size limits. Not run alongside other tests: the allocations of a 50 MB file would
/// disturb the timing assertions of tests running at the same moment.
/// </summary>
[Collection(Name)]
public sealed class LargeFileTests : IDisposable
{
    public const string Name = "Large files";

    private readonly ImportFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_50_MB_text_file_is_read_whole()
    {
        var text = new StringBuilder(18_000_000);
        for (int i = 0, bytes = 0; bytes < 50_000_000; i++)
        {
            string paragraph = $"第{i}段：{EncodingTests.Simplified}";
            text.Append(paragraph);
            bytes += Encoding.UTF8.GetByteCount(paragraph);
        }
        string expected = text.ToString();
        string path = folder.Write("big.txt", expected);
        Assert.True(new FileInfo(path).Length >= 50_000_000);

        var article = await ImportFolder.ReadOneAsync(path);
        Assert.Equal(expected.Length, article.Text.Length);
        Assert.Equal(expected, article.Text);
    }

    [Theory]
    [InlineData("huge.txt")]
    [InlineData("huge.jsonl")]
    [InlineData("huge.docx")]
    public async Task A_file_over_200_MB_is_a_failure(string name)
    {
        string path = folder.PathOf(name);
        using (var stream = File.Create(path)) stream.SetLength(ArticleReader.MaxFileBytes + 1);   // sparse: costs no disk
        Assert.Contains("200 MB", await ImportFolder.FailureAsync(path));
    }
}

[CollectionDefinition(LargeFileTests.Name, DisableParallelization = true)]
public sealed class LargeFileCollection;
