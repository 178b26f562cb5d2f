using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Util;

namespace SourceSearch.Text.Analysis;

/// <summary>Which tokenizer an index is analysed with (recorded in the index; queries use the same).</summary>
public enum TokenizerKind
{
    /// <summary>Our dictionary+HMM words (jieba's data), CJK bigrams beside them, Latin words and numbers by parts.</summary>
    Words,
    /// <summary>Lucene.Net.Analysis.SmartCn's HMM tokenizer (its own dictionary), words only.</summary>
    SmartCn,
}

public static class TokenizerKinds
{
    public static readonly IReadOnlyList<string> Names = ["words", "smartcn"];

    public static string Name(this TokenizerKind kind) => Names[(int)kind];

    public static bool TryParse(string? name, out TokenizerKind kind)
    {
        int i = Names.IndexOf(name?.Trim().ToLowerInvariant() ?? "");
        kind = i < 0 ? default : (TokenizerKind)i;
        return i >= 0;
    }

    private static int IndexOf(this IReadOnlyList<string> list, string s)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == s) return i;
        return -1;
    }
}

/// <summary>
/// The analysis chain as a Lucene analyzer: char filters that normalise, fold script and fold numerals
/// (offsets corrected back to the original), then a tokenizer, then de-duplication. Text of a
/// Traditional-script article is analysed with <c>traditional: true</c>, which adds the regional
/// vocabulary synonyms (words tokenizer only: SmartCn's words are its own).
/// </summary>
public sealed class ChainAnalyzer : Lucene.Net.Analysis.Analyzer
{
    private readonly Analyzer _chain;
    private readonly TokenizerKind _kind;
    private readonly bool _traditional;

    public ChainAnalyzer(Analyzer chain, TokenizerKind kind, bool traditional)
        : base(PER_FIELD_REUSE_STRATEGY)
    {
        _chain = chain;
        _kind = kind;
        _traditional = traditional;
    }

    /// <summary>What analyses the text, for the index's record.</summary>
    public static string Describe(TokenizerKind kind) => kind == TokenizerKind.SmartCn ? "smartcn-4.8.0-beta00017" : "words";

    protected override TextReader InitReader(string fieldName, TextReader reader)
    {
        foreach (var stage in _chain.FoldingStages) reader = new MappedTextCharFilter(reader, stage);
        return reader;
    }

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        if (_kind == TokenizerKind.SmartCn)
        {
            var smart = new HMMChineseTokenizer(reader);
            // SmartCn gives punctuation as tokens of its own; its analyzer drops them with its stop set.
            TokenStream s = new StopFilter(LuceneVersion.LUCENE_48, smart, SmartChineseAnalyzer.DefaultStopSet);
            return new TokenStreamComponents(smart, new SameTermFilter(s));
        }
        var tokenizer = new ChainTokenizer(reader, _chain, _traditional);
        return new TokenStreamComponents(tokenizer, new SameTermFilter(tokenizer));
    }
}
