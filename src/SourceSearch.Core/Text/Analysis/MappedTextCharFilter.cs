using Lucene.Net.Analysis.CharFilters;

namespace SourceSearch.Text.Analysis;

/// <summary>
/// A Lucene char filter running one stage of the chain that rewrites text (normalise, fold script, fold
/// numerals) over its whole input, with the stage's offset map turned into Lucene offset corrections,
/// so a token's offsets, corrected through every char filter, point into the original text.
/// </summary>
public sealed class MappedTextCharFilter : BaseCharFilter
{
    private readonly Func<MappedText, MappedText> _stage;
    private string? _output;
    private int _read;

    public MappedTextCharFilter(TextReader input, Func<MappedText, MappedText> stage) : base(input) => _stage = stage;

    public override int Read(char[] buffer, int index, int count)
    {
        _output ??= Run();
        int n = Math.Min(count, _output.Length - _read);
        if (n <= 0) return 0;
        _output.CopyTo(_read, buffer, index, n);
        _read += n;
        return n;
    }

    // The next stage (and the tokenizer) read all of it at once: the string itself, not a copy built a buffer at a time.
    public override string ReadToEnd()
    {
        _output ??= Run();
        string rest = _read == 0 ? _output : _output[_read..];
        _read = _output.Length;
        return rest;
    }

    public override int Read() => Read(new char[1], 0, 1) == 1 ? _output![_read - 1] : -1;

    // The stage runs on all of its input at once: folding looks at phrases and numeral runs, which a buffer cut could split.
    private string Run()
    {
        var mapped = _stage(MappedText.Identity(m_input.ReadToEnd()));
        // Each output unit's offset in the input is the start of the span it came from; a correction is recorded where that
        // difference changes (Lucene keeps it for all later offsets). The end of the text maps to the end of the input.
        int diff = 0;
        for (int i = 0; i < mapped.Text.Length; i++)
        {
            int d = mapped.StartOf(i) - i;
            if (d != diff) { AddOffCorrectMap(i, d); diff = d; }
        }
        int end = mapped.OriginalLength - mapped.Text.Length;
        if (end != diff) AddOffCorrectMap(mapped.Text.Length, end);
        return mapped.Text;
    }
}
