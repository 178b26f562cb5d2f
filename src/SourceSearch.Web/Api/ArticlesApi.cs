using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using SourceSearch.Import;
using SourceSearch.Index;
using SourceSearch.Text;

namespace SourceSearch.Web.Api;

public sealed record ArticleInput(string? Id, string? Title, string? Text, string? Author = null, string? Date = null, string? Source = null, string? Url = null);

public sealed record PassageDto(int N, int Start, int End);

/// <summary>The text converted for display, with the passages' (and the asked-for mark's) offsets into it.</summary>
public sealed record DisplayDto(string Script, string Title, string Text, IReadOnlyList<PassageDto> Passages, PassageDto? Mark, string? Source, string? Author);

public sealed record ArticleDto(
    string Id, string Title, string Text, string? Author, string? Date, string? Source, string? Url, string Script,
    IReadOnlyList<PassageDto> Passages, IReadOnlyList<string> OtherVersions, DisplayDto? Display);

public sealed record WrittenDto(string Id, string Outcome, string Link);

/// <summary>What an upload gave: the articles added and what could not be used (a file, or a line of a .jsonl file).</summary>
public sealed record UploadDto(IReadOnlyList<UploadedDto> Added, IReadOnlyList<UploadFailureDto> Failed);

public sealed record UploadedDto(string Id, string Title, string Link);

/// <summary>A file (or line) not added: why, in English (<c>reason</c>) and Chinese (<c>zh</c>), with a <c>code</c>.</summary>
public sealed record UploadFailureDto(string File, int? Line, string? Id, string Reason, string Code, string Zh)
{
    public static UploadFailureDto Unreadable(string file, int? line, string reason) =>
        new(file, line, null, reason, "unreadable", $"无法读取（{reason}）");

    public static UploadFailureDto Rejected(string file, string id, string reason) =>
        new(file, null, id, reason, "rejected", $"不能添加（{reason}）");

    public static UploadFailureDto Exists(string file, string id, string replaceWith) =>
        new(file, null, id, $"an article with id '{id}' already exists: replace it with PUT {replaceWith}, or rename the file",
            "article-exists", $"已有编号为“{id}”的文章：要替换请用 PUT {replaceWith}，或给文件改名");
}

public static class ArticlesApi
{
    public const string Prefix = "/api/articles/";

    public static void MapArticlesApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/articles").WithTags("Articles");
        read.MapGet("/{**id}", GetAsync)
            .WithSummary("An article: its original text, metadata and passages (offsets into the text); ?script= adds the text converted for display, ?start=&end= a passage to mark.");

        var write = app.MapGroup("/api/articles").WithTags("Articles").AddEndpointFilter<WriteAccess>();
        write.MapPost("/", CreateAsync).Accepts<ArticleInput>("application/json", "multipart/form-data")
            .Produces<UploadDto>(StatusCodes.Status201Created, "application/json")
            .WithSummary("Adds an article (an id is derived when none is given); searchable at once. " +
                         "Or multipart/form-data with files (.txt .md .html .docx .pdf .json .jsonl) read as `import` reads them.");
        write.MapPut("/{**id}", ReplaceAsync).Accepts<ArticleInput>("application/json")
            .WithSummary("Adds or replaces the article with this id.");
        write.MapDelete("/{**id}", DeleteAsync).WithSummary("Removes an article.");
    }

    /// <summary>
    /// The id exactly as the client encoded it: taken from the raw request target and decoded once,
    /// so ids with '/', '#', '%', '?' and spaces round-trip (the server would leave %2F encoded in the route value).
    /// </summary>
    internal static string IdOf(HttpContext context)
    {
        string raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
        int q = raw.IndexOf('?');
        if (q >= 0) raw = raw[..q];
        int at = raw.IndexOf(Prefix, StringComparison.Ordinal);
        return at < 0 ? "" : Uri.UnescapeDataString(raw[(at + Prefix.Length)..]);
    }

    internal static async Task<Results<Ok<ArticleDto>, ProblemHttpResult>> GetAsync(
        HttpContext context, IndexHost host, OpenCcConverter openCc, CancellationToken cancel, string? script = null, string? start = null, string? end = null)
    {
        string id = IdOf(context);
        if (id.Length == 0) return Problems.BadRequest("give an article id: /api/articles/{id} (percent-encoded)");
        if (!SearchApi.TryScript(script, out var display, out var problem)) return problem!;
        var stored = await host.Index.GetAsync(id, cancel);
        if (stored is null) return NoSuchArticle(id);
        var a = stored.Article;
        var passages = stored.Passages.Select((p, i) => new PassageDto(i + 1, p.Start, p.End)).ToList();

        PassageDto? mark = null;
        if (start is not null || end is not null)
        {
            if (!int.TryParse(start, out int s) || !int.TryParse(end, out int e) || s < 0 || e < s || e > a.Text.Length)
                return Problems.BadRequest("bad-offsets", $"start and end must be offsets with 0 ≤ start ≤ end ≤ {a.Text.Length} (the text's length in UTF-16 code units)",
                    $"start 和 end 必须是 0 ≤ start ≤ end ≤ {a.Text.Length} 的位置（正文长度，按 UTF-16 码元计）");
            mark = new PassageDto(0, s, e);
        }
        DisplayDto? shown = null;
        if (display is { } target)
        {
            var cuts = new SortedSet<int> { 0, a.Text.Length };
            foreach (var p in passages) { cuts.Add(p.Start); cuts.Add(p.End); }
            if (mark is not null) { cuts.Add(mark.Start); cuts.Add(mark.End); }
            var (text, map) = ConvertPieces(openCc, a.Text, cuts, target);
            shown = new DisplayDto(target.Tag(), openCc.Convert(a.Title, target), text,
                passages.Select(p => p with { Start = map[p.Start], End = map[p.End] }).ToList(),
                mark is null ? null : mark with { Start = map[mark.Start], End = map[mark.End] },
                a.Source is null ? null : openCc.Convert(a.Source, target), a.Author is null ? null : openCc.Convert(a.Author, target));
        }
        return TypedResults.Ok(new ArticleDto(a.Id, a.Title, a.Text, a.Author, a.Date, a.Source, a.Url, stored.Script.ToString(),
            passages, stored.OtherVersions, shown));
    }

    /// <summary>Converts the text piece by piece between the cuts, so each cut maps to its offset in the converted text.</summary>
    internal static (string Text, Dictionary<int, int> Map) ConvertPieces(OpenCcConverter openCc, string text, SortedSet<int> cuts, ChineseScript script)
    {
        var sb = new StringBuilder(text.Length);
        var map = new Dictionary<int, int>();
        int previous = -1;
        foreach (int cut in cuts)
        {
            if (previous >= 0) sb.Append(openCc.Convert(text[previous..cut], script));
            map[cut] = sb.Length;
            previous = cut;
        }
        return (sb.ToString(), map);
    }

    internal static async Task<IResult> CreateAsync(HttpRequest request, IndexHost host, WebOptions web, IConfiguration configuration, CancellationToken cancel)
    {
        // An add that finds the id taken by a concurrent add replaces it: the audit log then names who did.
        var actor = HistoryApi.ActorOf(request.HttpContext, configuration);
        if (request.HasFormContentType) return await UploadAsync(request, host, web, actor, cancel);
        var (body, problem) = await Json.ReadAsync<ArticleInput>(request, cancel);
        if (problem is not null) return problem;
        if (Validate(body!) is { } bad) return bad;
        string id = string.IsNullOrWhiteSpace(body!.Id) ? DeriveId(body) : body.Id;
        if (SearchIndex.Problem(ToArticle(id, body)) is { } refused) return Problems.BadRequest(refused);
        if (await host.Index.GetAsync(id, cancel) is not null)
            return Problems.Conflict("article-exists", $"an article with id '{id}' already exists: replace it with PUT {Prefix}{Uri.EscapeDataString(id)}, or give another id",
                $"已有编号为“{id}”的文章：要替换请用 PUT {Prefix}{Uri.EscapeDataString(id)}，或换一个编号");
        await host.Index.AddAsync(ToArticle(id, body), actor, cancel);
        string link = Prefix + Uri.EscapeDataString(id);
        return TypedResults.Created(link, new WrittenDto(id, "added", link));
    }

    /// <summary>
    /// A multipart upload: each file is written under its own name (directories stripped) to a fresh temporary
    /// folder and read by the importer's <see cref="ArticleReader"/>; every article that reads and is new is added.
    /// </summary>
    internal static async Task<IResult> UploadAsync(HttpRequest request, IndexHost host, WebOptions web, Actor actor, CancellationToken cancel)
    {
        // Refuse a body declared too large before reading any of it.
        if (request.ContentLength > web.MaxRequestBodyBytes) return TooLarge(request.ContentLength.Value, web);
        IFormCollection form;
        try { form = await request.ReadFormAsync(cancel); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return TooLarge(null, web); }
        catch (InvalidDataException e) { return Problems.BadRequest($"the multipart body cannot be read: {e.Message}"); }
        catch (IOException e) { return Problems.BadRequest($"the multipart body cannot be read: {e.Message}"); }
        if (form.Files.Count == 0)
            return Problems.BadRequest("no-file", "the form holds no file: send the file as a multipart/form-data part, e.g. curl -F file=@article.txt", "表单里没有文件：请把文件作为 multipart/form-data 的一部分发送");

        var names = new List<string>();
        foreach (var file in form.Files)
        {
            if (SafeFileName(file.FileName, out string name) is { } bad) return Problems.BadRequest(bad);
            if (!ArticleReader.SupportedExtensions.Contains(Path.GetExtension(name).ToLowerInvariant()))
                return Problems.BadRequest("file-type", $"'{Problems.Shorten(name)}' is not a file type that can be imported: use one of {string.Join(" ", ArticleReader.SupportedExtensions)}",
                    $"“{Problems.Shorten(name)}”不是可以导入的文件类型：请用 {string.Join(" ", ArticleReader.SupportedExtensions)} 之一");
            if (names.Contains(name, StringComparer.Ordinal)) return Problems.BadRequest($"two files are named '{name}': give each file its own name");
            names.Add(name);
        }

        string folder = Path.Combine(Path.GetTempPath(), "sourcesearch-upload-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var paths = new List<string>();
            for (int i = 0; i < form.Files.Count; i++)
            {
                string path = Path.Combine(folder, names[i]);
                await using (var target = File.Create(path))
                    await form.Files[i].CopyToAsync(target, cancel);
                paths.Add(path);
            }

            var added = new List<UploadedDto>();
            var failed = new List<UploadFailureDto>();
            for (int i = 0; i < paths.Count; i++)
            {
                string name = names[i];
                await foreach (var result in new ArticleReader().ReadAsync([paths[i]], cancel))
                {
                    if (result.Failure is { } f)
                    {
                        failed.Add(UploadFailureDto.Unreadable(name, f.Line, f.Reason.Replace(folder + Path.DirectorySeparatorChar, "")));
                        continue;
                    }
                    var article = result.Article!;
                    if (SearchIndex.Problem(article) is { } problem) { failed.Add(UploadFailureDto.Rejected(name, article.Id, problem)); continue; }
                    if (await host.Index.GetAsync(article.Id, cancel) is not null)
                    {
                        failed.Add(UploadFailureDto.Exists(name, article.Id, Prefix + Uri.EscapeDataString(article.Id)));
                        continue;
                    }
                    await host.Index.AddAsync(article, actor, cancel);
                    added.Add(new UploadedDto(article.Id, article.Title, Prefix + Uri.EscapeDataString(article.Id)));
                }
            }
            if (added.Count == 0)
            {
                string why = failed.Count == 0 ? "the upload holds no article"
                    : string.Join("; ", failed.Take(5).Select(f => $"{f.File}{(f.Line is { } l ? $" line {l}" : "")}: {f.Reason}")) + (failed.Count > 5 ? $"; and {failed.Count - 5} more" : "");
                string whyZh = failed.Count == 0 ? "上传的内容里没有文章"
                    : string.Join("；", failed.Take(5).Select(f => $"{f.File}{(f.Line is { } l ? $" 第 {l} 行" : "")}：{f.Zh}")) + (failed.Count > 5 ? $"；另有 {failed.Count - 5} 处" : "");
                return TypedResults.Problem($"nothing was added: {why}", statusCode: StatusCodes.Status400BadRequest, title: "The upload gave no article",
                    extensions: new Dictionary<string, object?> { ["failed"] = failed, ["code"] = "nothing-added", ["zh"] = $"没有添加任何文章：{whyZh}" });
            }
            return TypedResults.Created(added[0].Link, new UploadDto(added, failed));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static ProblemHttpResult TooLarge(long? length, WebOptions web) => Problems.TooLarge(
        $"the upload is {(length is { } n ? $"{n:N0} bytes, " : "")}larger than {web.MaxRequestBodyBytes:N0} bytes, the limit (setting Web:MaxRequestBodyBytes): " +
        "split it, or import it on the server with `sourcesearch import`",
        $"上传的文件超过了 {web.MaxRequestBodyBytes:N0} 字节的上限（设置 Web:MaxRequestBodyBytes）：请拆分，或在服务器上用 `sourcesearch import` 导入");

    private static ProblemHttpResult NoSuchArticle(string id) =>
        Problems.NotFound("no-such-article", $"there is no article with id '{id}'", $"没有编号为“{id}”的文章");

    /// <summary>The upload's file name without any directory; null when it is usable, else why not.</summary>
    internal static string? SafeFileName(string? given, out string name)
    {
        name = "";
        if (string.IsNullOrWhiteSpace(given)) return "the file part has no file name: give it one with an extension, e.g. filename=\"article.txt\"";
        if (given.Split('/', '\\').Any(part => part == "..")) return $"the file name '{Problems.Shorten(given)}' contains '..': send a plain file name";
        name = given.Replace('\\', '/').Split('/')[^1].Trim();
        if (name.Length == 0 || name.StartsWith('.') || name.Any(c => char.IsControl(c) || c == '\0') || name.Length > 200)
            return $"the file name '{Problems.Shorten(given)}' cannot be used: send a plain file name such as article.txt";
        return null;
    }

    internal static async Task<Results<Ok<WrittenDto>, Created<WrittenDto>, ProblemHttpResult>> ReplaceAsync(HttpContext context, IndexHost host, IConfiguration configuration, CancellationToken cancel)
    {
        string id = IdOf(context);
        if (id.Length == 0) return Problems.BadRequest("give the article's id in the path: PUT /api/articles/{id} (percent-encoded)");
        var (body, problem) = await Json.ReadAsync<ArticleInput>(context.Request, cancel);
        if (problem is not null) return problem;
        if (body!.Id is { Length: > 0 } other && other != id)
            return Problems.BadRequest($"the body's id '{other}' differs from the path's '{id}': leave it out or make them equal");
        if (Validate(body) is { } bad) return bad;
        if (SearchIndex.Problem(ToArticle(id, body)) is { } refused) return Problems.BadRequest(refused);
        var outcome = await host.Index.AddAsync(ToArticle(id, body), HistoryApi.ActorOf(context, configuration), cancel);
        string link = Prefix + Uri.EscapeDataString(id);
        return outcome == AddOutcome.Added
            ? TypedResults.Created(link, new WrittenDto(id, "added", link))
            : TypedResults.Ok(new WrittenDto(id, outcome == AddOutcome.Replaced ? "replaced" : "unchanged", link));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(HttpContext context, IndexHost host, IConfiguration configuration, CancellationToken cancel)
    {
        string id = IdOf(context);
        if (id.Length == 0) return Problems.BadRequest("give the article's id in the path: DELETE /api/articles/{id} (percent-encoded)");
        return await host.Index.DeleteAsync(id, HistoryApi.ActorOf(context, configuration), cancel) ? TypedResults.NoContent() : NoSuchArticle(id);
    }

    private static ProblemHttpResult? Validate(ArticleInput a)
    {
        if (a.Text is null || a.Text.Trim().Length == 0)
            return Problems.BadRequest("text-missing", "the article needs a \"text\": it is missing or empty, so there would be nothing to search", "文章需要正文：正文缺少或是空的，就没有可检索的内容");
        if (a.Date is { Length: > 0 } date && DateKeys.Parse(date).Key is null)
            return Problems.BadRequest("not-a-date", $"the date '{Problems.Shorten(date)}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD", $"“{Problems.Shorten(date)}”不是日期：请写 YYYY、YYYY-MM 或 YYYY-MM-DD");
        return null;
    }

    private static Article ToArticle(string id, ArticleInput a) =>
        new(id, a.Title ?? "", a.Text!, Blank(a.Author), Blank(a.Date), Blank(a.Source), Blank(a.Url));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>An id for an article given without one: web/ + date + a hash of its title and text.</summary>
    internal static string DeriveId(ArticleInput a)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes((a.Title ?? "") + "\n" + a.Text));
        return $"web/{DateTime.UtcNow:yyyyMMdd}-{Convert.ToHexStringLower(hash)[..12]}";
    }
}
