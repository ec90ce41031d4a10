using MessagingClients.IntegrationTests.Infrastructure;
using MessagingClients.Mms;

namespace MessagingClients.IntegrationTests;

public sealed class MmsSimulatorTests
{
    [Fact]
    public async Task Sms_mms_subscribe_and_unsubscribe_end_to_end()
    {
        await using var sim = await Sim.StartAsync();
        using var client = new MmsClient(sim.Mms.CreateClientOptions().Fast());

        var sms = await client.SendSmsAsync(new SmsMessage { To = "+1 (774) 319-9144", Text = "Hi" }, Sim.Token);
        var mms = await client.SendMmsAsync(new MmsMessage
        {
            To = "17743199144",
            Subject = "Look",
            Slides = { MmsSlide.WithMedia(new Uri("https://example.com/cat.jpg"), "image/jpeg", "A cat") },
        }, Sim.Token);
        await client.SubscribeAsync(new MmsSubscription { CampaignId = "42", Mobile = "17743199144" }, Sim.Token);
        Assert.True(sim.Mms.IsSubscribed("42", "17743199144"));
        await client.UnsubscribeAsync(new MmsSubscription { CampaignId = "42", Mobile = "17743199144" }, Sim.Token);

        Assert.False(sim.Mms.IsSubscribed("42", "17743199144"));
        Assert.StartsWith("SMS", sms.TrackingId);
        Assert.Equal("17743199144", sms.To);
        Assert.NotNull(mms.MmsId);
        Assert.Equal(new[] { "sendSMS", "sendMMS" }, sim.Mms.AcceptedSends.Select(s => s.Operation));
        Assert.Equal(new[] { "sendSMS", "sendMMS", "subscribe", "unsubscribe" }, sim.Mms.Requests.Select(r => r.Operation));
        Assert.All(sim.Mms.Requests, r => Assert.Equal("text/xml; charset=utf-8", r.Headers["Content-Type"]));
    }

    [Fact]
    public async Task Wrong_api_key_is_E104_Authentication()
    {
        await using var sim = await Sim.StartAsync();
        var options = sim.Mms.CreateClientOptions().Fast();
        options.ApiKey = "not-the-key";
        using var client = new MmsClient(options);

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendAsync(Sim.Sms(1), Sim.Token));

        Assert.Equal(MessagingErrorKind.Authentication, error.Kind);
        Assert.Equal("E104", error.ProviderCode);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task Rejected_number_is_RecipientRejected()
    {
        await using var sim = await Sim.StartAsync();
        sim.Mms.RejectRecipient("17743191001");
        using var client = new MmsClient(sim.Mms.CreateClientOptions().Fast());

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendAsync(Sim.Sms(1), Sim.Token));

        Assert.Equal(MessagingErrorKind.RecipientRejected, error.Kind);
        Assert.Equal("E114", error.ProviderCode);
    }

    [Fact]
    public async Task Recorded_body_has_the_api_key_redacted()
    {
        await using var sim = await Sim.StartAsync();
        using var client = new MmsClient(sim.Mms.CreateClientOptions().Fast());

        await client.SendAsync(Sim.Sms(1), Sim.Token);

        var body = Assert.Single(sim.Mms.Requests).Body;
        Assert.Contains("<API_KEY>***</API_KEY>", body, StringComparison.Ordinal);
        Assert.DoesNotContain(sim.Mms.ApiKey, body, StringComparison.Ordinal);
        Assert.Contains("<TO>17743191001</TO>", body, StringComparison.Ordinal);
    }
}
