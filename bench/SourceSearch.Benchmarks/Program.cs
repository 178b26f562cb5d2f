using BenchmarkDotNet.Running;

namespace SourceSearch.Benchmarks;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

/// <summary>The corpus/ folder of the checkout the benchmarks run from (BenchmarkDotNet builds them in a folder below it).</summary>
internal static class Corpus
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "corpus", "userdict.txt"))) return Path.Combine(dir.FullName, "corpus");
        throw new DirectoryNotFoundException("no corpus/ folder above " + AppContext.BaseDirectory + ": run the benchmarks from the checkout");
    }
}
