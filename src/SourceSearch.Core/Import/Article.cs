namespace SourceSearch.Import;

/// <summary>An article as imported and exported: the text is kept verbatim, since every offset points into it.</summary>
public sealed record Article(string Id, string Title, string Text, string? Author = null, string? Date = null, string? Source = null, string? Url = null);
