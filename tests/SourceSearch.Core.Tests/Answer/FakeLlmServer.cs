using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SourceSearch.Tests.Answer;

/// <summary>A request the fake server received.</summary>
public sealed record RecordedRequest(string Path, string? Authorization, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Model => Json.GetProperty("model").GetString()!;

    public bool Stream => Json.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

    /// <summary>All the message texts, joined (a turn that only called functions has none).</summary>
    public string MessagesText => string.Join("\n", Messages.Select(m => m.Text));

    /// <summary>The messages sent: role and text.</summary>
    public IReadOnlyList<(string Role, string Text)> Messages => Json.GetProperty("messages").EnumerateArray().Select(m => (
        m.GetProperty("role").GetString()!,
        m.TryGetProperty("content", out var content) ? content switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString()!,
            { ValueKind: JsonValueKind.Array } parts => string.Concat(parts.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : "")),
            _ => "",
        } : "")).ToList();

    /// <summary>What the functions returned, as sent back to the model (the tool messages), in order.</summary>
    public IReadOnlyList<string> ToolResults => Messages.Where(m => m.Role == "tool").Select(m => m.Text).ToList();

    /// <summary>The names of the functions offered to the model.</summary>
    public IReadOnlyList<string> ToolNames => Json.TryGetProperty("tools", out var tools)
        ? tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!).ToList()
        : [];
}

/// <summary>
/// An OpenAI-compatible chat server on Kestrel at 127.0.0.1 and a free port: POST /v1/chat/completions
/// answers with the next queued reply (or <see cref="Default"/>) and records what it was sent.
/// </summary>
public sealed class FakeLlmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _replies = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeLlmServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Where a reply finds the request body (already read): HttpContext.Items[BodyKey].</summary>
    public const string BodyKey = "fake-llm-body";

    /// <summary>The reply when none is queued.</summary>
    public Func<HttpContext, Task> Default { get; set; } = Reply.Status(500);

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public static async Task<FakeLlmServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Test" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeLlmServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    public void Enqueue(params Func<HttpContext, Task>[] replies)
    {
        foreach (var reply in replies) _replies.Enqueue(reply);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        _requests.Enqueue(new RecordedRequest(context.Request.Path, context.Request.Headers.Authorization.ToString(), body));
        context.Items[BodyKey] = body;
        var reply = _replies.TryDequeue(out var next) ? next : Default;
        try
        {
            await reply(context);
        }
        catch (OperationCanceledException)
        {
            // The client gave up (a timeout test): nothing more to send.
        }
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on (it was free a moment ago).</summary>
    public static int UnusedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>Replies shaped like OpenAI's.</summary>
public static class Reply
{
    public static Func<HttpContext, Task> Completion(string content, string finishReason = "stop") => context =>
    {
        var json = new
        {
            id = "chatcmpl-test",
            @object = "chat.completion",
            created = 1_700_000_000,
            model = "test-model",
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = finishReason } },
            usage = new { prompt_tokens = 100, completion_tokens = 20, total_tokens = 120 },
        };
        return Json(JsonSerializer.Serialize(json))(context);
    };

    public static Func<HttpContext, Task> Json(string body, int status = 200) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    };

    public static Func<HttpContext, Task> Status(int status, string? message = null) =>
        Json(JsonSerializer.Serialize(new { error = new { message = message ?? $"status {status}", type = "test_error", code = status } }), status);

    /// <summary>Server-sent events: one chunk per delta, a last chunk with finish_reason, then [DONE].</summary>
    public static Func<HttpContext, Task> Stream(params string[] deltas) => context => WriteStream(context, deltas, complete: true);

    /// <summary>Like <see cref="Stream"/>, with a pause before each chunk after the first: for watching an answer arrive.</summary>
    public static Func<HttpContext, Task> SlowStream(TimeSpan gap, params string[] deltas) => context => WriteStream(context, deltas, complete: true, gap);

    /// <summary>Sends the first chunk, then the rest once <paramref name="gate"/> completes: for seeing an answer half-way, whatever the machine's speed.</summary>
    public static Func<HttpContext, Task> GatedStream(Task gate, params string[] deltas) => async context =>
    {
        await WriteStream(context, deltas[..1], complete: false);
        await gate.WaitAsync(context.RequestAborted);
        await WriteStream(context, deltas[1..], complete: true, first: false);
    };

    /// <summary>Sends some chunks and then drops the connection, with no finish and no [DONE].</summary>
    public static Func<HttpContext, Task> BrokenStream(params string[] deltas) => async context =>
    {
        await WriteStream(context, deltas, complete: false);
        await Task.Delay(50);
        context.Abort();
    };

    /// <summary>A 200 event stream of these raw events (each written as given, then a blank line): for garbage in the stream.</summary>
    public static Func<HttpContext, Task> RawStream(params string[] events) => async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        foreach (string e in events)
        {
            await context.Response.WriteAsync(e + "\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    };

    /// <summary>A stream reply to a streaming request, a completion to any other: the same text either way.</summary>
    public static Func<HttpContext, Task> Either(string content) => async context =>
    {
        using var doc = JsonDocument.Parse((string)context.Items[FakeLlmServer.BodyKey]!);
        bool stream = doc.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        await (stream ? Stream(content) : Completion(content))(context);
    };

    /// <summary>
    /// A turn that calls functions (OpenAI's tool calls), streamed to a streaming request, as one completion to any other.
    /// Each call is a function name as offered (plugin-function) and its arguments as JSON.
    /// </summary>
    public static Func<HttpContext, Task> ToolCalls(params (string Name, string Arguments)[] calls) => async context =>
    {
        using var doc = JsonDocument.Parse((string)context.Items[FakeLlmServer.BodyKey]!);
        bool stream = doc.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        int turn = doc.RootElement.GetProperty("messages").GetArrayLength();
        var toolCalls = calls.Select((c, i) => new { index = i, id = $"call_{turn}_{i}", type = "function", function = new { name = c.Name, arguments = c.Arguments } }).ToArray();
        if (!stream)
        {
            var json = new
            {
                id = "chatcmpl-tools",
                @object = "chat.completion",
                created = 1_700_000_000,
                model = "test-model",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = (string?)null, tool_calls = toolCalls }, finish_reason = "tool_calls" } },
                usage = new { prompt_tokens = 100, completion_tokens = 10, total_tokens = 110 },
            };
            await Json(JsonSerializer.Serialize(json))(context);
            return;
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        async Task Send(string data)
        {
            await context.Response.WriteAsync("data: " + data + "\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        // As services stream them: the call's id and name first, its arguments in pieces after.
        foreach (var call in toolCalls)
        {
            await Send(Chunk(new { role = "assistant", tool_calls = new[] { new { call.index, call.id, call.type, function = new { call.function.name, arguments = "" } } } }, null));
            int half = call.function.arguments.Length / 2;
            foreach (string piece in (string[])[call.function.arguments[..half], call.function.arguments[half..]])
                await Send(Chunk(new { tool_calls = new[] { new { call.index, function = new { arguments = piece } } } }, null));
        }
        await Send(Chunk(new { role = (string?)null, content = (string?)null }, "tool_calls"));
        await Send("[DONE]");
    };

    /// <summary>A search of the corpus by the model.</summary>
    public static Func<HttpContext, Task> Search(string query) => ToolCalls(("corpus-search", JsonSerializer.Serialize(new { query })));

    /// <summary>A reply made from the request: for a scripted model that answers from what the functions returned.</summary>
    public static Func<HttpContext, Task> From(Func<RecordedRequest, Func<HttpContext, Task>> reply) => context =>
        reply(new RecordedRequest(context.Request.Path, context.Request.Headers.Authorization.ToString(), (string)context.Items[FakeLlmServer.BodyKey]!))(context);

    public static Func<HttpContext, Task> After(TimeSpan delay, Func<HttpContext, Task> reply) => async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        await reply(context);
    };

    private static async Task WriteStream(HttpContext context, string[] deltas, bool complete, TimeSpan gap = default, bool first = true)
    {
        if (first)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
        }
        async Task Send(string data)
        {
            await context.Response.WriteAsync("data: " + data + "\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        for (int i = 0; i < deltas.Length; i++)
        {
            if (i > 0 && gap > TimeSpan.Zero) await Task.Delay(gap, context.RequestAborted);
            await Send(Chunk(new { role = i == 0 && first ? "assistant" : null, content = deltas[i] }, null));
        }
        if (!complete) return;
        await Send(Chunk(new { role = (string?)null, content = (string?)null }, "stop"));
        await Send("[DONE]");
    }

    private static string Chunk(object delta, string? finishReason) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "test-model",
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    });
}
