using System.Text;
using SourceSearch.Import;

namespace SourceSearch.Tests.Import;

/// <summary>Text files in every encoding Chinese text comes in, decoded to exactly the characters written.</summary>
public sealed class EncodingTests : IDisposable
{
    private const string Traditional = "臺灣的天氣很好，我們明天一起去山上看日出。\n這本書說明了語言與文化之間的關係，值得一讀。\r\n";
    internal const string Simplified = "中国的经济发展很快，我们应该学习新的技术。\n这个问题需要大家一起来解决，请多提意见。\r\n";

    private readonly ImportFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Utf8_with_or_without_bom(bool bom)
    {
        var article = await ImportFolder.ReadOneAsync(folder.Write("a.txt", Simplified, Encoding.UTF8, bom));
        Assert.Equal(Simplified, article.Text);   // the BOM is not part of the text
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Utf16_with_bom(bool bigEndian)
    {
        var article = await ImportFolder.ReadOneAsync(folder.Write("a.txt", Traditional, new UnicodeEncoding(bigEndian, byteOrderMark: true), bom: true));
        Assert.Equal(Traditional, article.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Utf16_without_bom_when_the_nul_bytes_say_so(bool bigEndian)
    {
        const string text = "Chapter 1: 第一章\nThe quick brown fox 跳過了 the lazy dog.\n";
        var article = await ImportFolder.ReadOneAsync(folder.Write("a.txt", text, new UnicodeEncoding(bigEndian, false)));
        Assert.Equal(text, article.Text);
    }

    [Fact]
    public async Task Big5_traditional_text()
    {
        var article = await ImportFolder.ReadOneAsync(folder.Write("big5.txt", Traditional, ImportFolder.Legacy("big5")));
        Assert.Equal(Traditional, article.Text);
        Assert.Equal("臺灣的天氣很好，我們明天一起去山上看日出。", article.Title);
    }

    [Fact]
    public async Task Gb18030_simplified_text()
    {
        var article = await ImportFolder.ReadOneAsync(folder.Write("gb.txt", Simplified, ImportFolder.Legacy("gb18030")));
        Assert.Equal(Simplified, article.Text);
    }

    [Fact]
    public async Task Gb18030_traditional_text_is_not_taken_for_big5()
    {
        var article = await ImportFolder.ReadOneAsync(folder.Write("gb.txt", Traditional, ImportFolder.Legacy("gb18030")));
        Assert.Equal(Traditional, article.Text);
    }

    [Theory]
    [InlineData("big5", "繁體中文")]
    [InlineData("gb18030", "简体中文")]
    [InlineData("gb18030", "中文")]
    public async Task Short_legacy_texts(string encoding, string text)
    {
        var article = await ImportFolder.ReadOneAsync(folder.Write("short.txt", text, ImportFolder.Legacy(encoding)));
        Assert.Equal(text, article.Text);
    }

    [Fact]
    public async Task Every_seed_article_round_trips_through_gb18030()
    {
        foreach (string seed in TestPaths.SeedArticles)
        {
            string text = File.ReadAllText(seed);
            var article = await ImportFolder.ReadOneAsync(folder.Write(Path.GetFileName(seed), text, ImportFolder.Legacy("gb18030")));
            Assert.Equal(text, article.Text);
        }
    }

    [Fact]
    public async Task Text_is_kept_verbatim()
    {
        const string text = "\n\n  　　第一段，前後有空白。  \r\n\r\n\t第二段\u00A0結束\r\n\n  ";
        var article = await ImportFolder.ReadOneAsync(folder.Write("verbatim.txt", text));
        Assert.Equal(text, article.Text);
        Assert.Equal("第一段，前後有空白。", article.Title);
    }

    [Fact]
    public async Task A_txt_title_is_cut_at_120_characters()
    {
        string line = string.Concat(Enumerable.Repeat("很長的標題", 40));
        var article = await ImportFolder.ReadOneAsync(folder.Write("long.txt", "  " + line + "\n正文"));
        Assert.Equal(line[..120], article.Title);
    }

    [Fact]
    public async Task A_binary_file_named_txt_is_a_failure()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00];
        Assert.Contains("binary", await ImportFolder.FailureAsync(folder.Write("image.txt", png)));

        byte[] noise = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray();   // NUL bytes at both parities
        Assert.Contains("binary", await ImportFolder.FailureAsync(folder.Write("noise.txt", noise)));

        Assert.Contains("binary", await ImportFolder.FailureAsync(folder.Write("zip.md", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00])));
    }

    [Fact]
    public async Task An_empty_file_is_a_failure()
    {
        Assert.Contains("empty", await ImportFolder.FailureAsync(folder.Write("empty.txt", [])));
        Assert.Contains("nothing to search", await ImportFolder.FailureAsync(folder.Write("blank.txt", " \r\n\t\n　")));
    }

    [Fact]
    public async Task Bytes_valid_in_no_encoding_are_a_failure()
    {
        // 0x81 0x20: a lead byte without its trail byte in GB18030 and Big5, and not UTF-8 at all.
        byte[] bytes = [.. "abc "u8, 0x81, 0x20, .. "def"u8];
        Assert.Equal("not valid text in UTF-8, UTF-16, GB18030 or Big5", await ImportFolder.FailureAsync(folder.Write("bad.txt", bytes)));
    }
}
