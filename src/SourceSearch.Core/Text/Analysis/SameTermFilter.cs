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

    public SameTermFilter(TokenStream input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _increment = AddAttribute<IPositionIncrementAttribute>();
    }

    public override bool IncrementToken()
    {
        // A token dropped has increment 0 (its term is already at this position): nothing to hand on to the next one.
        while (m_input.IncrementToken())
        {
            if (_increment.PositionIncrement > 0) _here.Clear();
            if (_here.Add(_term.ToString())) return true;
        }
        return false;
    }

    public override void Reset()
    {
        base.Reset();
        _here.Clear();
    }
}
