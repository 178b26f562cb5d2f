using System.Globalization;
using System.Text.RegularExpressions;

namespace SourceSearch.Text;

/// <summary>
/// The hidden Markov model that jieba uses for words not in the dictionary: states B(egin),
/// M(iddle), E(nd), S(ingle), with start, transition and per-character emission log-probabilities
/// read from jieba's finalseg/prob_*.py files.
/// </summary>
public sealed partial class HmmModel
{
    internal const double MinFloat = -3.14e100;
    internal const int B = 0, M = 1, E = 2, S = 3;

    internal readonly double[] Start = new double[4];
    internal readonly double[,] Trans = new double[4, 4];
    // Emission log-probabilities as one flat table over the BMP, [char * 4 + state] (2 MB): the segmenter looks up
    // four per character of every unknown stretch, and four hash lookups a character were a good part of indexing.
    private readonly double[] _emit = CreateEmitTable();

    private HmmModel() { }

    internal double Emit(int state, char c) => _emit[c * 4 + state];

    private static double[] CreateEmitTable()
    {
        var table = new double[65536 * 4];
        Array.Fill(table, MinFloat);
        return table;
    }

    public static HmmModel Load(string finalsegDirectory)
    {
        var model = new HmmModel();
        var counts = new int[4];
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++) model.Trans[a, b] = MinFloat;
        try
        {
            foreach (var (state, _, value) in Entries(File.ReadAllText(Path.Combine(finalsegDirectory, "prob_start.py")), nested: false))
                model.Start[state] = value;
            foreach (var (from, key, value) in Entries(File.ReadAllText(Path.Combine(finalsegDirectory, "prob_trans.py")), nested: true))
                model.Trans[from, StateIndex(key[0])] = value;
            foreach (var (state, key, value) in Entries(File.ReadAllText(Path.Combine(finalsegDirectory, "prob_emit.py")), nested: true))
                { model._emit[key[0] * 4 + state] = value; counts[state]++; }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new DictionaryUnavailableException(
                $"the segmenter's HMM model in {finalsegDirectory} cannot be read ({e.Message}); install the Debian package python3-jieba (apt-get install python3-jieba)", e);
        }
        if (counts.Any(n => n == 0))
            throw new DictionaryUnavailableException($"the segmenter's HMM model in {finalsegDirectory} has no emission probabilities; reinstall python3-jieba");
        return model;
    }

    private static int StateIndex(char c) => c switch
    {
        'B' => B, 'M' => M, 'E' => E, 'S' => S,
        _ => throw new FormatException($"unknown HMM state '{c}'"),
    };

    // A Python dict literal: {'B': {'\u4e00': -3.65, ...}, 'E': {...}} or {'B': -0.26, ...}.
    [GeneratedRegex(@"'(?<state>[BMES])'\s*:\s*(?:\{(?<body>[^}]*)\}|(?<value>[-+0-9.eE]+))")]
    private static partial Regex StateBlock();

    [GeneratedRegex(@"'(?<key>\\u[0-9a-fA-F]{4}|\\.|[^'\\])'\s*:\s*(?<value>[-+0-9.eE]+)")]
    private static partial Regex Entry();

    private static IEnumerable<(int State, string Key, double Value)> Entries(string source, bool nested)
    {
        foreach (Match block in StateBlock().Matches(source))
        {
            int state = StateIndex(block.Groups["state"].Value[0]);
            if (!nested)
            {
                if (block.Groups["value"].Success) yield return (state, "", Parse(block.Groups["value"].Value));
                continue;
            }
            foreach (Match entry in Entry().Matches(block.Groups["body"].Value))
                yield return (state, Unescape(entry.Groups["key"].Value), Parse(entry.Groups["value"].Value));
        }
    }

    private static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Unescape(string key) =>
        key.StartsWith("\\u", StringComparison.Ordinal)
            ? ((char)int.Parse(key.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString()
            : key.StartsWith('\\') ? key[1..] : key;
}
