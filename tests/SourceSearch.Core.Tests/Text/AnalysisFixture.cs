using SourceSearch.Text;

namespace SourceSearch.Tests.Text;

/// <summary>The real analysis chain (OpenCC's and jieba's data from the Debian packages), loaded once for all tests.</summary>
public sealed class AnalysisFixture : IDisposable
{
    public string CacheDirectory { get; } = TestPaths.NewTempDirectory();

    /// <summary>With the corpus's user dictionary.</summary>
    public Analyzer Analyzer { get; }

    /// <summary>With an empty user dictionary, whatever the working directory holds.</summary>
    public Analyzer Plain { get; }

    public OpenCcConverter OpenCc { get; } = new();

    public AnalysisFixture()
    {
        Analyzer = TextAnalysis.Load(Options(Path.Combine(TestPaths.Corpus, "userdict.txt")));
        string empty = Path.Combine(CacheDirectory, "empty-userdict.txt");
        File.WriteAllText(empty, "");
        Plain = TextAnalysis.Load(Options(empty));
    }

    public TextOptions Options(string? userDictionary) => new()
    {
        CacheDirectory = CacheDirectory,
        UserDictionary = userDictionary,
    };

    public void Dispose()
    {
        OpenCc.Dispose();
        try { Directory.Delete(CacheDirectory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class AnalysisCollection : ICollectionFixture<AnalysisFixture>
{
    public const string Name = "analysis";
}
