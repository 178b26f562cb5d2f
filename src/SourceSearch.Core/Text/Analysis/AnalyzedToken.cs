using Lucene.Net.Analysis.TokenAttributes;

namespace SourceSearch.Text.Analysis;

/// <summary>A token as Lucene sees it: term, type, offsets into the original text, and position.</summary>
public readonly record struct AnalyzedToken(string Term, string Type, int Start, int End, int Position)
{
    /// <summary>Runs <paramref name="analyzer"/> over <paramref name="text"/> and collects its tokens.</summary>
    public static List<AnalyzedToken> Read(Lucene.Net.Analysis.Analyzer analyzer, string text, string field = "body")
    {
        var tokens = new List<AnalyzedToken>(text.Length * 2 + 4); // about two tokens a character (words and grams)
        using var stream = analyzer.GetTokenStream(field, new StringReader(text));
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        stream.Reset();
        int position = -1;
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            tokens.Add(new AnalyzedToken(term.ToString(), type.Type, offset.StartOffset, offset.EndOffset, position));
        }
        stream.End();
        return tokens;
    }
}
