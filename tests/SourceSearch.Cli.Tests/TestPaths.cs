namespace SourceSearch.Cli.Tests;

/// <summary>Finds the checkout (the folder with SourceSearch.sln) from the test binaries, so tests can read corpus/.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Corpus => Path.Combine(RepoRoot, "corpus");

    public static IReadOnlyList<string> SeedArticles =>
        Directory.GetFiles(Corpus, "*.txt").Where(f => !f.EndsWith("userdict.txt", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    /// <summary>The seed article in Traditional script.</summary>
    public static string TraditionalSeed => Path.Combine(Corpus, "000_a64fa134920c1ffb.txt");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SourceSearch.sln"))) return dir.FullName;
        throw new InvalidOperationException("SourceSearch.sln not found above " + AppContext.BaseDirectory);
    }

    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sourcesearch-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
