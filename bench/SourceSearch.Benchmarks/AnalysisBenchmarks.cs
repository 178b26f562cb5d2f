using BenchmarkDotNet.Attributes;
using SourceSearch.Index;
using SourceSearch.Search;
using SourceSearch.Text;

namespace SourceSearch.Benchmarks;

/// <summary>
/// The analysis chain stage by stage, over the passages of the articles in corpus/ (modern Chinese in
/// both scripts, PDF line breaks included): one operation is one passage. `sourcesearch bench analysis`
/// measures the whole chain over the benchmark corpus; these say which stage the time goes to.
/// </summary>
[MemoryDiagnoser]
public class AnalysisBenchmarks
{
    private Analyzer _analyzer = null!;
    private string[] _passages = [];
    private MappedText[] _folded = [];
    private HashSet<string> _terms = [];
    private string _cache = "";

    [GlobalSetup]
    public void Setup()
    {
        string corpus = Corpus.Find();
        _cache = Directory.CreateTempSubdirectory("sourcesearch-bench-").FullName;
        _analyzer = TextAnalysis.Load(new TextOptions { UserDictionary = Path.Combine(corpus, "userdict.txt"), CacheDirectory = _cache });
        _passages = [.. Directory.EnumerateFiles(corpus, "*.txt").Where(f => Path.GetFileName(f) != "userdict.txt").Order(StringComparer.Ordinal)
            .Select(File.ReadAllText).SelectMany(t => PassageSplitter.Split(t).Select(p => t[p.Start..p.End]))];
        _folded = [.. _passages.Select(_analyzer.Fold)];
        // A query's terms as the snippets highlight them: a two-word query, words and bigrams.
        _terms = _analyzer.Analyze("人工智能 产业").Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_cache, recursive: true);

    public int Passages => _passages.Length;

    [Benchmark(Description = "1 normalise")]
    public int Normalise() => Each(p => Normalizer.Normalize(MappedText.Identity(p)).Text.Length);

    [Benchmark(Description = "1-3 normalise, fold script, fold numerals")]
    public int Fold() => Each(p => _analyzer.Fold(p).Text.Length);

    [Benchmark(Description = "characters folded one by one (version key)")]
    public int FoldCharacters() => Each(p => _analyzer.FoldCharacters(p).Length);

    [Benchmark(Baseline = true, Description = "1-4 the whole chain: tokens")]
    public int Analyze() => Each(p => _analyzer.Analyze(p).Count);

    [Benchmark(Description = "highlights by analysing the passage (the stretches that hold a term)")]
    public int HighlightByAnalysis() => Each(p => Searcher.AnalysedTerms(_analyzer, _analyzer.Fold(p), _terms, Script.Simplified).Count);

    [Benchmark(Description = "highlights found in the folded passage")]
    public int HighlightInFoldedText()
    {
        int n = 0;
        foreach (var f in _folded) n += Searcher.FindTerms(f, _terms).Count;
        return n;
    }

    private int Each(Func<string, int> stage)
    {
        int n = 0;
        foreach (var p in _passages) n += stage(p);
        return n;
    }
}
