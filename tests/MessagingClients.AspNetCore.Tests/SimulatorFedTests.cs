using MessagingClients.Mms;
using MessagingClients.Testing;

namespace MessagingClients.AspNetCore.Tests;

/// <summary>
/// The whole loop as in production: the MMS client sends through the provider simulator, the simulator posts delivery
/// receipts (and inbound messages) to a real Kestrel receiver, one by one over one keep-alive connection, like the provider.
/// </summary>
public sealed class SimulatorFedTests : IDisposable
{
    private const int Sends = 200;
    private readonly TempDirectory _dir = new();
    private readonly RecordingHandler _handler = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_receipt_and_inbound_message_the_simulator_posts_is_handled_exactly_once()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler, kestrel: true);
        await using var simulator = await ProviderSimulator.StartAsync();
        simulator.Mms.Postbacks.PostbackUrl = new Uri(host.Client.BaseAddress!, "/postbacks/mms");
        simulator.Mms.Postbacks.SendDeliveryReceipts = true;
        using var client = new MmsClient(simulator.Mms.CreateClientOptions());

        var tracking = new List<string>();
        for (var i = 0; i < Sends; i++)
        {
            var result = await client.SendSmsAsync(new SmsMessage { To = "1774319" + (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), Text = "Appointment reminder " + i }, TestContext.Current.CancellationToken);
            tracking.Add(result.TrackingId!);
        }

        for (var i = 0; i < 10; i++)
        {
            simulator.Mms.Postbacks.PostInboundSms("1774319" + (5000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), "60856", "STOP " + i);
        }

        await simulator.Mms.Postbacks.WhenIdleAsync(TestContext.Current.CancellationToken);
        Assert.All(simulator.Mms.Postbacks.Postbacks, p => Assert.True(p.IsDelivered, p.ToString()));
        var posted = simulator.Mms.Postbacks.Postbacks.Count;
        Assert.Equal(Sends + 10, posted);

        await Wait.UntilAsync(() => _handler.SuccessCount >= posted, what: $"{posted} postbacks to be handled");
        await host.DrainAsync(_handler);
        Assert.Equal(posted, _handler.CallCount);
        Assert.All(_handler.Succeeded.Values, n => Assert.Equal(1, n));
        var receipts = _handler.Calls.Select(c => c.Postback).OfType<DeliveryReceipt>().Select(r => r.TrackingId).ToHashSet();
        Assert.True(receipts.SetEquals(tracking), "every send's tracking id came back in exactly one delivery receipt");
        Assert.Equal(10, _handler.Calls.Count(c => c.Postback is InboundMessage));
    }
}
