using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SourceSearch.Import;

public sealed record ReadFailure(string Path, string Reason, int? Line = null);
public readonly record struct ReadResult(Article? Article, ReadFailure? Failure);

// TEMPORARY: .txt and .jsonl only, until the full reader lands.
public sealed class ArticleReader
{
    public async IAsyncEnumerable<ReadResult> ReadAsync(IEnumerable<string> paths, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        foreach (var path in paths)
        {
            var files = Directory.Exists(path) ? Directory.GetFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray() : [path];
            foreach (var f in files)
            {
                if (f.EndsWith(".jsonl"))
                {
                    int n = 0;
                    foreach (var line in await File.ReadAllLinesAsync(f, cancel))
                    {
                        n++;
                        if (line.Trim().Length == 0) continue;
                        using var doc = JsonDocument.Parse(line);
                        var r = doc.RootElement;
                        string? S(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                        yield return new ReadResult(new Article(S("id")!, S("title") ?? "", S("text")!, S("author"), S("date"), S("source"), S("url")), null);
                    }
                }
                else if (f.EndsWith(".txt") && !f.EndsWith("userdict.txt"))
                {
                    string text = await File.ReadAllTextAsync(f, cancel);
                    yield return new ReadResult(new Article(Path.GetFileNameWithoutExtension(f), text.Split('\n')[0].Trim(), text), null);
                }
            }
        }
    }
}
