using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SourceSearch.Web.Tests;

/// <summary>POST /api/articles with a multipart file upload, read as `import` reads files.</summary>
public sealed class UploadTests(WebServer server) : IClassFixture<WebServer>
{
    private static MultipartFormDataContent Form(string fileName, string content)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent();
        // Set the name raw, so a name with directories reaches the server as written.
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = "\"" + fileName + "\"" };
        form.Add(file);
        return form;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task A_txt_upload_is_added_and_searchable()
    {
        var r = await server.Client.PostAsync("/api/articles", Form("upload-eel.txt", "鳗鱼饭的做法\n\n松江府的鳗鱼饭，以酱汁浓郁闻名。"));
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        var added = Assert.Single(json.GetProperty("added").EnumerateArray());
        Assert.Equal("upload-eel", added.GetProperty("id").GetString());
        Assert.Empty(json.GetProperty("failed").EnumerateArray());
        Assert.Equal("/api/articles/upload-eel", r.Headers.Location?.ToString());

        var found = await JsonAsync(await server.Client.GetAsync("/api/search?q=" + Uri.EscapeDataString("鰻魚飯")));
        Assert.Contains(found.GetProperty("hits").EnumerateArray(), h => h.GetProperty("id").GetString() == "upload-eel");

        // The same file again: nothing new, so a problem naming the id.
        var again = await server.Client.PostAsync("/api/articles", Form("upload-eel.txt", "鳗鱼饭的做法\n\n松江府的鳗鱼饭。"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("upload-eel", (await JsonAsync(again)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_jsonl_upload_with_a_bad_line_adds_the_rest_and_reports_the_line()
    {
        string jsonl = """
            {"id":"upload/one","title":"第一篇","text":"青浦的菱角上市了。"}
            {"id":"upload/two", this is not json
            {"id":"upload/three","title":"第三篇","text":"金泽古镇的桥很多。"}
            """;
        var r = await server.Client.PostAsync("/api/articles", Form("batch.jsonl", jsonl));
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(["upload/one", "upload/three"], json.GetProperty("added").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToArray());
        var failed = Assert.Single(json.GetProperty("failed").EnumerateArray());
        Assert.Equal(2, failed.GetProperty("line").GetInt32());
        Assert.Equal("batch.jsonl", failed.GetProperty("file").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("reason").GetString()));
        // Said in both languages, with a code.
        Assert.Equal("unreadable", failed.GetProperty("code").GetString());
        Assert.StartsWith("无法读取", failed.GetProperty("zh").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/api/articles/" + Uri.EscapeDataString("upload/three"))).StatusCode);
    }

    [Theory]
    [InlineData("../../etc/evil.txt")]
    [InlineData("..\\..\\evil.txt")]
    [InlineData("a/../evil.txt")]
    public async Task A_file_name_with_dot_dot_is_refused(string name)
    {
        var r = await server.Client.PostAsync("/api/articles", Form(name, "不该写到别处的文章。"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        Assert.Contains("..", (await JsonAsync(r)).GetProperty("detail").GetString());
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "evil.txt")));
    }

    [Fact]
    public async Task Directories_in_the_file_name_are_stripped()
    {
        var r = await server.Client.PostAsync("/api/articles", Form("/tmp/some/dir/stripped-name.md", "# 标题\n\n路径被去掉的文章。"));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal("stripped-name", (await JsonAsync(r)).GetProperty("added")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_unsupported_type_or_no_file_is_a_problem()
    {
        var r = await server.Client.PostAsync("/api/articles", Form("program.exe", "MZ"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(".jsonl", (await JsonAsync(r)).GetProperty("detail").GetString());

        var empty = new MultipartFormDataContent { { new StringContent("x"), "title" } };
        var none = await server.Client.PostAsync("/api/articles", empty);
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("no file", (await JsonAsync(none)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_form_from_another_site_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/articles") { Content = Form("csrf.txt", "跨站提交的文章。") };
        request.Headers.Add("Origin", "http://evil.example");
        var r = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/api/articles/csrf")).StatusCode);
    }
}

/// <summary>Uploads over the body size limit (4000 bytes on this server).</summary>
public sealed class UploadLimitTests(LimitedServer limited) : IClassFixture<LimitedServer>
{
    [Fact]
    public async Task An_upload_over_the_limit_gets_413_problem()
    {
        var form = new MultipartFormDataContent();
        form.Add(new StringContent(new string('长', 5000)), "file", "big.txt");
        var r = await limited.Server.Client.PostAsync("/api/articles", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("Web:MaxRequestBodyBytes", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await limited.Server.Client.GetAsync("/api/articles/big")).StatusCode);
    }

    [Fact]
    public async Task A_chunked_upload_over_the_limit_gets_413_problem()
    {
        // No Content-Length: the limit is found while reading.
        var file = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string('长', 5000))));
        var form = new MultipartFormDataContent { { file, "file", "big2.txt" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/articles") { Content = form };
        request.Headers.TransferEncodingChunked = true;
        var r = await limited.Server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
    }
}
