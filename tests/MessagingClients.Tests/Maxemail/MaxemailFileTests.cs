using System.Text;
using MessagingClients.Maxemail;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MessagingClients.Tests.Maxemail;

public sealed class MaxemailFileTests
{
    private static void InitialiseAnswers(MaxemailHarness h, string key = "abc123") =>
        h.Server.Given(MaxemailHarness.Post("file_upload").WithBody("method=initialise")).RespondWith(MaxemailHarness.Json("{\"key\":\"" + key + "\"}"));

    [Fact]
    public async Task Upload_initialises_then_streams_a_multipart_body_with_method_key_and_file_parts()
    {
        using var h = new MaxemailHarness();
        InitialiseAnswers(h);
        h.Server.Given(Request.Create().WithPath("/api/json/file_upload").UsingPost().WithHeader("Content-Type", "multipart/form-data*"))
            .RespondWith(MaxemailHarness.Json("true"));
        var csv = "email_address,name\nzoë@example.com,Zoë\n";

        var result = await h.Client.Files.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "recipients.csv", "text/csv", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("abc123", result.Value);
        Assert.Equal(2, result.Attempts);
        Assert.Equal("method=initialise", h.Body(0));
        var upload = h.Requests[1];
        var contentType = upload.Headers!["Content-Type"].Single();
        Assert.StartsWith("multipart/form-data", contentType, StringComparison.Ordinal);
        var boundary = contentType.Split("boundary=")[1].Trim('"');
        var body = h.Body(1);
        var parts = body.Split("--" + boundary).Select(p => p.Trim('\r', '\n')).Where(p => p.Length > 0 && p != "--").ToList();
        Assert.Equal(3, parts.Count);
        Assert.Equal("Content-Disposition: form-data; name=\"method\"\r\n\r\nhandle", parts[0]);
        Assert.Equal("Content-Disposition: form-data; name=\"key\"\r\n\r\nabc123", parts[1]);
        Assert.Contains("Content-Type: text/csv", parts[2], StringComparison.Ordinal);
        Assert.Contains("Content-Disposition: form-data; name=\"file\"; filename=\"recipients.csv\"", parts[2], StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + csv.TrimEnd('\n'), parts[2], StringComparison.Ordinal);
        Assert.Equal("Basic dGVzdEBleGFtcGxlLmNvbTp5b3VUaG91Z2h0SVdvdWxkSW5jbHVkZVJlYWxDcmVkZW50aWFscz8=", upload.Headers["Authorization"].Single());
    }

    [Fact]
    public async Task A_non_seekable_upload_is_not_retried_even_after_503()
    {
        using var h = new MaxemailHarness();
        InitialiseAnswers(h);
        h.Server.Given(Request.Create().WithPath("/api/json/file_upload").UsingPost().WithHeader("Content-Type", "multipart/form-data*"))
            .RespondWith(MaxemailHarness.Json("{\"success\":false,\"msg\":\"Maintenance\"}", 503));
        using var stream = new ForwardOnlyStream(Encoding.UTF8.GetBytes("a,b\n1,2\n"));

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.Files.UploadAsync(stream, "data.csv")));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("cannot be rewound", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, h.Requests.Count);
        Assert.False(stream.Disposed);
    }

    [Fact]
    public async Task A_seekable_upload_is_rewound_and_retried_with_the_same_bytes_after_503()
    {
        using var h = new MaxemailHarness();
        InitialiseAnswers(h);
        var scenario = "upload";
        h.Server.Given(Request.Create().WithPath("/api/json/file_upload").UsingPost().WithHeader("Content-Type", "multipart/form-data*"))
            .InScenario(scenario).WillSetStateTo("ok").RespondWith(MaxemailHarness.Json("{\"success\":false,\"msg\":\"Maintenance\"}", 503));
        h.Server.Given(Request.Create().WithPath("/api/json/file_upload").UsingPost().WithHeader("Content-Type", "multipart/form-data*"))
            .InScenario(scenario).WhenStateIs("ok").RespondWith(MaxemailHarness.Json("true"));
        var bytes = Encoding.UTF8.GetBytes("prefix-to-skip|a,b\n1,2\n");
        using var stream = new MemoryStream(bytes);
        stream.Position = "prefix-to-skip|".Length;

        var result = await h.RunAsync(() => h.Client.Files.UploadAsync(stream, "data.csv"));

        Assert.Equal("abc123", result.Value);
        Assert.Equal(3, h.Requests.Count);
        Assert.Equal(h.Body(1), h.Body(2));
        Assert.EndsWith("\r\n\r\na,b\n1,2\n\r\n--" + h.Requests[1].Headers!["Content-Type"].Single().Split("boundary=")[1].Trim('"') + "--\r\n", h.Body(1), StringComparison.Ordinal);
        Assert.DoesNotContain("prefix-to-skip", h.Body(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_validates_its_arguments_before_sending()
    {
        using var h = new MaxemailHarness();

        Assert.Equal("content", (await Assert.ThrowsAsync<ArgumentNullException>(() => h.Client.Files.UploadAsync(null!, "a.csv", cancellationToken: TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("fileName", (await Assert.ThrowsAsync<ArgumentException>(() => h.Client.Files.UploadAsync(new MemoryStream(), " ", cancellationToken: TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("contentType", (await Assert.ThrowsAsync<ArgumentException>(() => h.Client.Files.UploadAsync(new MemoryStream(), "a.csv", "not a type", cancellationToken: TestContext.Current.CancellationToken))).ParamName);
        Assert.Empty(h.Requests);
    }

    [Fact]
    public async Task Download_is_streamed_and_owns_the_response()
    {
        using var h = new MaxemailHarness();
        var content = Enumerable.Range(0, 300_000).Select(i => (byte)(i % 251)).ToArray();
        h.Server.Given(Request.Create().WithPath("/download/file/key/abc123").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/csv").WithHeader("Content-Disposition", "attachment; filename=\"export.csv\"").WithBody(content));

        using var download = await h.Client.Files.DownloadFileAsync("abc123", TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await download.Content.CopyToAsync(copy, TestContext.Current.CancellationToken);

        Assert.Equal(content, copy.ToArray());
        Assert.Equal("text/csv", download.ContentType);
        Assert.Equal("export.csv", download.FileName);
        Assert.IsNotType<MemoryStream>(download.Content);
        Assert.False(download.Content.CanSeek);
        var request = Assert.Single(h.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("*/*", request.Headers!["Accept"].Single());
        Assert.StartsWith("Basic ", request.Headers["Authorization"].Single(), StringComparison.Ordinal);
        download.Dispose();
        Assert.Throws<ObjectDisposedException>(() => download.Content.ReadByte());
    }

    [Fact]
    public async Task A_download_that_succeeds_on_a_retry_is_still_readable()
    {
        using var h = new MaxemailHarness();
        h.Server.Given(Request.Create().WithPath("/download/listexport/id/42").UsingGet()).InScenario("d").WillSetStateTo("ok")
            .RespondWith(MaxemailHarness.Json("{\"success\":false,\"msg\":\"Internal error\"}", 500));
        h.Server.Given(Request.Create().WithPath("/download/listexport/id/42").UsingGet()).InScenario("d").WhenStateIs("ok")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/csv").WithBody("a,b\n"));

        using var download = await h.RunAsync(() => h.Client.Files.DownloadListExportAsync(42));
        using var reader = new StreamReader(download.Content);

        Assert.Equal("a,b\n", await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, download.Attempts);
    }

    [Fact]
    public async Task A_failed_download_is_a_classified_error()
    {
        using var h = new MaxemailHarness();
        h.Server.Given(Request.Create().WithPath("/download/dataexport/id/7").UsingGet()).RespondWith(MaxemailHarness.Json("{\"success\":false,\"msg\":\"Export not found\",\"code\":404}", 404));

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.Files.DownloadDataExportAsync(7)));

        Assert.Equal(MessagingErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("Export not found", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A readable stream that cannot seek, like a network stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
