using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SourceSearch.Web.Api;

/// <summary>
/// Who may write (add, replace, delete): with $SOURCESEARCH_ADMIN_TOKEN set, a request carrying
/// "Authorization: Bearer TOKEN" (compared in constant time); without it, only requests from this machine.
/// </summary>
internal sealed class WriteAccess(IConfiguration configuration) : IEndpointFilter
{
    public const string TokenSetting = "ADMIN_TOKEN";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Refusal(context.HttpContext, configuration[TokenSetting]) is { } refusal ? refusal : await next(context);

    internal static IResult? Refusal(HttpContext http, string? token)
    {
        // A browser on another site may send a form here without asking first (a multipart upload is a "simple" request):
        // writes that a browser marks as coming from another origin are refused.
        if (http.Request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
            return Problems.Create(StatusCodes.Status403Forbidden, "Writing is not allowed from another site", "foreign-origin",
                $"writing from a page of another site ({Problems.Shorten(origin)}) is not allowed: use the page of this server, or a client that sends no Origin header",
                $"不允许从其他网站（{Problems.Shorten(origin)}）的页面写入：请使用本服务器的页面");
        if (string.IsNullOrEmpty(token))
        {
            var remote = http.Connection.RemoteIpAddress;
            return remote is not null && IPAddress.IsLoopback(remote) ? null
                : Problems.Create(StatusCodes.Status403Forbidden, "Writing is not allowed from here", "local-writes-only",
                    "writing is allowed only from this machine: set SOURCESEARCH_ADMIN_TOKEN on the server and send it as \"Authorization: Bearer TOKEN\" to write from elsewhere",
                    "只允许在本机写入：要从别处写入，请在服务器上设置 SOURCESEARCH_ADMIN_TOKEN，并以 “Authorization: Bearer 令牌” 发送");
        }
        string header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        string given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        // Hashes first: equal lengths, so the comparison's time says nothing about the token.
        bool ok = given.Length > 0 && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (ok) return null;
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return given.Length == 0
            ? Problems.Create(StatusCodes.Status401Unauthorized, "Not authorised to write", "token-missing",
                "writing needs the admin token: send the header \"Authorization: Bearer TOKEN\" (the server's SOURCESEARCH_ADMIN_TOKEN)",
                "写入需要管理令牌：请在表单里填写，或发送头 “Authorization: Bearer 令牌”")
            : Problems.Create(StatusCodes.Status401Unauthorized, "Not authorised to write", "token-wrong",
                "the token in \"Authorization: Bearer …\" is not the server's SOURCESEARCH_ADMIN_TOKEN", "管理令牌不对：它不是服务器的 SOURCESEARCH_ADMIN_TOKEN");
    }
}
