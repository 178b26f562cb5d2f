using Microsoft.AspNetCore.Http.HttpResults;

namespace SourceSearch.Web.Api;

/// <summary>
/// RFC 7807 problem details with a message a person can act on, in both interface languages: <c>detail</c> in English,
/// <c>zh</c> in Chinese, and a stable <c>code</c> (extensions). A problem made without its own code gets one from its
/// status, and a Chinese sentence that carries the English detail (<see cref="Localize"/>).
/// </summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) => BadRequest("bad-request", detail, null);

    public static ProblemHttpResult BadRequest(string code, string detail, string? zh) =>
        Create(StatusCodes.Status400BadRequest, "The request cannot be used", code, detail, zh);

    public static ProblemHttpResult NotFound(string detail) => NotFound("not-found", detail, null);

    public static ProblemHttpResult NotFound(string code, string detail, string? zh) =>
        Create(StatusCodes.Status404NotFound, "Not found", code, detail, zh);

    public static ProblemHttpResult Conflict(string detail) => Conflict("conflict", detail, null);

    public static ProblemHttpResult Conflict(string code, string detail, string? zh) =>
        Create(StatusCodes.Status409Conflict, "Already there", code, detail, zh);

    public static ProblemHttpResult TooLarge(string detail, string? zh = null) =>
        Create(StatusCodes.Status413PayloadTooLarge, "Too large", "too-large", detail, zh);

    public static ProblemHttpResult Create(int status, string title, string code, string detail, string? zh) =>
        TypedResults.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["code"] = code, ["zh"] = zh ?? Generic(status, detail) });

    /// <summary>Gives a problem written without them (by the framework, or a message from the index) a code and a Chinese text.</summary>
    public static void Localize(Microsoft.AspNetCore.Mvc.ProblemDetails problem)
    {
        int status = problem.Status ?? 500;
        problem.Extensions.TryAdd("code", status switch
        {
            400 => "bad-request", 401 => "unauthorized", 403 => "forbidden", 404 => "not-found", 405 => "method-not-allowed",
            409 => "conflict", 410 => "gone", 413 => "too-large", 414 or 431 => "too-long", 415 => "not-json", 429 => "too-many-requests",
            503 => "unavailable", >= 500 => "server-error", _ => "error",
        });
        problem.Extensions.TryAdd("zh", Generic(status, problem.Detail ?? problem.Title ?? ""));
    }

    // A Chinese sentence for the status, with the English detail (which names settings, paths and values) after it.
    private static string Generic(int status, string detail)
    {
        string what = status switch
        {
            400 => "请求无法使用", 401 => "没有写入权限", 403 => "不允许这样写入", 404 => "没有找到", 405 => "不支持这个方法",
            409 => "已经存在", 410 => "已超过可恢复的期限", 413 => "内容太大", 414 or 431 => "请求太长", 415 => "请求体必须是 JSON",
            429 => "请求太频繁", 503 => "服务暂不可用", >= 500 => "服务器出错，已记录日志", _ => "出错了",
        };
        return detail.Length == 0 ? what : $"{what}（{detail}）";
    }

    /// <summary>Parses an optional positive whole number from the query string.</summary>
    public static bool TryPositive(string? text, string name, int fallback, int max, out int value, out ProblemHttpResult? problem)
    {
        problem = null;
        value = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) || value < 1 || value > max)
        {
            problem = BadRequest("not-a-count", $"'{name}' must be a whole number from 1 to {max}; it was '{Shorten(text)}'",
                $"“{name}”必须是 1 到 {max} 之间的整数，收到的是“{Shorten(text)}”");
            return false;
        }
        return true;
    }

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
