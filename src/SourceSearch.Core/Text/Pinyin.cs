using System.Text;

namespace SourceSearch.Text;

/// <summary>
/// Toneless pinyin of Simplified words from CC-CEDICT, as people type it without tones: 苏州 → "suzhou", ü as v
/// (绿 → "lv"). A word in the dictionary takes its entries' readings; any other word is read character by character.
/// A word with more than one reading (银行 yinhang, 行 xing/hang) gives each, so a caller can say it is polyphonic.
/// </summary>
public sealed class Pinyin
{
    private const int MaxReadings = 4;
    private readonly Dictionary<string, string[]> _words = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _chars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _inWords = new(StringComparer.Ordinal);

    public Pinyin(Cedict cedict)
    {
        var words = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var common = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var e in cedict.Entries)
        {
            string key = Toneless(e.Pinyin);
            if (key.Length == 0) continue;
            if (!words.TryGetValue(e.Simplified, out var list)) words[e.Simplified] = list = [];
            // A capitalised reading is a name; the common reading comes first when there is one.
            if (!list.Contains(key)) { if (e.ProperNoun) list.Add(key); else list.Insert(0, key); }
            if (!e.ProperNoun)
            {
                if (!common.TryGetValue(e.Simplified, out var c)) common[e.Simplified] = c = [];
                if (!c.Contains(key)) c.Add(key);
            }
        }
        foreach (var (word, list) in words)
        {
            if (word.EnumerateRunes().Count() == 1)
            {
                // Inside a longer word a character is read as a common word, not as a surname (区 qu, not Ou).
                _chars[word] = [.. list.Take(MaxReadings)];
                _inWords[word] = common.TryGetValue(word, out var c) ? [.. c.Take(MaxReadings)] : _chars[word];
            }
            else _words[word] = [.. list.Take(MaxReadings)];
        }
    }

    /// <summary>The word's toneless readings, the usual one first; empty when a character has none (not Han, or unknown).</summary>
    public IReadOnlyList<string> Readings(string simplified)
    {
        if (_words.TryGetValue(simplified, out var known)) return known;
        if (_chars.TryGetValue(simplified, out var single)) return single;
        var readings = new List<string> { "" };
        foreach (var rune in simplified.EnumerateRunes())
        {
            if (!_inWords.TryGetValue(rune.ToString(), out var options)) return [];
            var next = new List<string>();
            foreach (var head in readings)
                foreach (var o in options)
                    if (next.Count < MaxReadings) next.Add(head + o);
            readings = next;
        }
        return readings;
    }

    /// <summary>"Su1 zhou1" → "suzhou"; "lu:4" → "lv"; letters only, lower case.</summary>
    public static string Toneless(string cedictPinyin)
    {
        var sb = new StringBuilder(cedictPinyin.Length);
        for (int i = 0; i < cedictPinyin.Length; i++)
        {
            char c = cedictPinyin[i];
            if (c == 'u' && i + 1 < cedictPinyin.Length && cedictPinyin[i + 1] == ':') { sb.Append('v'); i++; }
            else if (char.IsAsciiLetter(c)) sb.Append(char.ToLowerInvariant(c));
            else if (c is ',' or '·') return ""; // a phrase with punctuation is not a word to type
        }
        return sb.ToString();
    }

    /// <summary>What a person typed as pinyin, as a key: lower case letters, ü/u: as v, spaces and apostrophes dropped; null when it holds anything else.</summary>
    public static string? KeyOf(string typed)
    {
        var sb = new StringBuilder(typed.Length);
        foreach (char c in typed)
        {
            if (char.IsAsciiLetter(c)) sb.Append(char.ToLowerInvariant(c));
            else if (c is 'ü' or 'Ü') sb.Append('v');
            else if (c is ' ' or '\'' or '’') continue;
            else return null;
        }
        return sb.Length == 0 ? null : sb.ToString();
    }
}
