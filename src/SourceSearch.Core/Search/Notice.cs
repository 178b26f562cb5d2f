namespace SourceSearch.Search;

/// <summary>
/// A message for a person, in both interface languages, with a stable code a client can act on (or translate
/// further) without parsing the text. <see cref="Text"/> is English; <see cref="Zh"/> Chinese.
/// </summary>
public sealed record Notice(string Code, string Text, string Zh)
{
    public override string ToString() => Text;

    public string In(string language) => language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? Zh : Text;

    public static Notice EnglishQuery() => new("english-query",
        "English query: searched its Chinese translations", "英文查询：检索的是它的中文译词");

    public static Notice SomeTermsOnly() => new("some-terms-only",
        "no article has every term; showing articles with some of them", "没有文章包含全部检索词；下面是包含其中一部分的文章");

    public static Notice PhraseRelaxed() => new("phrase-relaxed",
        "nothing has the quoted phrase (or required terms) as written; showing articles with its words and the others",
        "没有文章原样包含引号里的短语（或必须有的词）；下面是包含其中各词和其他检索词的文章");

    public static Notice FilterNotADate(string name, string value) => new("filter-not-a-date",
        $"{name}={value} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD); ignored",
        $"{name}={value} 不是日期（请写 YYYY、YYYY-MM 或 YYYY-MM-DD），已忽略");

    public static Notice FieldNotADate(string name, string value) => new("field-not-a-date",
        $"{name}:{value} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD); ignored",
        $"{name}:{value} 不是日期（请写 YYYY、YYYY-MM 或 YYYY-MM-DD），已忽略");

    public static Notice OrWithoutLeft() => new("or-without-left",
        "'OR' needs something before it; ignored", "“OR”前面要有检索词，已忽略");

    public static Notice OrWithoutRight() => new("or-without-right",
        "'OR' needs something after it; ignored", "“OR”后面要有检索词，已忽略");

    public static Notice QuoteNotClosed() => new("quote-not-closed",
        "a quotation mark is not closed; the rest is searched as words", "引号没有闭合，后面的内容按普通词检索");

    public static Notice OperatorWithoutTerm(string op) => new("operator-without-term",
        $"'{op}' has nothing after it; ignored", $"“{op}”后面没有内容，已忽略");
}
