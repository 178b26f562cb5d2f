using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace SourceSearch.Text;

/// <summary>
/// Stage 2: folds any Chinese text to Simplified characters, keeping the offset map. Character-level
/// only: Taiwan and Hong Kong variant characters (裡, 衞) and Traditional characters become their
/// Simplified form, with OpenCC's phrase table used only to choose among one-to-many characters
/// (乾隆 keeps 乾, 乾燥 → 干燥). Words are never swapped for other words (核心 stays 核心): regional
/// vocabulary is a synonym added beside the literal term (<see cref="VocabularySynonyms"/>).
/// It runs OpenCC's own algorithm (maximum-match segmentation, then a chain of dictionary groups) over
/// OpenCC's own installed dictionaries, exported once with `opencc_dict`, because the native library
/// converts about 2.5 MB/s, less than the chain's budget, and cannot say which input span each output
/// came from. Tests hold it equal to libopencc with the configuration <see cref="FoldDictionaries"/>
/// writes, which names the same dictionaries.
/// </summary>
public sealed class ScriptFolder
{
    internal static readonly string SegmentationDictionary = "TSPhrases";
    internal static readonly string[] Variants = ["TWVariantsRevPhrases", "TWVariantsRev", "HKVariantsRevPhrases", "HKVariantsRev"];
    internal static readonly string[][] Chain = [Variants, ["TSPhrases", "TSCharacters"]];

    /// <summary>
    /// The vocabulary rewrite (`convert --vocabulary --to zh-Hans`): Taiwan phrases to mainland ones first.
    /// Never used for matching or for display beside a citation: it swaps words (核心 → 内核).
    /// </summary>
    internal static readonly string[][] VocabularyChain =
        [["TWPhrasesRev", FoldDictionaries.TaiwanPhrasesInSimplified, .. Variants], ["TSPhrases", "TSCharacters"]];

    /// <summary>Taiwan vocabulary and its mainland equivalent (OpenCC's TWPhrasesRev): the synonyms' source.</summary>
    internal const string TaiwanVocabulary = "TWPhrasesRev";

    private readonly PhraseTrie _segmentation;
    private readonly PhraseTrie[][] _chain;

    /// <summary>Identifies the dictionaries (names and content hashes), for the index's analysis record.</summary>
    public string Fingerprint { get; }

    /// <summary>Which characters belong to one script only.</summary>
    public ScriptDetector Detector { get; }

    /// <summary>Taiwan words and their mainland equivalents, as OpenCC lists them (unfolded).</summary>
    internal IReadOnlyList<(string Key, string Value)> TaiwanVocabularyEntries { get; }

    private ScriptFolder(PhraseTrie segmentation, PhraseTrie[][] chain, string fingerprint, ScriptDetector detector,
        IReadOnlyList<(string Key, string Value)> vocabulary)
    {
        _segmentation = segmentation;
        _chain = chain;
        Fingerprint = fingerprint;
        Detector = detector;
        TaiwanVocabularyEntries = vocabulary;
        _characterMap = new Lazy<Dictionary<char, char>>(BuildCharacterMap); // thread-safe: import folds on every core
    }

    private readonly Lazy<Dictionary<char, char>> _characterMap;

    /// <summary>
    /// Each character folded on its own (no phrases): a key that the same text in either script
    /// shares, used to recognise one article imported in both. Phrase folding is not idempotent
    /// (乾燥 → 干燥, but 乾 alone stays), so it cannot serve as that key.
    /// </summary>
    public string FoldCharacters(string text)
    {
        var map = _characterMap.Value;
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
            sb.Append(map.TryGetValue(c, out char to) ? to : c);
        return sb.ToString();
    }

    private Dictionary<char, char> BuildCharacterMap()
    {
        var map = new Dictionary<char, char>();
        foreach (var group in _chain)
        {
            var step = new Dictionary<char, char>();
            foreach (var dict in group.Reverse()) // earlier dictionaries of a group win
                foreach (var (key, value) in dict.Entries())
                    if (key.Length == 1 && value.Length == 1) step[key[0]] = value[0];
            foreach (var k in map.Keys.ToList())
                if (step.TryGetValue(map[k], out char next)) map[k] = next;
            foreach (var (k, v) in step) map.TryAdd(k, v);
        }
        return map;
    }

    /// <summary>Traditional when (nearly) all script-specific characters are Traditional, Simplified likewise, else Mixed.</summary>
    public Script DetectScript(string text) => Detector.Detect(text);

    /// <summary>Loads the folding dictionaries from OpenCC's data folder, exporting them to <paramref name="cacheDirectory"/> on first use.</summary>
    public static ScriptFolder Load(string openCcDataDirectory, string cacheDirectory)
    {
        var data = FoldDictionaries.Prepare(openCcDataDirectory, cacheDirectory);
        var tries = Chain.SelectMany(g => g).Append(SegmentationDictionary).Distinct()
            .ToDictionary(n => n, n => PhraseTrie.FromOpenCcText(File.ReadLines(data.Files[n], Encoding.UTF8)));
        var chain = Chain.Select(g => g.Select(n => tries[n]).ToArray()).ToArray();
        var detector = ScriptDetector.Load(data.Files["TSCharacters"], data.Files["STCharacters"]);
        var vocabulary = PhraseTrie.FromOpenCcText(File.ReadLines(data.Files[TaiwanVocabulary], Encoding.UTF8)).Entries();
        return new ScriptFolder(tries[SegmentationDictionary], chain, data.Fingerprint, detector, vocabulary);
    }

    /// <summary>Folds <paramref name="input"/> to Simplified.</summary>
    public MappedText Fold(MappedText input)
    {
        string text = input.Text;
        if (text.Length == 0) return input;

        // OpenCC's maximum-match segmentation: dictionary matches are segments of their own, the
        // unmatched stretches between them are segments too. Conversions never cross a boundary.
        var bounds = new List<int>(4) { 0 };
        int i = 0;
        while (i < text.Length)
        {
            int m = _segmentation.LongestMatch(text.AsSpan(i), out _);
            if (m > 0)
            {
                if (bounds[^1] != i) bounds.Add(i);
                i += m;
                bounds.Add(i);
            }
            else i += CharLength(text, i);
        }
        if (bounds[^1] != text.Length) bounds.Add(text.Length);

        MappedText current = input;
        foreach (var group in _chain)
            current = ConvertStep(current, group, bounds, out bounds);
        return current;
    }

    private static MappedText ConvertStep(MappedText input, PhraseTrie[] group, List<int> bounds, out List<int> newBounds)
    {
        string text = input.Text;
        var b = new MappedText.Builder(input);
        newBounds = new List<int>(bounds.Count) { 0 };
        for (int s = 0; s + 1 < bounds.Count; s++)
        {
            int start = bounds[s], end = bounds[s + 1];
            int i = start;
            int same = start; // start of a run copied unchanged, appended in one go
            while (i < end)
            {
                string? value = null;
                int m = 0;
                var rest = text.AsSpan(i, end - i);
                foreach (var dict in group)
                {
                    m = dict.LongestMatch(rest, out value);
                    if (m > 0) break; // OpenCC's group: the first dictionary with a match wins
                }
                if (m == 0 || value is null || rest[..m].SequenceEqual(value))
                {
                    i += m == 0 ? CharLength(text, i) : m;
                    continue;
                }
                b.AppendSame(same, i);
                // A phrase (核心 → 内核) is replaced as a whole: its characters do not map one to one.
                b.AppendReplacement(value, i, i + m, unitToUnit: m == CharLength(text, i));
                i += m;
                same = i;
            }
            b.AppendSame(same, end);
            newBounds.Add(b.Length);
        }
        return b.Build();
    }

    private static int CharLength(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
}

/// <summary>
/// The dictionaries folding uses, as text files in the cache folder: OpenCC's own, exported with
/// `opencc_dict`, and OpenCC configurations naming them: the fold (characters only; upstream OpenCC
/// with it converts exactly as <see cref="ScriptFolder"/> folds, and displays text in Simplified) and
/// the vocabulary rewrite (`convert --vocabulary --to zh-Hans`).
/// One change to upstream's data: the reverse variant tables of Taiwan and Hong Kong (TWVariantsRev,
/// HKVariantsRev) also map characters that are standard Simplified (么 → 幺, 才 → 纔), because tw2sp
/// expects Taiwan text. Folding sees Simplified text as well, where 什么 must stay 什么, so those
/// single-character entries are left out.
/// </summary>
internal static class FoldDictionaries
{
    public const string ConfigName = "sourcesearch-fold-s.json";
    public const string VocabularyConfigName = "sourcesearch-vocabulary-s.json";
    private const string Rule = "fold-data-5"; // bump when the filtering below or a chain changes

    public sealed record Data(string Directory, string ConfigPath, string VocabularyConfigPath, string Fingerprint, IReadOnlyDictionary<string, string> Files);

    private static readonly string[] Filtered = ["TWVariantsRev", "HKVariantsRev"];

    /// <summary>Generated, not from OpenCC's data: see <see cref="Prepare"/>.</summary>
    public const string TaiwanPhrasesInSimplified = "TWPhrasesRevSimplified";

    public static Data Prepare(string openCcDataDirectory, string cacheDirectory)
    {
        // STCharacters is not folded with; it tells which characters are Simplified only (script detection).
        var all = ScriptFolder.VocabularyChain.SelectMany(g => g).Append(ScriptFolder.SegmentationDictionary).Append("STCharacters").Distinct().ToArray();
        var names = all.Where(n => n != TaiwanPhrasesInSimplified).ToArray();
        var sources = names.ToDictionary(n => n, n => Path.Combine(openCcDataDirectory, n + ".ocd2"));
        foreach (var path in sources.Values)
            if (!File.Exists(path))
                throw new OpenCcUnavailableException($"OpenCC dictionary {path} is missing; {OpenCcUnavailableException.InstallHint}");

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(Rule));
        foreach (var n in names.Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(n));
            sha.AppendData(File.ReadAllBytes(sources[n]));
        }
        string fingerprint = Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
        string dir = Path.GetFullPath(Path.Combine(cacheDirectory, "opencc-" + fingerprint));
        string config = Path.Combine(dir, ConfigName);
        string vocabularyConfig = Path.Combine(dir, VocabularyConfigName);
        var files = all.ToDictionary(n => n, n => Path.Combine(dir, n + ".txt"));
        if (File.Exists(config)) return new Data(dir, config, vocabularyConfig, fingerprint, files);

        try
        {
            Directory.CreateDirectory(dir);
            foreach (var n in names)
                if (!File.Exists(files[n])) Export(sources[n], files[n]);
            var simplified = new HashSet<string>(StringComparer.Ordinal);
            var traditional = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in File.ReadLines(files["TSCharacters"], Encoding.UTF8))
            {
                var (key, value) = Entry(line);
                if (key is null) continue;
                traditional.Add(key);
                simplified.Add(value!);
            }
            foreach (var n in Filtered)
            {
                var kept = File.ReadLines(files[n], Encoding.UTF8)
                    .Where(line => Entry(line) is not ({ Length: 1 } key, _) || !simplified.Contains(key) || traditional.Contains(key))
                    .ToList();
                WriteAtomically(files[n], string.Join('\n', kept) + "\n");
            }
            // Taiwan vocabulary written in Simplified characters (卢安达, 网路, 软体 — common in text
            // converted character by character) maps to mainland vocabulary like its Traditional form:
            // each TWPhrasesRev key, its characters folded one by one, becomes a key of its own.
            var characters = new Dictionary<char, char>();
            foreach (var line in File.ReadLines(files["TSCharacters"], Encoding.UTF8))
                if (Entry(line) is ({ Length: 1 } k, { Length: 1 } v)) characters[k[0]] = v[0];
            var generated = new List<string>();
            foreach (var line in File.ReadLines(files["TWPhrasesRev"], Encoding.UTF8))
            {
                if (Entry(line) is not ({ } key, { } value)) continue;
                string simplifiedKey = string.Concat(key.Select(c => characters.GetValueOrDefault(c, c)));
                if (simplifiedKey != key && simplifiedKey != value) generated.Add(simplifiedKey + "\t" + value);
            }
            WriteAtomically(files[TaiwanPhrasesInSimplified], string.Join('\n', generated) + "\n");
            WriteAtomically(vocabularyConfig, ConfigJson(files, ScriptFolder.VocabularyChain,
                "SourceSearch vocabulary rewrite: Taiwan and Hong Kong to mainland Simplified, phrases too"));
            WriteAtomically(config, ConfigJson(files, ScriptFolder.Chain,
                "SourceSearch folding: Traditional, Taiwan and Hong Kong characters to Simplified")); // written last: its presence means the rest is complete
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OpenCcUnavailableException($"cannot write the folding dictionaries to {dir}: {e.Message} (set Text:CacheDirectory to a writable folder)", e);
        }
        return new Data(dir, config, vocabularyConfig, fingerprint, files);
    }

    private static (string? Key, string? Value) Entry(string line)
    {
        int tab = line.IndexOf('\t');
        if (tab <= 0) return (null, null);
        string values = line[(tab + 1)..];
        int space = values.IndexOf(' ');
        return (line[..tab], space < 0 ? values : values[..space]);
    }

    private static string ConfigJson(IReadOnlyDictionary<string, string> files, string[][] chain, string name)
    {
        string Dict(string n) => $"{{ \"type\": \"text\", \"file\": {System.Text.Json.JsonSerializer.Serialize(files[n])} }}";
        string Group(string[] group) => $"{{ \"dict\": {{ \"type\": \"group\", \"dicts\": [{string.Join(", ", group.Select(Dict))}] }} }}";
        return $$"""
            {
              "name": {{System.Text.Json.JsonSerializer.Serialize(name)}},
              "segmentation": { "type": "mmseg", "dict": {{Dict(ScriptFolder.SegmentationDictionary)}} },
              "conversion_chain": [{{string.Join(", ", chain.Select(Group))}}]
            }
            """;
    }

    private static void WriteAtomically(string path, string content)
    {
        string tmp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(tmp, content, new UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true); // concurrent first runs never see half a file
    }

    private static void Export(string ocd2, string txt)
    {
        string tmp = txt + "." + Environment.ProcessId + ".tmp";
        var psi = new ProcessStartInfo("opencc_dict")
        {
            ArgumentList = { "-i", ocd2, "-o", tmp, "-f", "ocd2", "-t", "text" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("opencc_dict did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new OpenCcUnavailableException($"opencc_dict (to read OpenCC's dictionaries) was not found; {OpenCcUnavailableException.InstallHint}", e);
        }
        using (process)
        {
            string err = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(tmp))
                throw new OpenCcUnavailableException($"opencc_dict could not export {ocd2}: {err.Trim()}");
        }
        File.Move(tmp, txt, overwrite: true);
    }
}

/// <summary>The script a text is written in.</summary>
public enum Script { Unknown, Simplified, Traditional, Mixed }

/// <summary>A dictionary of phrases for longest-prefix matching: an array for the first unit, hashed children below.</summary>
internal sealed class PhraseTrie
{
    private readonly int[] _root = new int[0x10000]; // node index + 1, 0 = none
    private readonly List<Dictionary<char, int>?> _children = [null];
    private readonly List<string?> _values = [null];

    public int Count { get; private set; }

    private readonly List<(string Key, string Value)> _entries = [];

    public IReadOnlyList<(string Key, string Value)> Entries() => _entries;

    public static PhraseTrie FromOpenCcText(IEnumerable<string> lines)
    {
        var trie = new PhraseTrie();
        foreach (var line in lines)
        {
            int tab = line.IndexOf('\t');
            if (tab <= 0) continue;
            string key = line[..tab];
            var values = line[(tab + 1)..];
            int space = values.IndexOf(' ');
            trie.Add(key, space < 0 ? values : values[..space]); // OpenCC uses the first value
        }
        return trie;
    }

    public void Add(string key, string value)
    {
        int node = _root[key[0]] - 1;
        if (node < 0)
        {
            node = NewNode();
            _root[key[0]] = node + 1;
        }
        for (int k = 1; k < key.Length; k++)
        {
            var children = _children[node] ??= new Dictionary<char, int>();
            if (!children.TryGetValue(key[k], out int child))
            {
                child = NewNode();
                children[key[k]] = child;
            }
            node = child;
        }
        if (_values[node] is null) Count++;
        _values[node] = value;
        _entries.Add((key, value));
    }

    private int NewNode()
    {
        _children.Add(null);
        _values.Add(null);
        return _values.Count - 1;
    }

    /// <summary>Length of the longest key that is a prefix of <paramref name="text"/> (0 if none).</summary>
    public int LongestMatch(ReadOnlySpan<char> text, out string? value)
    {
        value = null;
        if (text.IsEmpty) return 0;
        int node = _root[text[0]] - 1;
        int best = 0;
        for (int k = 1; node >= 0; k++)
        {
            if (_values[node] is { } v) { best = k; value = v; }
            if (k >= text.Length || _children[node] is not { } children || !children.TryGetValue(text[k], out node)) break;
        }
        return best;
    }
}
