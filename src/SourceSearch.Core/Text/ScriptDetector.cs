using System.Text;

namespace SourceSearch.Text;

/// <summary>
/// Tells which script a text is written in from the characters that exist in one script only:
/// a character OpenCC's Traditional→Simplified table changes and never keeps (體, 軟) is Traditional
/// only; one its Simplified→Traditional table changes and never keeps (体, 软) is Simplified only.
/// A character that is a form of itself in either table (台 → 臺|台, 里 → 裏|里, 乾 → 乾|干) is
/// written in both and says nothing.
/// </summary>
public sealed class ScriptDetector
{
    private readonly HashSet<char> _traditionalOnly;
    private readonly HashSet<char> _simplifiedOnly;

    private ScriptDetector(HashSet<char> traditionalOnly, HashSet<char> simplifiedOnly)
    {
        _traditionalOnly = traditionalOnly;
        _simplifiedOnly = simplifiedOnly;
    }

    /// <summary>From OpenCC's character tables in their text form (key, a tab, values separated by spaces).</summary>
    public static ScriptDetector Load(string traditionalToSimplified, string simplifiedToTraditional) =>
        new(OneScriptOnly(traditionalToSimplified), OneScriptOnly(simplifiedToTraditional));

    private static HashSet<char> OneScriptOnly(string table)
    {
        var keys = new Dictionary<char, bool>(); // character → whether some entry keeps it as it is
        var values = new HashSet<char>();
        foreach (var line in File.ReadLines(table, Encoding.UTF8))
        {
            int tab = line.IndexOf('\t');
            if (tab != 1) continue; // single BMP characters only
            char key = line[0];
            bool keeps = false;
            foreach (var v in line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (v.Length != 1) continue;
                if (v[0] == key) keeps = true;
                values.Add(v[0]);
            }
            keys[key] = keys.GetValueOrDefault(key) || keeps;
        }
        // A key that is also some other key's form (乾 is a value of 乾 → 乾|干) is a character of both scripts.
        return [.. keys.Where(k => !k.Value && !values.Contains(k.Key)).Select(k => k.Key)];
    }

    public bool IsTraditionalOnly(char c) => _traditionalOnly.Contains(c);

    public bool IsSimplifiedOnly(char c) => _simplifiedOnly.Contains(c);

    /// <summary>Traditional when (nearly) all script-specific characters are Traditional, Simplified likewise, else Mixed; Unknown without any.</summary>
    public Script Detect(ReadOnlySpan<char> text)
    {
        int traditional = 0, simplified = 0;
        foreach (char c in text.Length > 200_000 ? text[..200_000] : text)
        {
            if (_traditionalOnly.Contains(c)) traditional++;
            else if (_simplifiedOnly.Contains(c)) simplified++;
        }
        int total = traditional + simplified;
        if (total == 0) return Script.Unknown;
        if (traditional >= total * 0.9) return Script.Traditional;
        if (simplified >= total * 0.9) return Script.Simplified;
        return Script.Mixed;
    }
}
