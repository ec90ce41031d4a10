using System.Text;
using MessagingClients.MaxMd;
using WireMock.RequestBuilders;

namespace MessagingClients.Tests.MaxMd;

public sealed class MaxMdSendTests
{
    internal static IMessageSender AsSender(MaxMdClient client) => client;

    [Fact]
    public async Task Send_puts_the_exact_json_to_Send()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4");
        var message = new DirectMessage
        {
            To = { "dr.a@direct.hospital.example" },
            Cc = { "b@direct.example.org" },
            Bcc = { "c@direct.example.org" },
            Subject = "Referral ü",
            Body = "<p>Patient summary & notes</p>",
            IsHtml = true,
            ReplyTo = "replies@direct.example.com",
            Attachments = { MessageAttachment.FromBytes("summary.pdf", "application/pdf", pdf) },
        };

        var result = await h.Run(c => c.SendMessageAsync(message));

        Assert.Equal(MaxMdHarness.SmtpId, result.SmtpId);
        Assert.Equal(MaxMdResultCode.Success, result.Code);
        Assert.True(result.Success);
        Assert.Equal(1, result.Attempts);
        Assert.False(result.IsReplay);
        Assert.Equal("Message sent. Message was sent and saved to INBOX.Sent folder", result.Message);

        var entry = Assert.Single(h.Server.LogEntries);
        Assert.Equal("PUT", entry.RequestMessage!.Method);
        Assert.Equal(MaxMdHarness.BasePath + "Send", entry.RequestMessage!.Path);
        Assert.Equal("application/json; charset=utf-8", entry.RequestMessage!.Headers!["Content-Type"].Single());
        Assert.Equal("JVBERi0xLjQ=", Convert.ToBase64String(pdf));
        const string expected =
            "{\"authentication\":{\"username\":\"sender@direct.example.com\",\"password\":\"Pa55-w0rd-Secret!\"}," +
            "\"message\":{\"sender\":\"sender@direct.example.com\"," +
            "\"recipients\":[{\"email\":\"dr.a@direct.hospital.example\",\"type\":\"TO\"},{\"email\":\"b@direct.example.org\",\"type\":\"CC\"},{\"email\":\"c@direct.example.org\",\"type\":\"BCC\"}]," +
            "\"subject\":\"Referral ü\",\"body\":\"<p>Patient summary & notes</p>\",\"htmlBody\":true,\"replyTo\":\"replies@direct.example.com\"," +
            "\"attachmentList\":[{\"content\":\"JVBERi0xLjQ=\",\"contentType\":\"application/pdf\",\"filename\":\"summary.pdf\"}]}}";
        Assert.Equal(expected, Encoding.UTF8.GetString(h.Recorder.Requests.Single().Body));
        Assert.Equal(expected, Encoding.UTF8.GetString(entry.RequestMessage!.BodyAsBytes!));
    }

    [Fact]
    public async Task A_plain_message_without_sender_uses_the_account_address_and_omits_empty_parts()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        await h.Run(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(
            "{\"authentication\":{\"username\":\"sender@direct.example.com\",\"password\":\"Pa55-w0rd-Secret!\"}," +
            "\"message\":{\"sender\":\"sender@direct.example.com\",\"recipients\":[{\"email\":\"dr.a@direct.hospital.example\",\"type\":\"TO\"}]," +
            "\"subject\":\"Referral\",\"body\":\"Patient summary attached.\",\"htmlBody\":false}}",
            Encoding.UTF8.GetString(h.Recorder.Requests.Single().Body));
    }

    [Fact]
    public async Task SendWithHeader_adds_the_headers_list()
    {
        using var h = new MaxMdHarness();
        h.Sequence("PUT", "SendWithHeader", MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        var result = await h.Run(c => c.SendMessageWithHeadersAsync(MaxMdHarness.Message(), [new DirectMessageHeader("X-Correlation-Id", "order-42")]));

        Assert.Equal(MaxMdHarness.SmtpId, result.SmtpId);
        var entry = Assert.Single(h.Server.LogEntries);
        Assert.Equal("PUT", entry.RequestMessage!.Method);
        Assert.Equal(MaxMdHarness.BasePath + "SendWithHeader", entry.RequestMessage!.Path);
        Assert.EndsWith(
            "\"htmlBody\":false},\"headers\":[{\"name\":\"X-Correlation-Id\",\"value\":\"order-42\"}]}",
            Encoding.UTF8.GetString(h.Recorder.Requests.Single().Body));
    }

    [Fact]
    public async Task IMessageSender_maps_html_and_all_recipients_into_one_call_and_returns_the_smtpId()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));
        var sender = AsSender(h.Client);
        var message = new OutgoingMessage
        {
            To = { "a@direct.example.org", "b@direct.example.org" },
            From = "clinic@direct.example.com",
            Subject = "Results",
            Text = "plain version",
            Html = "<b>Results</b>",
            IdempotencyKey = "order-42",
        };

        var receipt = await h.Time.RunAsync(() => sender.SendAsync(message));

        Assert.Equal("maxmd", sender.ProviderName);
        Assert.Equal("maxmd", receipt.ProviderName);
        Assert.Equal(MaxMdHarness.SmtpId, receipt.ProviderMessageId);
        Assert.Equal("order-42", receipt.IdempotencyKey);
        Assert.Equal(1, receipt.Attempts);
        var body = Encoding.UTF8.GetString(h.Recorder.Requests.Single().Body);
        Assert.Contains("\"sender\":\"clinic@direct.example.com\"", body);
        Assert.Contains("\"recipients\":[{\"email\":\"a@direct.example.org\",\"type\":\"TO\"},{\"email\":\"b@direct.example.org\",\"type\":\"TO\"}]", body);
        Assert.Contains("\"body\":\"<b>Results</b>\",\"htmlBody\":true", body);
        Assert.Equal("order-42", h.Recorder.Requests.Single().Headers["Idempotency-Key"]);

        // The same key again: the stored receipt, nothing sent.
        var replay = await h.Time.RunAsync(() => sender.SendAsync(message));
        Assert.True(replay.IsReplay);
        Assert.Equal(MaxMdHarness.SmtpId, replay.ProviderMessageId);
        Assert.Single(h.Server.LogEntries);
    }

    [Fact]
    public async Task IMessageSender_sends_text_when_there_is_no_html()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        await h.Time.RunAsync(() => ((IMessageSender)h.Client).SendAsync(new OutgoingMessage { To = { "a@direct.example.org" }, Text = "hello" }));

        var body = Encoding.UTF8.GetString(h.Recorder.Requests.Single().Body);
        Assert.Contains("\"subject\":\"\",\"body\":\"hello\",\"htmlBody\":false", body);
        Assert.Contains("\"sender\":\"sender@direct.example.com\"", body);
    }

    [Fact]
    public async Task A_typed_send_with_a_completed_key_is_a_replay()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));
        var message = MaxMdHarness.Message();
        message.IdempotencyKey = "referral-7";

        var first = await h.Run(c => c.SendMessageAsync(message));
        var second = await h.Run(c => c.SendMessageAsync(message));

        Assert.False(first.IsReplay);
        Assert.True(second.IsReplay);
        Assert.Equal(first.SmtpId, second.SmtpId);
        Assert.Equal("referral-7", second.IdempotencyKey);
        Assert.Single(h.Server.LogEntries);
    }

    [Fact]
    public async Task Every_attempt_of_a_send_carries_the_same_bytes_and_key()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json("{}", 502), MaxMdHarness.Json("{}", 429), MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        var result = await h.Run(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(3, result.Attempts);
        var requests = h.Recorder.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Single(requests.Select(r => Convert.ToBase64String(r.Body)).Distinct());
        Assert.Single(requests.Select(r => r.Headers["Idempotency-Key"]).Distinct());
        Assert.Equal(result.IdempotencyKey, requests[0].Headers["Idempotency-Key"]);
    }

    [Fact]
    public async Task An_endpoint_without_trailing_slash_still_appends_the_operation()
    {
        using var h = new MaxMdHarness();
        h.Options.Endpoint = new Uri(h.Server.Url + MaxMdHarness.BasePath.TrimEnd('/'));
        using var client = new MaxMdClient(h.Options, new HttpClient(h.Recorder, disposeHandler: false));
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        var result = await h.Time.RunAsync(() => client.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(MaxMdHarness.SmtpId, result.SmtpId);
        Assert.Equal(MaxMdHarness.BasePath + "Send", h.Server.LogEntries.Single().RequestMessage!.Path);
    }
}
