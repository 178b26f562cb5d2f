using System.Runtime.CompilerServices;

namespace SourceSearch.Import;

/// <summary>One file, or one line of a .jsonl file, that gave no article; Line is 1-based.</summary>
public sealed record ReadFailure(string Path, string Reason, int? Line = null);

/// <summary>Either an article or the reason there is none.</summary>
public readonly record struct ReadResult(Article? Article, ReadFailure? Failure)
{
    public static implicit operator ReadResult(Article article) => new(article, null);
    public static implicit operator ReadResult(ReadFailure failure) => new(null, failure);
}

/// <summary>Why a file (or a part of it) gives no article; becomes a <see cref="ReadFailure"/>, never leaves the reader.</summary>
internal sealed class ReadException(string reason) : Exception(reason);

/// <summary>
/// Reads files and folders into articles, in order: each folder recursively in ordinal order of
/// path. A bad file or line is a failure and the rest go on; nothing but cancellation throws.
/// </summary>
public sealed class ArticleReader
{
    /// <summary>Larger files are refused: a whole file is held in memory while it is read.</summary>
    public const long MaxFileBytes = 200L * 1024 * 1024;

    public const string UserDictionaryName = "userdict.txt";

    public static IReadOnlyCollection<string> SupportedExtensions { get; } = [".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".json", ".jsonl"];

    /// <summary>The pdftotext program of poppler-utils: a name looked up on PATH, or a path.</summary>
    public string PdfToText { get; init; } = "pdftotext";

    public async IAsyncEnumerable<ReadResult> ReadAsync(IEnumerable<string> paths, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        var metadata = new Dictionary<string, FolderMetadata>(StringComparer.Ordinal);
        foreach (string path in paths)
        {
            cancel.ThrowIfCancellationRequested();
            List<(string File, string Id)> files;
            if (File.Exists(path))
            {
                if (Refusal(path) is { } reason) { yield return new ReadFailure(path, reason); continue; }
                files = [(path, Path.GetFileNameWithoutExtension(path))];
            }
            else if (Directory.Exists(path))
            {
                var (list, error) = ListFolder(path);
                if (error is not null) { yield return new ReadFailure(path, error); continue; }
                files = list;
            }
            else { yield return new ReadFailure(path, "no such file or folder"); continue; }

            foreach (var (file, id) in files)
            {
                string extension = Path.GetExtension(file).ToLowerInvariant();
                if (SizeFailure(file) is { } tooLarge) yield return tooLarge;
                else if (extension == ".jsonl")
                {
                    await foreach (var result in ReadJsonLinesAsync(file, cancel)) yield return result;
                }
                else if (extension == ".json")
                {
                    foreach (var result in await ReadJsonAsync(file, cancel)) yield return result;
                }
                else
                {
                    string folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
                    if (!metadata.TryGetValue(folder, out var meta))
                    {
                        (meta, var failure) = await LoadMetadataAsync(Path.Combine(Path.GetDirectoryName(file) ?? "", FolderMetadata.FileName), cancel);
                        metadata[folder] = meta;
                        if (failure is not null) yield return failure;
                    }
                    var read = await ReadDocumentAsync(file, id, extension, cancel);
                    yield return read.Article is { } article ? meta.ApplyTo(article, Path.GetFileName(file)) : read;
                }
            }
        }
    }

    private static bool IsSupported(string file) => SupportedExtensions.Contains(Path.GetExtension(file).ToLowerInvariant());

    private static bool IsSidecar(string file) => Path.GetFileName(file) is UserDictionaryName or FolderMetadata.FileName;

    /// <summary>Why a file named on the command line cannot be an article (inside folders such files are skipped silently).</summary>
    private static string? Refusal(string file) =>
        IsSidecar(file) ? $"{Path.GetFileName(file)} is not an article (a user dictionary or a folder's metadata)"
        : !IsSupported(file) ? $"unsupported file type '{Path.GetExtension(file)}' (supported: {string.Join(" ", SupportedExtensions)})"
        : null;

    // Hidden files and folders (names starting with '.') are skipped, as EnumerationOptions does by default.
    private static (List<(string File, string Id)> Files, string? Error) ListFolder(string folder)
    {
        try
        {
            var files = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true })
                .Where(f => IsSupported(f) && !IsSidecar(f))
                .Order(StringComparer.Ordinal)
                .Select(f => (f, Path.ChangeExtension(Path.GetRelativePath(folder, f), null).Replace(Path.DirectorySeparatorChar, '/')))
                .ToList();
            return (files, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ([], "cannot list the folder: " + e.Message); }
    }

    private static ReadFailure? SizeFailure(string file)
    {
        try
        {
            long length = new FileInfo(file).Length;
            return length <= MaxFileBytes ? null : new ReadFailure(file, $"larger than the {MaxFileBytes >> 20} MB limit ({length >> 20} MB)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return new ReadFailure(file, e.Message); }
    }

    private async Task<ReadResult> ReadDocumentAsync(string file, string id, string extension, CancellationToken cancel)
    {
        try
        {
            Article article;
            if (extension is ".docx" or ".pdf")
            {
                string text = extension == ".docx" ? DocxText.Read(file) : await PdfText.ReadAsync(file, PdfToText, cancel);
                article = new Article(id, PlainText.FirstLine(text), text);
            }
            else
            {
                string text = TextDecoder.Decode(await File.ReadAllBytesAsync(file, cancel));
                article = extension switch
                {
                    ".md" => PlainText.Markdown(id, text),
                    ".html" or ".htm" => HtmlText.Read(id, text),
                    _ => PlainText.Txt(id, text),
                };
            }
            return article.Text.AsSpan().Trim().IsEmpty ? new ReadFailure(file, "no text: nothing to search") : article;
        }
        catch (Exception e) when (e is ReadException or IOException or UnauthorizedAccessException) { return new ReadFailure(file, e.Message); }
    }

    private static async Task<List<ReadResult>> ReadJsonAsync(string file, CancellationToken cancel)
    {
        try { return JsonArticles.ReadJson(file, await File.ReadAllBytesAsync(file, cancel)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return [new ReadFailure(file, e.Message)]; }
    }

    private static async IAsyncEnumerable<ReadResult> ReadJsonLinesAsync(string file, [EnumeratorCancellation] CancellationToken cancel)
    {
        LineReader? lines = null;
        ReadFailure? failure = null;
        try { lines = new LineReader(File.OpenRead(file)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { failure = new ReadFailure(file, e.Message); }
        if (failure is not null) { yield return failure; yield break; }

        using (lines)
        {
            for (int number = 1; ; number++)
            {
                ReadOnlyMemory<byte>? line;
                try { line = await lines!.NextAsync(cancel); }
                catch (IOException e) { failure = new ReadFailure(file, e.Message, number); line = null; }
                if (failure is not null) { yield return failure; yield break; }
                if (line is null) yield break;
                if (JsonArticles.ReadLine(file, line.Value, number) is { } result) yield return result;
            }
        }
    }

    private static async Task<(FolderMetadata, ReadFailure?)> LoadMetadataAsync(string path, CancellationToken cancel)
    {
        if (!File.Exists(path)) return (FolderMetadata.None, null);
        try { return (FolderMetadata.Parse(await File.ReadAllBytesAsync(path, cancel)), null); }
        catch (Exception e) when (e is ReadException or IOException or UnauthorizedAccessException)
        {
            return (FolderMetadata.None, new ReadFailure(path, e.Message + " (the folder's files are imported without it)"));
        }
    }
}
