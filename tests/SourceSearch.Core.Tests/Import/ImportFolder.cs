using System.Text;
using SourceSearch.Import;

namespace SourceSearch.Tests.Import;

/// <summary>A temporary folder for the files a test writes, deleted afterwards; and the reader run over paths.</summary>
public sealed class ImportFolder : IDisposable
{
    public string Root { get; } = TestPaths.NewTempDirectory();

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, byte[] bytes)
    {
        string path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes text in an encoding; with <paramref name="bom"/> its byte-order mark first.</summary>
    public string Write(string relative, string text, Encoding? encoding = null, bool bom = false)
    {
        encoding ??= new UTF8Encoding(false);
        return Write(relative, [.. bom ? encoding.GetPreamble() : [], .. encoding.GetBytes(text)]);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    public static async Task<List<ReadResult>> ReadAsync(ArticleReader reader, params string[] paths)
    {
        var results = new List<ReadResult>();
        await foreach (var r in reader.ReadAsync(paths)) results.Add(r);
        Assert.All(results, r => Assert.True(r.Article is null != r.Failure is null));
        return results;
    }

    public static Task<List<ReadResult>> ReadAsync(params string[] paths) => ReadAsync(new ArticleReader(), paths);

    /// <summary>The one article a file gives (fails the test with the reason when it gives a failure).</summary>
    public static async Task<Article> ReadOneAsync(string path)
    {
        var result = Assert.Single(await ReadAsync(path));
        Assert.True(result.Failure is null, result.Failure?.Reason);
        return result.Article!;
    }

    /// <summary>The reason a file gives no article.</summary>
    public static async Task<string> FailureAsync(string path)
    {
        var result = Assert.Single(await ReadAsync(path));
        Assert.True(result.Article is null, "expected a failure, got an article");
        Assert.Equal(path, result.Failure!.Path);
        return result.Failure.Reason;
    }

    /// <summary>Strict encoding, so that a fixture can never silently lose characters.</summary>
    public static Encoding Legacy(string name)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }
}
