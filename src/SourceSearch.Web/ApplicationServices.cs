using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Logging.Console;
using SourceSearch.Answer;
using SourceSearch.Search;

namespace SourceSearch.Web;

/// <summary>A setting that cannot be used, with a message naming it: the app does not start.</summary>
public sealed class SettingsException(string message) : Exception(message);

/// <summary>Settings of the web host (section "Web").</summary>
public sealed class WebOptions
{
    /// <summary>Largest request body accepted (an article to add), in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 20 * 1024 * 1024;
    /// <summary>Longest query or question accepted, in characters.</summary>
    public int MaxQueryLength { get; set; } = 2000;
    /// <summary>Folder whose articles build the index when it does not exist yet (default corpus/ for the default index).</summary>
    public string? Corpus { get; set; }
    /// <summary>Questions (POST /api/ask and /api/ask/stream together) one client address may ask per window.</summary>
    public int AskPermitLimit { get; set; } = 30;
    /// <summary>The length of the ask rate limit's fixed window, in seconds.</summary>
    public int AskWindowSeconds { get; set; } = 60;
    /// <summary>
    /// Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated, e.g. "127.0.0.1"). Empty (the default):
    /// no forwarded header is believed. Set, the client address they forward is the one the ask limit, the write check and the
    /// audit log see.
    /// </summary>
    public string? TrustedProxies { get; set; }

    /// <summary>The parsed <see cref="TrustedProxies"/>; throws with the bad entry named.</summary>
    public IReadOnlyList<System.Net.IPAddress> TrustedProxyAddresses() =>
        [.. (TrustedProxies ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(a =>
            System.Net.IPAddress.TryParse(a, out var ip) ? ip
            : throw new SettingsException($"the setting Web:TrustedProxies holds '{a}', which is not an IP address: give the proxies' addresses separated by commas"))];
}

public static class ApplicationServices
{
    /// <summary>The Core services, the index, JSON with CJK unescaped, problem details, OpenAPI, Kestrel limits.</summary>
    /// <summary>The rate limiter policy of /api/ask and /api/ask/stream.</summary>
    public const string AskRateLimit = "ask";

    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var web = new WebOptions();
        configuration.GetSection("Web").Bind(web);
        builder.Services.AddSingleton(web);

        builder.WebHost.UseUrls(configuration["urls"] is { Length: > 0 } urls ? urls : SourceSearchApp.DefaultUrl);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = web.MaxRequestBodyBytes;
            // A long query arrives percent-encoded (9 bytes a CJK character): let it reach the API, which answers it with a clear message.
            k.Limits.MaxRequestLineSize = 256 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 320 * 1024;
        });

        // Logs go to stderr: stdout stays clean for whoever runs the server.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Readable JSON: CJK as it is, and quotes in messages (detail: "unknown sort 'x'") not turned into \u0027. The
            // responses are application/json with nosniff, read by fetch and JSON.parse, never put into HTML as they are,
            // so the HTML-sensitive characters need no escaping here.
            o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // A write the index could not store (disk full, read-only folder) says why and what to do; reads go on.
            if (c.Exception is Index.IndexWriteException write)
            {
                c.ProblemDetails.Title = write.Kind switch
                {
                    Index.WriteFailureKind.DiskFull => "The index's disk is full",
                    Index.WriteFailureKind.Reindexed => "The index is being rebuilt",
                    _ => "The index is read-only",
                };
                c.ProblemDetails.Detail = write.Message;
            }
            // Errors the framework answers itself (no route, wrong method, not JSON) still say what to do.
            c.ProblemDetails.Detail ??= c.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => $"nothing at {c.HttpContext.Request.Path}: the API is under /api (search, ask, articles), its description at /openapi/v1.json",
                StatusCodes.Status405MethodNotAllowed => $"{c.HttpContext.Request.Method} is not allowed on {c.HttpContext.Request.Path}",
                StatusCodes.Status415UnsupportedMediaType => "send the body as JSON with the header Content-Type: application/json",
                StatusCodes.Status413PayloadTooLarge => "the request body is larger than the server accepts (setting Web:MaxRequestBodyBytes)",
                StatusCodes.Status431RequestHeaderFieldsTooLarge or StatusCodes.Status414UriTooLong => "the request is too long: shorten the query",
                >= 500 => "the server failed on this request; it has been logged",
                _ => c.ProblemDetails.Title,
            };
            // Every problem has a code and a Chinese text for the page (those made with their own keep them).
            Api.Problems.Localize(c.ProblemDetails);
        });
        builder.Services.AddOpenApi();
        var proxies = web.TrustedProxyAddresses();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Only the configured proxies: ASP.NET Core would otherwise believe any loopback sender.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
        });
        builder.Services.AddRateLimiter(o =>
        {
            // Per client address, a fixed window; over the limit the request is refused at once (no queue).
            o.AddPolicy(AskRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, web.AskPermitLimit),
                    Window = TimeSpan.FromSeconds(Math.Max(1, web.AskWindowSeconds)),
                    QueueLimit = 0,
                }));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancel) =>
            {
                var http = context.HttpContext;
                int seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)
                    ? (int)Math.Ceiling(retry.TotalSeconds) : Math.Max(1, web.AskWindowSeconds);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4", // where 429 is defined, as for the other statuses
                        Title = "Too many questions",
                        Detail = $"at most {web.AskPermitLimit} questions every {web.AskWindowSeconds} seconds from one address: ask again in {seconds} s " +
                                 "(settings Web:AskPermitLimit, Web:AskWindowSeconds)",
                        Extensions =
                        {
                            ["code"] = "too-many-questions",
                            ["zh"] = $"同一地址每 {web.AskWindowSeconds} 秒最多提问 {web.AskPermitLimit} 次：请 {seconds} 秒后再问",
                        },
                    },
                });
            };
        });

        builder.Services.AddSourceSearchCore(configuration);
        builder.Services.AddSingleton<IndexHost>();
        // The searcher over the open index and the answerer come from the composition root the CLI uses too; the web
        // only widens the query length it accepts (registered after the shared options, so it is the one used).
        builder.Services.AddSingleton(_ =>
        {
            var options = new SearchOptions();
            configuration.GetSection("Search").Bind(options);
            options.MaxQueryLength = Math.Max(options.MaxQueryLength, web.MaxQueryLength);
            return options;
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<SourceSearchServices>().CreateSearcher(sp.GetRequiredService<IndexHost>().Index));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<SourceSearchServices>().CreateAnswerer(sp.GetRequiredService<Searcher>()));
    }

    /// <summary>Security headers on every response, problem details for every error (never a stack trace), the page's static files.</summary>
    public static void UseApplicationPipeline(this WebApplication app)
    {
        if (app.Services.GetRequiredService<WebOptions>().TrustedProxies is { Length: > 0 }) app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                Index.IndexWriteException { Kind: Index.WriteFailureKind.DiskFull } => StatusCodes.Status507InsufficientStorage,
                Index.IndexWriteException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapOpenApi();
    }

    /// <summary>The page: index.html answers / and the article view /articles/{id} (the script reads the URL).</summary>
    public static void MapPage(this WebApplication app)
    {
        app.MapFallbackToFile("/articles/{**id}", "index.html").ExcludeFromDescription();
        // Browsers and tools that ignore the page's icon link still ask for /favicon.ico.
        app.MapGet("/favicon.ico", () => Results.Redirect("/favicon.svg", permanent: true)).ExcludeFromDescription();
    }
}
