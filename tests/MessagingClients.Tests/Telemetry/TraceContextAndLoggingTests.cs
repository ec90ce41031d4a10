using System.Diagnostics;
using MessagingClients.MaxMd;
using MessagingClients.Telemetry;
using MessagingClients.Tests.MaxMd;

namespace MessagingClients.Tests.Telemetry;

public sealed class TraceContextAndLoggingTests
{
    [Fact]
    public async Task Each_request_carries_one_traceparent_of_the_operations_trace()
    {
        using var capture = new TelemetryCapture(allSources: true);
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json("{\"message\":\"busy\",\"code\":999}", 503), MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        using var root = TelemetryCapture.TestSource.StartActivity("trace root")!;
        await h.Run(c => c.SendMessageAsync(MaxMdHarness.Message()));
        root.Stop();

        var attempts = capture.SpansOf(root.TraceId).Where(s => s.OperationName == "maxmd Send attempt").ToList();
        Assert.Equal(2, attempts.Count);
        var requests = h.Server.LogEntries.Select(e => e.RequestMessage!).ToList();
        Assert.Equal(2, requests.Count);
        foreach (var request in requests)
        {
            var values = request.Headers!.Single(p => string.Equals(p.Key, "traceparent", StringComparison.OrdinalIgnoreCase)).Value;
            var traceparent = Assert.Single(values);
            var parts = traceparent.Split('-');
            Assert.Equal(4, parts.Length);
            Assert.Equal("00", parts[0]);
            Assert.Equal(root.TraceId.ToHexString(), parts[1]);

            // The parent is HttpClient's own HTTP span, itself a child of one of our attempt spans.
            var http = Assert.Single(capture.SpansOf(root.TraceId), s => s.SpanId.ToHexString() == parts[2]);
            Assert.Equal(ActivityKind.Client, http.Kind);
            Assert.Contains(http.ParentSpanId, attempts.Select(a => a.SpanId));
        }
    }

    [Fact]
    public async Task Request_bodies_are_not_logged_by_default_and_headers_pass_the_allow_list_only()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        await h.Run(c => c.SendMessageAsync(MaxMdHarness.Message()));

        var lines = h.Logs.Lines.ToList();
        Assert.DoesNotContain(lines, l => l.Contains("[1010]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[1008]", StringComparison.Ordinal) && l.Contains("PUT http://", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[1009]", StringComparison.Ordinal) && l.Contains("HTTP 200", StringComparison.Ordinal));
        var request = Assert.Single(lines, l => l.Contains("[1013]", StringComparison.Ordinal));
        Assert.Contains("Content-Type: application/json; charset=utf-8", request, StringComparison.Ordinal);
        Assert.Contains("Idempotency-Key: ", request, StringComparison.Ordinal);
        var response = Assert.Single(lines, l => l.Contains("[1014]", StringComparison.Ordinal));
        Assert.Contains("Content-Type: application/json", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_logged_maxmd_body_has_its_password_redacted()
    {
        using var h = new MaxMdHarness(o => o.Logging.LogRequestBodies = true);
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        await h.Run(c => c.SendMessageAsync(MaxMdHarness.Message()));

        var body = Assert.Single(h.Logs.Lines, l => l.Contains("[1010]", StringComparison.Ordinal));
        Assert.Contains("\"password\":\"***\"", body, StringComparison.Ordinal);
        Assert.Contains("\"username\":\"" + MaxMdHarness.Username + "\"", body, StringComparison.Ordinal);
        Assert.Contains("Patient summary attached.", body, StringComparison.Ordinal);
        Assert.DoesNotContain(MaxMdHarness.Password, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("Proxy-Authorization", true)]
    [InlineData("X-Api-Key", true)]
    [InlineData("X-Auth-Token", true)]
    [InlineData("Cookie", true)]
    [InlineData("Idempotency-Key", false)]
    [InlineData("Retry-After", false)]
    public void Sensitive_headers_are_recognised(string name, bool sensitive) =>
        Assert.Equal(sensitive, HttpLogFormatter.IsSensitive(name));

    [Theory]
    [InlineData("https://user:pw@api.example.com:8443/path/x?key=secret#frag", "https://api.example.com:8443/path/x?*")]
    [InlineData("https://api.example.com/path", "https://api.example.com/path")]
    public void Urls_lose_user_info_query_and_fragment(string url, string expected) =>
        Assert.Equal(expected, HttpLogFormatter.SafeUrl(new Uri(url)));

    [Fact]
    public void A_redaction_that_would_still_show_the_secret_drops_the_body()
    {
        var body = System.Text.Encoding.UTF8.GetBytes("{\"authentication\":{\"password\":\"pw-123\"},\"note\":\"pw-123\"}");

        Assert.Null(BodyRedaction.Json(body, new[] { "password" }, "pw-123"));
        Assert.Equal("{\"authentication\":{\"password\":\"***\"},\"note\":\"fine\"}",
            BodyRedaction.Json(System.Text.Encoding.UTF8.GetBytes("{\"authentication\":{\"password\":\"pw-123\"},\"note\":\"fine\"}"), new[] { "password" }, "pw-123"));
        Assert.Equal("<REQUEST><API_KEY>***</API_KEY></REQUEST>",
            BodyRedaction.XmlElement(System.Text.Encoding.UTF8.GetBytes("<REQUEST><API_KEY>k&amp;1</API_KEY></REQUEST>"), "API_KEY", "k&1"));
        Assert.Equal("a=1&password=***", BodyRedaction.Form(System.Text.Encoding.UTF8.GetBytes("a=1&password=p%40ss"), new[] { "password" }, "p@ss"));
    }

    [Fact]
    public void Logging_options_are_validated_and_named()
    {
        var options = new MaxMdClientOptions { Username = MaxMdHarness.Username, Password = "x" };
        options.Logging.MaxBodyLength = -1;

        var error = Assert.Throws<ArgumentException>(() => new MaxMdClient(options));

        Assert.Contains("Messaging:MaxMd:Logging:MaxBodyLength", error.Message, StringComparison.Ordinal);
    }
}
