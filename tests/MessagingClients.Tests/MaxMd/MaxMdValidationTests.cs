using MessagingClients.MaxMd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MessagingClients.Tests.MaxMd;

public sealed class MaxMdValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, Action<DirectMessage>> BadMessages => new()
    {
        { "To", m => m.To.Clear() },
        { "To", m => m.To[0] = "not-an-address" },
        { "To", m => m.To[0] = "Dr A <a@direct.example.org>" },
        { "To", m => m.To[0] = "a@localhost" },
        { "To", m => m.To[0] = "a b@direct.example.org" },
        { "Cc", m => m.Cc.Add("x@@direct.example.org") },
        { "Bcc", m => m.Bcc.Add("x@direct..example.org") },
        { "Sender", m => m.Sender = "someone" },
        { "ReplyTo", m => m.ReplyTo = "reply" },
        { "Attachments", m => m.Attachments.Add(MessageAttachment.FromBytes("", "application/pdf", new byte[] { 1 })) },
        { "Attachments", m => m.Attachments.Add(MessageAttachment.FromBytes("a.pdf", " ", new byte[] { 1 })) },
        { "Attachments", m => m.Attachments.Add(MessageAttachment.FromUrl(new Uri("https://cdn.example/a.pdf"), "application/pdf")) },
        { "Attachments", m => m.Attachments.Add(null!) },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task Invalid_messages_are_refused_before_anything_is_sent(string field, Action<DirectMessage> spoil)
    {
        using var h = new MaxMdHarness();
        var message = MaxMdHarness.Message();
        spoil(message);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => h.Client.SendMessageAsync(message, Ct));

        Assert.Equal(field, error.ParamName);
        Assert.Empty(h.Server.LogEntries);
    }

    [Fact]
    public async Task Cc_alone_is_enough_of_a_recipient()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));
        var message = MaxMdHarness.Message();
        message.To.Clear();
        message.Cc.Add("cc@direct.example.org");

        await h.Run(c => c.SendMessageAsync(message, Ct));

        Assert.Single(h.Server.LogEntries);
    }

    [Fact]
    public async Task Headers_are_validated()
    {
        using var h = new MaxMdHarness();

        var badName = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.SendMessageWithHeadersAsync(MaxMdHarness.Message(), [new DirectMessageHeader("X Bad", "v")], Ct));
        var injected = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.SendMessageWithHeadersAsync(MaxMdHarness.Message(), [new DirectMessageHeader("X-Ok", "v\r\nBcc: evil@example.org")], Ct));

        Assert.Equal("headers", badName.ParamName);
        Assert.Equal("headers", injected.ParamName);
        Assert.Empty(h.Server.LogEntries);
    }

    [Fact]
    public async Task A_request_over_the_size_cap_is_refused_before_sending()
    {
        using var h = new MaxMdHarness(o => o.MaxRequestBytes = 2048);
        var message = MaxMdHarness.Message();
        message.Attachments.Add(MessageAttachment.FromBytes("big.bin", "application/octet-stream", new byte[1600]));

        var exact = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.SendMessageAsync(message, Ct));
        message.Attachments[0] = MessageAttachment.FromBytes("huge.bin", "application/octet-stream", new byte[4096]);
        var estimated = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.SendMessageAsync(message, Ct));

        Assert.Equal("Attachments", exact.ParamName);
        Assert.Contains("MaxRequestBytes", exact.Message);
        Assert.Equal("Attachments", estimated.ParamName);
        Assert.Empty(h.Server.LogEntries);
    }

    [Fact]
    public async Task The_default_cap_is_10_MB()
    {
        Assert.Equal(10L * 1024 * 1024, new MaxMdClientOptions().MaxRequestBytes);
        using var h = new MaxMdHarness();
        var message = MaxMdHarness.Message();
        message.Attachments.Add(MessageAttachment.FromBytes("scan.tif", "image/tiff", new byte[8 * 1024 * 1024]));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.SendMessageAsync(message, Ct));

        Assert.Equal("Attachments", error.ParamName);
    }

    [Fact]
    public async Task IMessageSender_reports_its_own_field_names()
    {
        using var h = new MaxMdHarness();
        var sender = MaxMdSendTests.AsSender(h.Client);

        var noTo = await Assert.ThrowsAsync<ArgumentException>(() => sender.SendAsync(new OutgoingMessage { Text = "x" }, Ct));
        var badFrom = await Assert.ThrowsAsync<ArgumentException>(() => sender.SendAsync(new OutgoingMessage { To = { "a@direct.example.org" }, From = "nobody" }, Ct));

        Assert.Equal("To", noTo.ParamName);
        Assert.Equal("From", badFrom.ParamName);
        Assert.Empty(h.Server.LogEntries);
    }

    [Fact]
    public void Options_are_validated_with_messages_naming_the_setting()
    {
        var options = new MaxMdClientOptions { Endpoint = new Uri("ftp://example.org/"), Username = "not-an-address", MaxRequestBytes = 0 };

        var error = Assert.Throws<ArgumentException>(() => new MaxMdClient(options));

        Assert.Contains("Messaging:MaxMd:Endpoint must be an absolute http or https URL", error.Message);
        Assert.Contains("Messaging:MaxMd:Username must be the account's Direct address", error.Message);
        Assert.Contains("Messaging:MaxMd:Password is required.", error.Message);
        Assert.Contains("Messaging:MaxMd:MaxRequestBytes must be positive", error.Message);
    }

    [Fact]
    public void Options_have_the_documented_defaults_and_redact_the_password()
    {
        var options = new MaxMdClientOptions { Username = MaxMdHarness.Username, Password = MaxMdHarness.Password };

        Assert.Equal("https://api.directmdemail.com/message-rest/api/message/", options.Endpoint.AbsoluteUri);
        Assert.Equal(3, options.Retry.MaxRetries);
        Assert.DoesNotContain(MaxMdHarness.Password, options.ToString());
        Assert.Contains("Password = ***", options.ToString());
        using var client = new MaxMdClient(options);
        Assert.DoesNotContain(MaxMdHarness.Password, client.ToString());
    }

    [Fact]
    public void The_MaxMd_section_registers_the_client_and_the_keyed_sender()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Defaults:Retry:MaxRetries"] = "2",
            ["Messaging:MaxMd:Endpoint"] = "https://evaluation.example/message-rest/api/message/",
            ["Messaging:MaxMd:Username"] = MaxMdHarness.Username,
            ["Messaging:MaxMd:Password"] = MaxMdHarness.Password,
            ["Messaging:MaxMd:MaxRequestBytes"] = "5000000",
        }).Build();
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<MaxMdClient>();
        var options = provider.GetRequiredService<IOptions<MaxMdClientOptions>>().Value;

        Assert.Same(client, provider.GetRequiredKeyedService<IMessageSender>("maxmd"));
        Assert.Contains(client, provider.GetServices<IMessageSender>());
        Assert.Equal("https://evaluation.example/message-rest/api/message/", options.Endpoint.AbsoluteUri);
        Assert.Equal(5_000_000, options.MaxRequestBytes);
        Assert.Equal(2, options.Retry.MaxRetries);
    }

    [Fact]
    public void AddMaxMd_in_code_validates_at_start()
    {
        var services = new ServiceCollection();
        services.AddMessagingClients(b => b.AddMaxMd(o => o.Username = MaxMdHarness.Username));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaxMdClient>());

        Assert.Contains("Messaging:MaxMd:Password is required.", error.Message);
    }
}
