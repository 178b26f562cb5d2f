using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SourceSearch.Tests.Import;

namespace SourceSearch.Web.Tests;

/// <summary>Uploads and articles made to hurt the server: zip bombs, disguised binaries, endless bodies, hostile names and markup.</summary>
public sealed class HostileUploadTests(WebServer server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<WebServer>
{
    private static MultipartFormDataContent Form(string fileName, byte[] content)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = "\"" + fileName + "\"" };
        return new MultipartFormDataContent { file };
    }

    private static async Task<string> DetailAsync(HttpResponseMessage r)
    {
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
    }

    private async Task AssertAbsentAsync(string id) =>
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/api/articles/" + Uri.EscapeDataString(id))).StatusCode);

    [Fact]
    public async Task A_zip_bomb_docx_is_refused_with_a_clear_message_and_the_server_stays_healthy()
    {
        byte[] bomb = ZipBomb.Docx(2L << 30); // about 2 MB, 2 GB inflated
        var r = await server.Client.PostAsync("/api/articles", Form("quarterly-report.docx", bomb)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        string detail = await DetailAsync(r);
        Assert.Contains("quarterly-report.docx", detail);
        Assert.Contains("bomb", detail);
        await AssertAbsentAsync("quarterly-report");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Html_nested_200000_deep_is_refused_and_the_server_lives_on()
    {
        // Before the limit this ended the server process with a stack overflow.
        string html = "<html><body>" + string.Concat(Enumerable.Repeat("<div><span>", 100_000)) + "深处</body></html>";
        var r = await server.Client.PostAsync("/api/articles", Form("abyss.html", Encoding.UTF8.GetBytes(html))).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("nested", await DetailAsync(r));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_docx_nested_100000_deep_is_refused_and_the_server_lives_on()
    {
        var r = await server.Client.PostAsync("/api/articles", Form("abyss.docx", ZipBomb.DeepDocx(100_000))).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("nests elements", await DetailAsync(r));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
    }

    [Theory]
    [InlineData("disguised.docx")]
    [InlineData("disguised.html")]
    [InlineData("disguised.pdf")]
    [InlineData("disguised.txt")]
    public async Task A_binary_file_under_a_document_name_is_refused(string name)
    {
        byte[] bytes = new byte[32 * 1024];
        new Random(11).NextBytes(bytes);
        bytes[0] = 0x7F; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F';
        var r = await server.Client.PostAsync("/api/articles", Form(name, bytes));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(name, await DetailAsync(r));
        await AssertAbsentAsync(Path.GetFileNameWithoutExtension(name));
    }

    /// <summary>
    /// Sends a POST over a raw socket whose body would be <paramref name="total"/> bytes, writing it block by
    /// block until the server answers; returns the status line and how many body bytes had been written by then.
    /// </summary>
    private async Task<(string Status, long Sent)> SendEndlessAsync(string path, string contentType, byte[] prefix, long total, bool chunked)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = tcp.GetStream();
        string head = $"POST {path} HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nContent-Type: {contentType}\r\n" +
                      (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {total}\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // Cancelled by the answer, or after two minutes: a server that stopped reading without answering
        // must fail the test, not block the write forever.
        using var answered = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var response = Task.Run(async () =>
        {
            var received = new MemoryStream();
            var buffer = new byte[4096];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
                string text = Encoding.ASCII.GetString(received.ToArray());
                if (text.Contains("\r\n\r\n")) { answered.Cancel(); return text; }
            }
            answered.Cancel();
            return Encoding.ASCII.GetString(received.ToArray());
        });

        byte[] block = Enumerable.Repeat((byte)'A', 64 * 1024).ToArray();
        long sent = 0;
        try
        {
            async Task Write(byte[] bytes)
            {
                if (chunked) await stream.WriteAsync(Encoding.ASCII.GetBytes($"{bytes.Length:X}\r\n"), answered.Token);
                await stream.WriteAsync(bytes, answered.Token);
                if (chunked) await stream.WriteAsync("\r\n"u8.ToArray(), answered.Token);
                sent += bytes.Length;
            }
            await Write(prefix);
            while (sent < total && !answered.IsCancellationRequested) await Write(block);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
            // The server answered and closed the connection: it stopped reading.
        }
        string status = (await response.WaitAsync(TimeSpan.FromMinutes(2))).Split("\r\n")[0];
        output.WriteLine($"{(chunked ? "chunked" : "Content-Length")} {total:N0} bytes to {path} ({contentType}): '{status}' after {sent:N0} bytes of the body");
        return (status, sent);
    }

    private static readonly byte[] FilePartStart = Encoding.ASCII.GetBytes(
        "--bound\r\nContent-Disposition: form-data; name=\"file\"; filename=\"endless.txt\"\r\nContent-Type: text/plain\r\n\r\n");

    [Fact]
    public async Task A_1_GB_upload_is_refused_from_its_length_before_its_body_is_sent()
    {
        const long oneGb = 1L << 30;
        var (status, sent) = await SendEndlessAsync("/api/articles", "multipart/form-data; boundary=bound", FilePartStart, oneGb, chunked: false);
        Assert.StartsWith("HTTP/1.1 413", status);
        // Only what the sockets' buffers took before the answer came: a few MB at most, not 1 GB.
        Assert.True(sent < 64L << 20, $"{sent:N0} bytes were sent before the answer");
        await AssertAbsentAsync("endless");

        var (jsonStatus, jsonSent) = await SendEndlessAsync("/api/articles", "application/json", "{\"text\":\""u8.ToArray(), oneGb, chunked: false);
        Assert.StartsWith("HTTP/1.1 413", jsonStatus);
        Assert.True(jsonSent < 64L << 20, $"{jsonSent:N0} bytes were sent before the answer");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_1_GB_chunked_upload_is_refused_once_the_limit_is_read()
    {
        // No length given: the server reads up to its limit (20 MB by default) and then answers.
        var (status, sent) = await SendEndlessAsync("/api/articles", "multipart/form-data; boundary=bound", FilePartStart, 1L << 30, chunked: true);
        Assert.StartsWith("HTTP/1.1 413", status);
        Assert.True(sent < 128L << 20, $"{sent:N0} bytes were sent before the answer");
        await AssertAbsentAsync("endless");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
    }

    [Theory]
    [InlineData("filename*=UTF-8''..%2F..%2Fetc%2Fescaped.txt")]
    [InlineData("filename*=UTF-8''..%5C..%5Cescaped.txt")]
    [InlineData("filename=\"....//....//escaped.txt\"; filename*=UTF-8''%2E%2E%2Fescaped.txt")]
    [InlineData("filename=\"escaped%00.txt\"; filename*=UTF-8''escaped%00.txt")]
    public async Task Encoded_path_traversal_in_the_file_name_is_refused(string disposition)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes("越界写入的文章。"));
        var form = new MultipartFormDataContent();
        file.Headers.TryAddWithoutValidation("Content-Disposition", "form-data; name=\"file\"; " + disposition);
        form.Add(file);
        var r = await server.Client.PostAsync("/api/articles", form);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await DetailAsync(r)));
        await AssertAbsentAsync("escaped");
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "escaped.txt")));
    }

    [Fact]
    public async Task Html_keeps_its_text_and_drops_scripts_styles_frames_and_handlers()
    {
        const string html = """
            <html><head><title>外滩夜景</title><script>window.pwned=1</script><style>body{background:url(javascript:alert(1))}</style>
            <script>alert('head')</script></head>
            <body onload="alert('body')"><h1>外滩夜景</h1>
            <p onclick="alert('p')">黄浦江两岸的灯光<img src=x onerror="alert('img')">很美。</p>
            <iframe src="javascript:alert('frame')">框架里的字</iframe><noscript>没有脚本时</noscript>
            <script type="text/javascript">document.write('<b>injected</b>')</script>
            <svg onload="alert('svg')"><script>alert('svg2')</script></svg>
            <p>&lt;script&gt;这是文字，不是脚本&lt;/script&gt;</p>
            </body></html>
            """;
        var r = await server.Client.PostAsync("/api/articles", Form("bund-night.html", Encoding.UTF8.GetBytes(html)));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var article = await server.Client.GetFromJsonAsync<JsonElement>("/api/articles/bund-night");
        string text = article.GetProperty("text").GetString()!;
        Assert.Contains("黄浦江两岸的灯光很美。", text);
        foreach (string gone in (string[])["alert", "pwned", "background", "injected", "框架里的字", "没有脚本时", "onerror", "onclick"])
            Assert.DoesNotContain(gone, text);
        // Text that only looks like markup (it was escaped in the HTML) is text, and stays.
        Assert.Contains("<script>这是文字，不是脚本</script>", text);
        Assert.Equal("外滩夜景", article.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Json_articles_with_NUL_keep_their_offsets_and_NUL_ids_or_broken_surrogates_are_refused()
    {
        // Escaped in JSON, so the body itself is valid UTF-8.
        const string body = """{"id":"nul-text","title":"t\u0000","text":"前\u0000后，外滩的钟声。"}""";
        var r = await server.Client.PostAsync("/api/articles", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var article = await server.Client.GetFromJsonAsync<JsonElement>("/api/articles/nul-text");
        Assert.Equal("前\uFFFD后，外滩的钟声。", article.GetProperty("text").GetString());

        var bad = await server.Client.PostAsync("/api/articles", new StringContent("""{"id":"a\u0000b","text":"正文"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("NUL", await DetailAsync(bad));
        var put = await server.Client.PutAsync("/api/articles/a%00b", new StringContent("""{"text":"正文"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode); // Kestrel itself refuses a NUL in the path

        // A lone surrogate escape is not valid JSON text for the serializer: a 400 that says so.
        var surrogate = await server.Client.PostAsync("/api/articles", new StringContent("""{"text":"前\ud800后"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, surrogate.StatusCode);
        Assert.Contains("not valid JSON", await DetailAsync(surrogate));
    }
}
