using MessagingClients.Mms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MessagingClients.Tests.Mms;

public sealed class MmsValidationTests : IDisposable
{
    private readonly MmsTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    [Theory]
    [InlineData("image/jpeg", "IMAGE")]
    [InlineData("IMAGE/PNG", "IMAGE")]
    [InlineData("image/gif; name=x.gif", "IMAGE")]
    [InlineData("audio/mpeg", "AUDIO")]
    [InlineData("video/mp4", "VIDEO")]
    [InlineData("text/vcard", "VCARD")]
    [InlineData("text/x-vcard", "VCARD")]
    [InlineData("text/calendar", "ICAL")]
    [InlineData("application/pdf", "PDF")]
    [InlineData("application/vnd.apple.pkpass", "PASSBOOK")]
    [InlineData("text/plain", null)]
    [InlineData("application/zip", null)]
    [InlineData("image/*", null)]
    [InlineData("image/", null)]
    [InlineData("image", null)]
    [InlineData("", null)]
    public void Mime_type_decides_the_slide_element(string contentType, string? element) =>
        Assert.Equal(element, MmsMedia.SlideElementFor(contentType));

    [Theory]
    [InlineData("https://cdn.example.com/a.zip", "application/zip", "Slides[0].Media[0].ContentType")]
    [InlineData("ftp://cdn.example.com/a.jpg", "image/jpeg", "Slides[0].Media[0].Url")]
    [InlineData("file:///etc/passwd", "image/jpeg", "Slides[0].Media[0].Url")]
    [InlineData("/relative/a.jpg", "image/jpeg", "Slides[0].Media[0].Url")]
    public async Task Unsupported_media_is_refused_before_sending(string url, string contentType, string param)
    {
        using var client = _kit.Client();
        var message = new MmsMessage { To = "+17743199144", Slides = { MmsSlide.WithMedia(new Uri(url, UriKind.RelativeOrAbsolute), contentType) } };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.SendMmsAsync(message, TestContext.Current.CancellationToken));

        Assert.Equal(param, error.ParamName);
        Assert.Empty(_kit.Requests);
    }

    [Theory]
    [InlineData("7743199144", null, "To")]             // national without a default country code
    [InlineData("+1 774 FLOWERS", null, "To")]
    [InlineData("+1234", null, "To")]
    [InlineData("+17743199144", "ACME", "From")]        // alphanumeric sender belongs in FromMask
    [InlineData("+17743199144", "12", "From")]
    public async Task Numbers_that_cannot_be_made_international_are_refused_naming_the_field(string to, string? from, string param)
    {
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.SendSmsAsync(new SmsMessage { To = to, From = from, Text = "Hi" }, TestContext.Current.CancellationToken));

        Assert.Equal(param, error.ParamName);
        Assert.Empty(_kit.Requests);
    }

    [Fact]
    public async Task A_national_number_is_sent_when_a_default_country_code_is_configured()
    {
        _kit.Reply(MmsTestKit.Success());
        using var client = _kit.Client(o => o.DefaultCountryCode = "+1");

        await client.SendSmsAsync(new SmsMessage { To = "(774) 319-9144", Text = "Hi" }, TestContext.Current.CancellationToken);

        Assert.Contains("<TO>17743199144</TO>", _kit.BodyOf(0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_text_from_and_slides_are_refused()
    {
        using var client = _kit.Client(o => o.DefaultFrom = null);

        Assert.Equal("Text", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendSmsAsync(new SmsMessage { To = "+17743199144", From = "60856" }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("From", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendSmsAsync(new SmsMessage { To = "+17743199144", Text = "x" }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("To", (await Assert.ThrowsAsync<ArgumentNullException>(() => client.SendSmsAsync(new SmsMessage { From = "60856", Text = "x" }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("Slides", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendMmsAsync(new MmsMessage { To = "+17743199144", From = "60856" }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("Slides[0].Duration", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendMmsAsync(new MmsMessage
        {
            To = "+17743199144", From = "60856", Slides = { new MmsSlide { Text = "x", Duration = 0 } },
        }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("FromMask", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendSmsAsync(new SmsMessage
        {
            To = "+17743199144", From = "60856", Text = "x", FromMask = "TwelveChars!",
        }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("Text", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendSmsAsync(new SmsMessage
        {
            To = "+17743199144", From = "60856", Text = "bell \u0007",
        }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Empty(_kit.Requests);
    }

    [Fact]
    public async Task SendAsync_sends_an_SMS_without_attachments()
    {
        _kit.Reply(MmsTestKit.Success("T-SMS"));
        using var client = _kit.Client();
#pragma warning disable CA1859 // deliberately through the interface
        IMessageSender sender = client;
#pragma warning restore CA1859

        var receipt = await sender.SendAsync(new OutgoingMessage { To = { "+1 774 319 9144" }, Text = "Hello", IdempotencyKey = "k1" }, TestContext.Current.CancellationToken);

        Assert.Equal("mms", receipt.ProviderName);
        Assert.Equal("T-SMS", receipt.ProviderMessageId);
        Assert.Equal("k1", receipt.IdempotencyKey);
        Assert.Contains("<ACTION>sendSMS</ACTION>", _kit.BodyOf(0), StringComparison.Ordinal);

        var replay = await sender.SendAsync(new OutgoingMessage { To = { "+1 774 319 9144" }, Text = "Hello", IdempotencyKey = "k1" }, TestContext.Current.CancellationToken);
        Assert.True(replay.IsReplay);
        Assert.Single(_kit.Requests);
    }

    [Fact]
    public async Task SendAsync_sends_an_MMS_with_one_slide_per_URL_attachment()
    {
        _kit.Reply(MmsTestKit.Success("T-MMS", extra: "<MMSID>9</MMSID>"));
        using var client = _kit.Client();

        var receipt = await client.SendAsync(new OutgoingMessage
        {
            To = { "+17743199144" }, From = "+1 774 319 0000", Subject = "Hi", Text = "Look",
            Attachments = { MessageAttachment.FromUrl(new Uri("https://cdn.example.com/a.png"), "image/png"), MessageAttachment.FromUrl(new Uri("https://cdn.example.com/b.pdf"), "application/pdf") },
        }, TestContext.Current.CancellationToken);

        Assert.Equal("T-MMS", receipt.ProviderMessageId);
        Assert.Contains(
            "<TO>17743199144</TO><FROM>17743190000</FROM><SUBJECT>Hi</SUBJECT><SLIDE><IMAGE><URL>https://cdn.example.com/a.png</URL></IMAGE><TEXT>Look</TEXT></SLIDE><SLIDE><PDF><URL>https://cdn.example.com/b.pdf</URL></PDF></SLIDE></REQUEST>",
            _kit.BodyOf(0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_refuses_what_SMS_and_MMS_cannot_carry()
    {
        using var client = _kit.Client();

        Assert.Equal("To", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(new OutgoingMessage { To = { "+17743199144", "+17743199145" }, Text = "x" }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("To", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(new OutgoingMessage { Text = "x" }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("Html", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(new OutgoingMessage { To = { "+17743199144" }, Html = "<p>x</p>" }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("Attachments[0].Url", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(new OutgoingMessage
        {
            To = { "+17743199144" }, Text = "x", Attachments = { MessageAttachment.FromBytes("a.png", "image/png", new byte[] { 1 }) },
        }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Equal("Attachments[0].ContentType", (await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(new OutgoingMessage
        {
            To = { "+17743199144" }, Text = "x", Attachments = { MessageAttachment.FromUrl(new Uri("https://x.example/a.exe"), "application/octet-stream") },
        }, TestContext.Current.CancellationToken))).ParamName);
        Assert.Empty(_kit.Requests);
    }

    [Fact]
    public void Options_are_validated_with_messages_naming_the_setting()
    {
        var options = new MmsClientOptions { Endpoint = new Uri("ftp://x.example/"), ApiKey = " ", DefaultCountryCode = "0", MaxResponseBytes = 10 };
        var failures = options.Validate("Messaging:Mms").ToList();

        Assert.Contains(failures, f => f.StartsWith("Messaging:Mms:Endpoint", StringComparison.Ordinal));
        Assert.Contains("Messaging:Mms:ApiKey is required.", failures);
        Assert.Contains(failures, f => f.StartsWith("Messaging:Mms:DefaultCountryCode", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Messaging:Mms:MaxResponseBytes", StringComparison.Ordinal));
        Assert.Contains(new MmsClientOptions { ApiKey = "k", DefaultFrom = "ACME" }.Validate("Messaging:Mms"), f => f.StartsWith("Messaging:Mms:DefaultFrom", StringComparison.Ordinal));
        Assert.Empty(new MmsClientOptions { ApiKey = "k", DefaultFrom = "60856" }.Validate("Messaging:Mms"));

        var thrown = Assert.Throws<ArgumentException>(() => new MmsClient(new MmsClientOptions()));
        Assert.Contains("Messaging:Mms:ApiKey is required.", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ToString_redacts_the_api_key()
    {
        var text = new MmsClientOptions { ApiKey = "super-secret-key" }.ToString();

        Assert.DoesNotContain("super-secret-key", text, StringComparison.Ordinal);
        Assert.Contains("ApiKey = ***", text, StringComparison.Ordinal);
        Assert.Contains("secure.skycore.com", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Mms_section_registers_the_client_and_the_keyed_sender()
    {
        _kit.Reply(MmsTestKit.Success("T-DI"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Defaults:Retry:MaxRetries"] = "2",
            ["Messaging:Mms:Endpoint"] = _kit.Server.Url + MmsTestKit.Path,
            ["Messaging:Mms:ApiKey"] = MmsTestKit.ApiKey,
            ["Messaging:Mms:DefaultFrom"] = "60856",
            ["Messaging:Mms:DefaultCountryCode"] = "1",
            ["Messaging:Mms:RateLimit:PermitsPerSecond"] = "20",
        }).Build();
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<MmsClient>();
        var options = provider.GetRequiredService<IOptions<MmsClientOptions>>().Value;
        Assert.Same(client, provider.GetRequiredKeyedService<IMessageSender>("mms"));
        Assert.Contains(provider.GetServices<IMessageSender>(), s => ReferenceEquals(s, client));
        Assert.Equal(2, options.Retry.MaxRetries);
        Assert.Equal(20, client.Transport.RateLimiter!.MaxPermitsPerSecond);

        var receipt = await client.SendAsync(new OutgoingMessage { To = { "774 319 9144" }, Text = "Hi" }, TestContext.Current.CancellationToken);
        Assert.Equal("T-DI", receipt.ProviderMessageId);
        Assert.Contains("<TO>17743199144</TO>", _kit.BodyOf(0), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_api_key_fails_at_resolution_naming_the_setting()
    {
        var services = new ServiceCollection();
        services.AddMessagingClients(b => b.AddMms());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MmsClient>());
        Assert.Contains("Messaging:Mms:ApiKey is required.", error.Message, StringComparison.Ordinal);
    }
}
