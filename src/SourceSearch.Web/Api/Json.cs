using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace SourceSearch.Web.Api;

/// <summary>Reads a JSON body so that every mistake in it gets a problem with a message, not a bare 400 or a 500.</summary>
internal static class Json
{
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancel) where T : class
    {
        if (!request.HasJsonContentType())
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "The body must be JSON", "not-json",
                "send the body as JSON with the header Content-Type: application/json", "请以 JSON 发送请求体，并带上头 Content-Type: application/json"));
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancel);
            return body is null ? (null, Problems.BadRequest("json-null", "the body is JSON null: send an object", "请求体是 JSON null：请发送一个对象")) : (body, null);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
            return (null, Problems.BadRequest($"the body is not valid JSON for this request{where}: {e.Message.Split(" Path:")[0]}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var web = request.HttpContext.RequestServices.GetRequiredService<WebOptions>();
            return (null, Problems.TooLarge($"the body is larger than {web.MaxRequestBodyBytes:N0} bytes, the limit (setting Web:MaxRequestBodyBytes)",
                $"请求体超过了 {web.MaxRequestBodyBytes:N0} 字节的上限（设置 Web:MaxRequestBodyBytes）"));
        }
    }
}
