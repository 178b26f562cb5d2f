namespace SourceSearch.Index;

/// <summary>The index cannot be used as it is: missing, unreadable, corrupt, or built by another analysis.</summary>
public class IndexUnusableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The index was built by another schema or analysis (OpenCC, dictionaries, analyzer version).</summary>
public sealed class IndexMismatchException(string message) : IndexUnusableException(message);

/// <summary>An article the index refuses (no id, no text); the others of a batch are still added.</summary>
public sealed class ArticleRejectedException(string id, string reason) : Exception($"article '{id}': {reason}")
{
    public string Id { get; } = id;
    public string Reason { get; } = reason;
}
