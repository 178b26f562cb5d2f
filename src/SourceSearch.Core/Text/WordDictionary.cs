using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SourceSearch.Text;

/// <summary>Raised when the segmentation dictionary or the user dictionary cannot be read.</summary>
public sealed class DictionaryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The word-frequency dictionary of the segmenter (jieba's dict.txt format: "word freq [tag]"),
/// with every prefix of every word present (frequency 0) so the word graph can stop early, plus
/// the user dictionary. Lookups take spans, so segmenting allocates no substrings.
/// </summary>
public sealed class WordDictionary
{
    // Value: the word's frequency (0 for a prefix only) and its natural log, computed once.
    private readonly Dictionary<string, (int Freq, double Log)> _freq;
    private readonly Dictionary<string, (int Freq, double Log)>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public long Total { get; private set; }
    public double LogTotal { get; private set; }
    public int MaxWordLength { get; private set; }
    public int WordCount { get; private set; }

    /// <summary>SHA-256 prefix of the main dictionary file, for the index's analysis record.</summary>
    public string Hash { get; }
    /// <summary>SHA-256 prefix of the user dictionary file ("none" when there is none).</summary>
    public string UserHash { get; private set; } = "none";

    private WordDictionary(int capacity, string hash)
    {
        _freq = new Dictionary<string, (int, double)>(capacity, StringComparer.Ordinal);
        _lookup = _freq.GetAlternateLookup<ReadOnlySpan<char>>();
        Hash = hash;
    }

    /// <summary>Frequency of <paramref name="word"/>: &gt;0 a word, 0 only a prefix of words, -1 unknown.</summary>
    public int Frequency(ReadOnlySpan<char> word) => _lookup.TryGetValue(word, out var e) ? e.Freq : -1;

    /// <summary>Frequency and its logarithm in one lookup (the segmenter's hot path).</summary>
    internal bool TryGet(ReadOnlySpan<char> word, out int freq, out double log)
    {
        if (_lookup.TryGetValue(word, out var e)) { freq = e.Freq; log = e.Log; return true; }
        freq = -1; log = 0;
        return false;
    }

    public bool IsWord(ReadOnlySpan<char> word) => Frequency(word) > 0;

    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The dictionary tags the word as a name: of a person, place, organisation or other (nr, ns, nt, nz).</summary>
    public bool IsName(string word) => _names.Contains(word);

    /// <summary>Loads a dictionary in jieba's format (dict.txt).</summary>
    public static WordDictionary Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DictionaryUnavailableException(
                $"the segmentation dictionary {path} cannot be read ({e.Message}); install the Debian package python3-jieba (apt-get install python3-jieba) or set Text:JiebaDictionary", e);
        }
        string hash = Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant();
        var dict = new WordDictionary(800_000, hash);
        var text = Encoding.UTF8.GetString(bytes);
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range).TrimEnd('\r');
            if (line.IsEmpty) continue;
            int sp = line.IndexOf(' ');
            if (sp <= 0) continue;
            var word = line[..sp];
            var rest = line[(sp + 1)..];
            int sp2 = rest.IndexOf(' ');
            var tag = sp2 >= 0 ? rest[(sp2 + 1)..].Trim() : [];
            if (sp2 >= 0) rest = rest[..sp2];
            if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int freq)) continue;
            if (tag.Length >= 2 && tag[0] == 'n' && tag[1] is 'r' or 's' or 't' or 'z') dict._names.Add(word.ToString());
            // The main dictionary mixes scripts; only its Simplified entries can match folded text.
            // Traditional entries are kept as they are, not folded: their Simplified twin is there
            // with its own frequency, and folding would add the two up.
            dict.AddRaw(word, freq);
        }
        dict.LogTotal = Math.Log(dict.Total);
        return dict;
    }

    private void AddRaw(ReadOnlySpan<char> word, int freq)
    {
        if (_lookup.TryGetValue(word, out var old) && old.Freq > 0) Total -= old.Freq;
        else WordCount++;
        _lookup[word] = (freq, Math.Log(freq));
        Total += freq;
        if (word.Length > MaxWordLength) MaxWordLength = word.Length;
        for (int k = 1; k < word.Length; k++)
        {
            var prefix = word[..k];
            if (!_lookup.ContainsKey(prefix)) _lookup[prefix] = (0, 0);
        }
    }

    /// <summary>
    /// Adds the words of a user dictionary ("word [freq] [tag]" a line; '#' starts a comment).
    /// Words are folded first, so 思必馳 and 思必驰 both teach the same word. A word without a
    /// frequency gets one just high enough to keep it whole (jieba's suggest_freq).
    /// Returns the problems found (line number and reason); good lines are used either way.
    /// </summary>
    public IReadOnlyList<string> AddUserDictionary(string path, Func<string, string> fold, Func<string, IEnumerable<string>> cutWithoutHmm)
    {
        var problems = new List<string>();
        string content;
        try { content = File.ReadAllText(path, Encoding.UTF8); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DictionaryUnavailableException($"the user dictionary {path} cannot be read: {e.Message}", e);
        }
        UserHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16].ToLowerInvariant();
        int lineNo = 0;
        foreach (var raw in content.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            string word = fold(parts[0]).Trim();
            // The segmenter sees runs of Han characters only; Latin words and numbers are always
            // tokens of their own, so a word to teach is Han characters.
            if (word.Length == 0 || !word.All(c => CharClass.IsHan(c) || char.IsSurrogate(c)))
            {
                problems.Add($"{path}:{lineNo}: '{parts[0]}' is not a word of Han characters; line ignored");
                continue;
            }
            int freq;
            if (parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int given))
                freq = Math.Max(1, given);
            else
            {
                if (parts.Length > 1 && parts[1].All(char.IsAsciiDigit))
                    problems.Add($"{path}:{lineNo}: frequency '{parts[1]}' is out of range; a suggested one is used");
                freq = SuggestFrequency(word, cutWithoutHmm);
            }
            AddRaw(word, freq);
        }
        LogTotal = Math.Log(Total);
        return problems;
    }

    private int SuggestFrequency(string word, Func<string, IEnumerable<string>> cutWithoutHmm)
    {
        double p = 1;
        foreach (var piece in cutWithoutHmm(word))
            p *= Math.Max(Frequency(piece), 1) / (double)Total;
        long f = (long)(p * Total) + 1;
        return (int)Math.Min(int.MaxValue / 4, Math.Max(f, Math.Max(Frequency(word), 1)));
    }
}
