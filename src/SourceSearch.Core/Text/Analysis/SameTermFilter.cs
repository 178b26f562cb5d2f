using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace SourceSearch.Text.Analysis;

/// <summary>
/// De-duplication: a token whose term is already at the same position is dropped (a two-character
/// word is the bigram at its place; indexing it twice would count it twice and cost a posting).
/// </summary>
public sealed class SameTermFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;
    private readonly IPositionIncrementAttribute _increment;
    private readonly HashSet<string> _here = new(StringComparer.Ordinal);
    private int _carried; // increments of dropped tokens, given to the next one kept

    public SameTermFilter(TokenStream input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _increment = AddAttribute<IPositionIncrementAttribute>();
    }

    public override bool IncrementToken()
    {
        while (m_input.IncrementToken())
        {
            int increment = _increment.PositionIncrement + _carried;
            if (increment > 0) _here.Clear();
            if (_here.Add(_term.ToString()))
            {
                _increment.PositionIncrement = increment;
                _carried = 0;
                return true;
            }
            _carried = increment;
        }
        return false;
    }

    public override void Reset()
    {
        base.Reset();
        _here.Clear();
        _carried = 0;
    }
}
