using System.Text.Json;
using MessagingClients.IntegrationTests.Infrastructure;
using MessagingClients.MaxMd;
using MessagingClients.Testing;

namespace MessagingClients.IntegrationTests;

public sealed class MaxMdSimulatorTests
{
    [Fact]
    public async Task Send_then_status_end_to_end()
    {
        await using var sim = await Sim.StartAsync();
        using var client = new MaxMdClient(sim.MaxMd.CreateClientOptions().Fast());

        var sent = await client.SendMessageAsync(new DirectMessage
        {
            To = { "care@direct.example.org" },
            Cc = { "copy@direct.example.org" },
            Subject = "Referral",
            Body = "<p>Hi</p>",
            IsHtml = true,
            Attachments = { MessageAttachment.FromBytes("a.txt", "text/plain", "note"u8.ToArray()) },
        }, Sim.Token);
        var status = await client.GetMessageStatusAsync(sent.SmtpId!, Sim.Token);

        Assert.True(sent.Success);
        Assert.Equal(1, sent.Attempts);
        Assert.EndsWith("@simulator.max.md>", sent.SmtpId);
        Assert.Equal(new[] { "care@direct.example.org", "copy@direct.example.org" }, status.MessageLogs.Select(l => l.Recipient));
        Assert.All(status.MessageLogs, l => Assert.Equal("delivered", l.Status));
        var accepted = Assert.Single(sim.MaxMd.AcceptedSends);
        Assert.Equal(sent.SmtpId, accepted.MessageId);
        Assert.Equal(sent.IdempotencyKey, accepted.IdempotencyKey);
        Assert.Equal(new[] { "Send", "GetMessageStatus" }, sim.MaxMd.Requests.Select(r => r.Operation));
    }

    [Fact]
    public async Task SendWithHeader_is_accepted_under_its_own_operation()
    {
        await using var sim = await Sim.StartAsync();
        using var client = new MaxMdClient(sim.MaxMd.CreateClientOptions().Fast());

        await client.SendMessageWithHeadersAsync(DirectMessage.Text("care@direct.example.org", "S", "B"), new[] { new DirectMessageHeader("X-Correlation-Id", "42") }, Sim.Token);

        Assert.Equal("SendWithHeader", Assert.Single(sim.MaxMd.AcceptedSends).Operation);
    }

    [Fact]
    public async Task Wrong_password_is_code_1_Authentication_and_not_retried()
    {
        await using var sim = await Sim.StartAsync();
        var options = sim.MaxMd.CreateClientOptions().Fast();
        options.Password = "wrong-password";
        using var client = new MaxMdClient(options);

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendAsync(Sim.Direct(1), Sim.Token));

        Assert.Equal(MessagingErrorKind.Authentication, error.Kind);
        Assert.Equal("1", error.ProviderCode);
        Assert.Equal(1, error.Attempts);
        Assert.Empty(sim.MaxMd.AcceptedSends);
        Assert.DoesNotContain("wrong-password", Assert.Single(sim.MaxMd.Requests).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejected_recipient_is_code_2()
    {
        await using var sim = await Sim.StartAsync();
        sim.MaxMd.RejectRecipient("patient1@direct.example.org");
        using var client = new MaxMdClient(sim.MaxMd.CreateClientOptions().Fast());

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendAsync(Sim.Direct(1), Sim.Token));

        Assert.Equal(MessagingErrorKind.RecipientRejected, error.Kind);
        Assert.Equal("2", error.ProviderCode);
    }

    [Fact]
    public async Task Recorded_body_has_the_password_redacted()
    {
        await using var sim = await Sim.StartAsync();
        using var client = new MaxMdClient(sim.MaxMd.CreateClientOptions().Fast());

        var sent = await client.SendAsync(Sim.Direct(1), Sim.Token);
        await client.GetMessageStatusAsync(sent.ProviderMessageId!, Sim.Token);

        foreach (var request in sim.MaxMd.Requests)
        {
            Assert.DoesNotContain(sim.MaxMd.Password, request.Body, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(request.Body);
            var auth = json.RootElement.TryGetProperty("authentication", out var a) ? a : json.RootElement.GetProperty("auth");
            Assert.Equal("***", auth.GetProperty("password").GetString());
            Assert.Equal(sim.MaxMd.Username, auth.GetProperty("username").GetString());
        }
    }

    [Fact]
    public async Task Unknown_smtp_id_is_a_provider_error()
    {
        await using var sim = await Sim.StartAsync();
        using var client = new MaxMdClient(sim.MaxMd.CreateClientOptions().Fast());

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.GetMessageStatusAsync("<nope@simulator.max.md>", Sim.Token));

        Assert.Equal(MessagingErrorKind.ProviderError, error.Kind);
        Assert.Equal("3", error.ProviderCode);
    }
}
