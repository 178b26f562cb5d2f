namespace SourceSearch.Text;

/// <summary>
/// Text produced by a stage of the analysis chain, with a map from every UTF-16 unit back to the
/// span of the ORIGINAL text it came from. Stages compose their maps, so the last stage still
/// points into the text the user gave; that is what highlights and citations need.
/// </summary>
public sealed class MappedText
{
    private readonly int[]? _starts; // null: identity map
    private readonly int[]? _ends;

    public string Text { get; }
    public int OriginalLength { get; }

    private MappedText(string text, int originalLength, int[]? starts, int[]? ends)
    {
        Text = text;
        OriginalLength = originalLength;
        _starts = starts;
        _ends = ends;
    }

    public static MappedText Identity(string text) => new(text, text.Length, null, null);

    /// <summary>Original start of the unit at <paramref name="index"/>.</summary>
    public int StartOf(int index) => _starts is null ? index : _starts[index];

    /// <summary>Original end (exclusive) of the unit at <paramref name="index"/>.</summary>
    public int EndOf(int index) => _ends is null ? index + 1 : _ends[index];

    /// <summary>Maps the span [start, end) of this text to the span of the original it came from.</summary>
    public (int Start, int End) MapSpan(int start, int end)
    {
        if (end <= start)
        {
            int at = start < Text.Length ? StartOf(start) : OriginalLength;
            return (at, at);
        }
        return (StartOf(start), EndOf(end - 1));
    }

    /// <summary>Builds a stage's output, recording for each appended unit the span of the stage's input it came from.</summary>
    /// <remarks>
    /// Most text passes most stages unchanged (Simplified text through script folding), so nothing is allocated while the
    /// output is still the input's own beginning: the text and maps are made at the first change, from that prefix.
    /// </remarks>
    public sealed class Builder
    {
        private readonly MappedText _input;
        private System.Text.StringBuilder? _text; // null while the output is input[0.._count) unchanged
        private int[] _starts = [];
        private int[] _ends = [];
        private int _count;

        public Builder(MappedText input) => _input = input;

        public int Length => _count;

        /// <summary>Appends input[start..end) unchanged.</summary>
        public void AppendSame(int start, int end)
        {
            if (end <= start) return;
            if (_text is null && start == _count) { _count = end; return; }
            Materialize(end - start);
            _text!.Append(_input.Text, start, end - start);
            for (int i = start; i < end; i++)
            {
                _starts[_count] = _input.StartOf(i);
                _ends[_count] = _input.EndOf(i);
                _count++;
            }
        }

        /// <summary>Appends a replacement for input[start..end). With <paramref name="unitToUnit"/> and equal
        /// lengths each output unit maps to its input unit; otherwise every output unit maps to the whole
        /// input span (a phrase replaced by another phrase has no character-to-character map).</summary>
        public void AppendReplacement(ReadOnlySpan<char> replacement, int start, int end, bool unitToUnit = true)
        {
            Materialize(replacement.Length);
            _text!.Append(replacement);
            if (unitToUnit && replacement.Length == end - start)
            {
                for (int i = 0; i < replacement.Length; i++)
                {
                    _starts[_count] = _input.StartOf(start + i);
                    _ends[_count] = _input.EndOf(start + i);
                    _count++;
                }
                return;
            }
            int s = end > start ? _input.StartOf(start) : (start < _input.Text.Length ? _input.StartOf(start) : _input.OriginalLength);
            int e = end > start ? _input.EndOf(end - 1) : s;
            for (int i = 0; i < replacement.Length; i++)
            {
                _starts[_count] = s;
                _ends[_count] = e;
                _count++;
            }
        }

        public void AppendReplacement(char replacement, int start, int end) =>
            AppendReplacement([replacement], start, end);

        // Makes room for `more` units, first turning the unchanged prefix into text and maps.
        private void Materialize(int more)
        {
            if (_text is null)
            {
                int size = Math.Max(_input.Text.Length + 4, _count + more);
                _text = new System.Text.StringBuilder(_input.Text, 0, _count, size);
                _starts = new int[size];
                _ends = new int[size];
                for (int i = 0; i < _count; i++)
                {
                    _starts[i] = _input.StartOf(i);
                    _ends[i] = _input.EndOf(i);
                }
                return;
            }
            if (_count + more <= _starts.Length) return;
            int grown = Math.Max(_starts.Length * 2, _count + more);
            Array.Resize(ref _starts, grown);
            Array.Resize(ref _ends, grown);
        }

        public MappedText Build()
        {
            if (_text is null)
            {
                if (_count == _input.Text.Length) return _input;
                Materialize(0); // the input's beginning only
            }
            // The maps may be longer than the text: only the text's units are ever looked up.
            return new MappedText(_text!.ToString(), _input.OriginalLength, _starts, _ends);
        }
    }
}
