using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using SourceSearch.Web.Api;

namespace SourceSearch.Web.Tests;

/// <summary>
/// Who may write, decided on a request whose client address the test sets (Kestrel on 127.0.0.1 cannot be
/// reached from another address in a test): the same <see cref="WriteAccess.Refusal"/> the endpoint filter runs.
/// </summary>
public sealed class WriteAccessUnitTests
{
    private const string Token = "adm-Secret-Token-0123456789";

    private static HttpContext Request(string? remote, string? authorization = null, params (string Name, string Value)[] headers)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Host = new HostString("127.0.0.1:5080");
        http.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
        if (authorization is not null) http.Request.Headers.Authorization = authorization;
        foreach (var (name, value) in headers) http.Request.Headers[name] = value;
        return http;
    }

    private static int? Status(IResult? refusal) => refusal is null ? null : ((ProblemHttpResult)refusal).StatusCode;

    [Theory]
    [InlineData("192.0.2.7")]
    [InlineData("10.0.0.5")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:192.0.2.7")]
    [InlineData(null)]
    public void Without_a_token_a_write_from_another_machine_is_refused(string? remote)
    {
        var refusal = WriteAccess.Refusal(Request(remote), token: null);
        Assert.Equal(StatusCodes.Status403Forbidden, Status(refusal));
        Assert.Contains("SOURCESEARCH_ADMIN_TOKEN", ((ProblemHttpResult)refusal!).ProblemDetails.Detail);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")] // a dual-stack listener reports IPv4 clients this way
    public void Without_a_token_a_write_from_this_machine_is_allowed(string remote) =>
        Assert.Null(WriteAccess.Refusal(Request(remote), token: ""));

    [Fact]
    public void Forwarding_headers_claiming_loopback_are_not_trusted()
    {
        var forged = Request("192.0.2.7", null,
            ("X-Forwarded-For", "127.0.0.1"), ("X-Real-IP", "127.0.0.1"), ("Forwarded", "for=127.0.0.1"), ("X-Forwarded-Host", "127.0.0.1:5080"));
        Assert.Equal(StatusCodes.Status403Forbidden, Status(WriteAccess.Refusal(forged, token: null)));
    }

    [Theory]
    [InlineData("192.0.2.7")]
    [InlineData("127.0.0.1")]
    public void With_a_token_every_address_needs_it_and_it_is_enough(string remote)
    {
        Assert.Null(WriteAccess.Refusal(Request(remote, "Bearer " + Token), Token));
        Assert.Null(WriteAccess.Refusal(Request(remote, "bearer   " + Token + "  "), Token));
        foreach (string? wrong in (string?[])[null, "", "Bearer", "Bearer ", "Bearer x", "Bearer " + Token[..^1], "Bearer " + Token + "0",
                     "Bearer " + Token.ToUpperInvariant(), "Basic " + Token, Token, "Bearer " + new string('a', 10_000)])
        {
            var refusal = WriteAccess.Refusal(Request(remote, wrong), Token);
            Assert.Equal(StatusCodes.Status401Unauthorized, Status(refusal));
            Assert.DoesNotContain(Token, ((ProblemHttpResult)refusal!).ProblemDetails.Detail);
        }
    }
}
