using System.Text.Json;

namespace SourceSearch.Import;

/// <summary>
/// A folder's optional <c>metadata.json</c>: <c>{ "file-name.txt": {"title","author","date","source","url"} }</c>.
/// What it gives replaces what was found in the file itself.
/// </summary>
internal sealed class FolderMetadata
{
    public const string FileName = "metadata.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    private sealed record Entry(string? Title, string? Author, string? Date, string? Source, string? Url);

    private readonly Dictionary<string, Entry?> byFile;

    private FolderMetadata(Dictionary<string, Entry?> byFile) => this.byFile = byFile;

    public static FolderMetadata None { get; } = new([]);

    /// <summary>Reads the whole file at once, so that a malformed one is refused as a whole.</summary>
    public static FolderMetadata Parse(byte[] bytes)
    {
        try
        {
            var byFile = JsonSerializer.Deserialize<Dictionary<string, Entry?>>(JsonArticles.WithoutBom(bytes).Span, Options);
            return new FolderMetadata(byFile ?? throw new ReadException("must be an object of file names"));
        }
        catch (JsonException e) { throw new ReadException("not valid metadata (an object of file names, each with string \"title\", \"author\", \"date\", \"source\", \"url\"): " + e.Message); }
    }

    public Article ApplyTo(Article a, string fileName) => byFile.GetValueOrDefault(fileName) is { } m
        ? a with { Title = m.Title ?? a.Title, Author = m.Author ?? a.Author, Date = m.Date ?? a.Date, Source = m.Source ?? a.Source, Url = m.Url ?? a.Url }
        : a;
}
