using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace SourceSearch.Text.Analysis;

/// <summary>
/// The segmenting stage as a Lucene tokenizer, over text the char filters have folded: dictionary+HMM
/// words of Han runs (search mode, so the words inside a long word too), Latin words and numbers whole
/// and by parts, the CJK bigrams beside the words, and in Traditional-script text the regional
/// vocabulary synonyms. Positions: each Han character is one position, a run of letters and digits one;
/// a bigram is at its first character, a word at its first character (stacked over the bigram there,
/// increment 0), a part or synonym over the token it belongs to. So consecutive grams, and consecutive
/// Latin words, are consecutive positions, which is what phrase queries need.
/// </summary>
public sealed class ChainTokenizer : Tokenizer
{
    /// <summary>Set in <see cref="IFlagsAttribute"/> for a search-mode sub-word or a part of a Latin word.</summary>
    public const int PartFlag = 1;

    private readonly Analyzer _chain;
    private readonly bool _synonyms;
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _increment;
    private readonly ITypeAttribute _type;
    private readonly IFlagsAttribute _flags;
    private readonly List<(Token Token, int Position)> _tokens = [];
    private readonly List<Token> _scratch = [];
    private int _next;
    private int _position;
    private int _end;

    /// <param name="synonyms">Whether the text is written in Traditional script (regional vocabulary is added).</param>
    public ChainTokenizer(TextReader input, Analyzer chain, bool synonyms) : base(input)
    {
        _chain = chain;
        _synonyms = synonyms;
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _increment = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
        _flags = AddAttribute<IFlagsAttribute>();
    }

    public override void Reset()
    {
        base.Reset();
        string text = m_input.ReadToEnd();
        var folded = MappedText.Identity(text);
        var tokens = _scratch;
        tokens.Clear();
        _chain.Tokenize(folded, tokens);
        if (_synonyms) _chain.Synonyms.Emit(folded, tokens);
        var units = Units(text);
        _tokens.Clear();
        foreach (var t in tokens) _tokens.Add((t, units[t.Start]));
        // In position order; at one position the order the chain gives (words, grams, synonyms) is kept.
        StableSort();
        _next = 0;
        _position = -1;
        _end = text.Length;
    }

    // Positions never go back along the chain's order except across a Han run's words and grams, which the chain
    // already gives in start order: a stable insertion pass is enough (and allocates nothing).
    private void StableSort()
    {
        for (int i = 1; i < _tokens.Count; i++)
        {
            var x = _tokens[i];
            int j = i - 1;
            while (j >= 0 && _tokens[j].Position > x.Position) { _tokens[j + 1] = _tokens[j]; j--; }
            _tokens[j + 1] = x;
        }
    }

    // The position of each character: a Han character starts a position, and so does each part of a run of letters
    // and digits (deepseek-r1: deepseek, then r1; the whole run sits at its first part's). 2.67 is one part.
    private static int[] Units(string s)
    {
        var units = new int[s.Length + 1];
        int unit = -1;
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsLowSurrogate(s[i]) && i > 0) { units[i] = units[i - 1]; continue; }
            bool starts = CharClass.IsHanAt(s, i)
                || (CharClass.IsAlphanumeric(s[i]) && (i == 0 || !CharClass.IsAlphanumeric(s[i - 1]))
                    && !(i >= 2 && s[i - 1] is '.' or ',' && char.IsAsciiDigit(s[i - 2]) && char.IsAsciiDigit(s[i])));
            if (starts) unit++;
            units[i] = Math.Max(unit, 0);
        }
        units[s.Length] = Math.Max(unit, 0);
        return units;
    }

    public override bool IncrementToken()
    {
        if (_next >= _tokens.Count) return false;
        ClearAttributes();
        var (t, position) = _tokens[_next++];
        _term.SetEmpty().Append(t.Term);
        _offset.SetOffset(CorrectOffset(t.Start), CorrectOffset(t.End));
        _increment.PositionIncrement = position - _position;
        _position = position;
        _type.Type = Token.TypeName(t.Type);
        _flags.Flags = t.IsPart ? PartFlag : 0;
        return true;
    }

    public override void End()
    {
        base.End();
        int end = CorrectOffset(_end);
        _offset.SetOffset(end, end);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _tokens.Clear();
            _scratch.Clear();
        }
        base.Dispose(disposing);
    }
}
