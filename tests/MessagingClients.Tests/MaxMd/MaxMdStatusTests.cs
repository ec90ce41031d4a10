using System.Text;
using System.Text.Json;
using MessagingClients.MaxMd;
using WireMock.ResponseBuilders;

namespace MessagingClients.Tests.MaxMd;

public sealed class MaxMdStatusTests
{
    private const string EscapedId = "%3C1006462692.13.1775588067812.JavaMail.root%401342438-rs5r8.max.md%3E";

    [Fact]
    public async Task Status_lookup_posts_auth_and_reads_the_per_recipient_logs()
    {
        using var h = new MaxMdHarness();
        h.Sequence("POST", "GetMessageStatus/*", MaxMdHarness.Json(
            "{\"code\":0,\"success\":true,\"message\":\"ok\",\"messageLogs\":[" +
            "{\"recipient\":\"dr.a@direct.hospital.example\",\"status\":\"DISPATCHED\",\"sentTime\":\"2026-01-01T10:00:00Z\",\"extra\":{\"x\":1}}," +
            "{\"email\":\"b@direct.example.org\",\"deliveryStatus\":\"FAILED\",\"updated\":1767261600000}]}"));

        var status = await h.Run(c => c.GetMessageStatusAsync(MaxMdHarness.SmtpId));

        Assert.Equal(MaxMdHarness.SmtpId, status.SmtpId);
        Assert.Equal(MaxMdResultCode.Success, status.Code);
        Assert.Equal(2, status.MessageLogs.Count);
        Assert.Equal("dr.a@direct.hospital.example", status.MessageLogs[0].Recipient);
        Assert.Equal("DISPATCHED", status.MessageLogs[0].Status);
        Assert.Equal("2026-01-01T10:00:00Z", status.MessageLogs[0].GetString("sentTime"));
        Assert.Equal(1, status.MessageLogs[0].Fields["extra"].GetProperty("x").GetInt32());
        Assert.Equal("b@direct.example.org", status.MessageLogs[1].Recipient);
        Assert.Equal("FAILED", status.MessageLogs[1].Status);
        Assert.Equal("1767261600000", status.MessageLogs[1].GetString("updated"));

        var request = h.Recorder.Requests.Single();
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.EndsWith(MaxMdHarness.BasePath + "GetMessageStatus/" + EscapedId, request.Uri.AbsoluteUri);
        Assert.Equal("{\"auth\":{\"username\":\"sender@direct.example.com\",\"password\":\"Pa55-w0rd-Secret!\"}}", Encoding.UTF8.GetString(request.Body));
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.False(request.Headers.ContainsKey("Idempotency-Key"));
    }

    [Fact]
    public async Task Status_lookup_is_read_only_so_server_errors_and_timeouts_are_retried()
    {
        using var h = new MaxMdHarness();
        h.Sequence("POST", "GetMessageStatus/*", Response.Create().WithStatusCode(501), MaxMdHarness.Json("{\"messageLogs\":[]}"));

        var status = await h.Run(c => c.GetMessageStatusAsync(MaxMdHarness.SmtpId));

        Assert.Equal(2, status.Attempts);
        Assert.Empty(status.MessageLogs);
        Assert.Null(status.Code);
    }

    [Fact]
    public async Task Status_lookup_with_code_1_is_an_authentication_failure()
    {
        using var h = new MaxMdHarness();
        h.Sequence("POST", "GetMessageStatus/*", MaxMdHarness.Json("{\"code\":1,\"message\":\"authentication failed\",\"success\":false}"));

        var error = await h.Fails(c => c.GetMessageStatusAsync(MaxMdHarness.SmtpId));

        Assert.Equal(MessagingErrorKind.Authentication, error.Kind);
        Assert.Equal("GetMessageStatus", error.Operation);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task Status_lookup_of_a_json_without_logs_or_code_is_a_provider_error()
    {
        using var h = new MaxMdHarness();
        h.Sequence("POST", "GetMessageStatus/*", MaxMdHarness.Json("{\"hello\":\"world\"}"));

        var error = await h.Fails(c => c.GetMessageStatusAsync(MaxMdHarness.SmtpId));

        Assert.Equal(MessagingErrorKind.ProviderError, error.Kind);
        Assert.Equal(1, error.Attempts);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<a\r\nb@x>")]
    public async Task A_malformed_smtpId_is_refused_before_sending(string smtpId)
    {
        using var h = new MaxMdHarness();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.GetMessageStatusAsync(smtpId, TestContext.Current.CancellationToken));

        Assert.Equal("smtpId", error.ParamName);
        Assert.Empty(h.Server.LogEntries);
    }

    [Fact]
    public void A_status_log_keeps_json_elements_usable_after_the_document_is_gone()
    {
        var log = new MaxMdMessageLog { Fields = new Dictionary<string, JsonElement> { ["n"] = JsonDocument.Parse("5").RootElement.Clone() } };
        Assert.Equal("5", log.GetString("N"));
        Assert.Null(log.GetString("missing"));
    }
}
