namespace SourceSearch.Text;

public enum TokenType
{
    /// <summary>A dictionary or HMM word of Han characters (search mode adds the words inside long words).</summary>
    Word,
    /// <summary>Two adjacent Han characters; a Han character standing alone is a gram of its own.</summary>
    Bigram,
    /// <summary>Letters, or letters mixed with digits (deepseek-r1, gpt4), and the parts of such words.</summary>
    Latin,
    /// <summary>Digits, with a decimal point (2.67); Chinese numerals are already folded to digits.</summary>
    Number,
    /// <summary>A mainland word added over a Taiwan word of Traditional-script text (软件 over 軟體); see <see cref="VocabularySynonyms"/>.</summary>
    Synonym,
}

/// <summary>
/// A term as the index sees it (folded, lower-case, Simplified), with the span of the ORIGINAL text
/// it came from: Start inclusive, End exclusive, in UTF-16 code units.
/// </summary>
public readonly record struct Token(string Term, TokenType Type, int Start, int End)
{
    /// <summary>A search-mode sub-word (人工 inside 人工智能) or a part of a Latin word (r1 inside deepseek-r1).</summary>
    public bool IsPart { get; init; }

    /// <summary>The token's position where the tokenizer gives one (SmartCn's words, for phrases); -1 otherwise.</summary>
    public int Position { get; init; } = -1;

    public static string TypeName(TokenType type) => type switch
    {
        TokenType.Word => "word",
        TokenType.Bigram => "bigram",
        TokenType.Latin => "latin",
        TokenType.Synonym => "synonym",
        _ => "number",
    };
}
