using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Text;
using SourceSearch.Text.Analysis;

namespace SourceSearch.Indexing;

/// <summary>
/// Turns a stored article into what the full-text index takes: each passage and the title analysed by the
/// index's Lucene analyzer (the one for Traditional-script text when the article is written in it), the
/// vocabulary synonyms apart from the literal tokens (they go to a field of their own, weighed less).
/// Thread-safe: import analyses on every core.
/// </summary>
public sealed class PassageAnalysis(Analyzer chain, TokenizerKind kind) : IDisposable
{
    private readonly ChainAnalyzer _plain = new(chain, kind, traditional: false);
    private readonly ChainAnalyzer _traditional = new(chain, kind, traditional: true);

    public TokenizerKind Kind { get; } = kind;

    /// <summary>What analyses the index: the chain's fingerprint and the tokenizer.</summary>
    public string Fingerprint => chain.Fingerprint + ";tokenizer=" + ChainAnalyzer.Describe(Kind);

    public IndexedArticle Analyse(long doc, Article article, IReadOnlyList<Passage> passages, Script script, string? dateKey)
    {
        var analyzer = script == Script.Traditional ? _traditional : _plain;
        var (title, titleSynonyms) = Split(AnalyzedToken.Read(analyzer, article.Title ?? ""));
        var indexed = new List<IndexedPassage>(passages.Count);
        foreach (var p in passages)
        {
            var (body, synonyms) = Split(AnalyzedToken.Read(analyzer, article.Text[p.Start..p.End]));
            indexed.Add(new IndexedPassage(p.Start, p.End, body, synonyms));
        }
        return new IndexedArticle(doc, article.Source, article.Author, dateKey, title, titleSynonyms, indexed);
    }

    /// <summary>
    /// A query's tokens as the index's tokenizer gives them. With SmartCn: its words (no grams), typed by their first
    /// character, offsets into the query as typed. With the words tokenizer, the chain's own analysis.
    /// </summary>
    public List<Token> AnalyzeQuery(string text)
    {
        if (Kind != TokenizerKind.SmartCn) return chain.Analyze(text);
        var tokens = new List<Token>();
        foreach (var t in AnalyzedToken.Read(_plain, text))
        {
            var type = CharClass.IsHanAt(t.Term, 0) ? TokenType.Word : char.IsAsciiDigit(t.Term[0]) ? TokenType.Number : TokenType.Latin;
            tokens.Add(new Token(t.Term, type, t.Start, t.End) { Position = t.Position });
        }
        return tokens;
    }

    private static (List<AnalyzedToken> Literal, List<AnalyzedToken> Synonyms) Split(List<AnalyzedToken> tokens)
    {
        if (!tokens.Exists(t => t.Type == "synonym")) return (tokens, []);
        return (tokens.FindAll(t => t.Type != "synonym"), tokens.FindAll(t => t.Type == "synonym"));
    }

    public void Dispose()
    {
        _plain.Dispose();
        _traditional.Dispose();
    }
}
