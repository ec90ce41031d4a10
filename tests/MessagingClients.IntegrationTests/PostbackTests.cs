using System.Collections.Concurrent;
using MessagingClients.IntegrationTests.Infrastructure;
using MessagingClients.Mms;
using MessagingClients.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MessagingClients.IntegrationTests;

/// <summary>MMS postbacks posted to a real local endpoint, with the provider's retries driven by a fake clock.</summary>
public sealed class PostbackTests
{
    [Fact]
    public async Task Delivery_receipt_is_posted_after_an_accepted_send_and_retried_every_5_minutes_until_200()
    {
        await using var receiver = await Receiver.StartAsync(500, 503, 200);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var sim = await Sim.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.Mms.PostbackUrl = receiver.Url;
        });
        using var client = new MmsClient(sim.Mms.CreateClientOptions().Fast());

        var sent = await client.SendSmsAsync(new SmsMessage { To = "17743199144", Text = "Hi" }, Sim.Token);
        await sim.Mms.Postbacks.WhenIdleAsync(Sim.Token);
        Assert.Single(receiver.Bodies);

        time.Advance(TimeSpan.FromMinutes(5));
        await sim.Mms.Postbacks.WhenIdleAsync(Sim.Token);
        Assert.Equal(2, receiver.Bodies.Count);

        time.Advance(TimeSpan.FromMinutes(4));
        await sim.Mms.Postbacks.WhenIdleAsync(Sim.Token);
        Assert.Equal(2, receiver.Bodies.Count);
        time.Advance(TimeSpan.FromMinutes(1));
        await sim.Mms.Postbacks.WhenIdleAsync(Sim.Token);

        var postback = Assert.Single(sim.Mms.Postbacks.Postbacks);
        Assert.True(postback.IsDelivered);
        Assert.Equal(new int?[] { 500, 503, 200 }, postback.Attempts.Select(a => a.StatusCode));
        Assert.Equal(new[] { 0.0, 5, 10 }, postback.Attempts.Select(a => (a.At - postback.Attempts[0].At).TotalMinutes));
        var receipt = Assert.IsType<DeliveryReceipt>(MmsPostbackParser.Parse(receiver.Bodies.Last()));
        Assert.Equal(sent.TrackingId, receipt.TrackingId);
        Assert.Equal("N202", receipt.Code);
        Assert.True(receipt.IsDelivered);
        Assert.All(receiver.ContentTypes, t => Assert.StartsWith("text/xml", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_postback_nobody_accepts_is_tried_1_plus_5_times_then_abandoned()
    {
        await using var receiver = await Receiver.StartAsync(500);
        var time = new FakeTimeProvider();
        await using var sim = await Sim.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.Mms.PostbackUrl = receiver.Url;
        });

        var postback = sim.Mms.Postbacks.PostInboundSms("17743199144", "60856", "STOP");
        for (var i = 0; i < 7; i++)
        {
            await sim.Mms.Postbacks.WhenIdleAsync(Sim.Token);
            time.Advance(TimeSpan.FromMinutes(5));
        }

        await sim.Mms.Postbacks.WhenIdleAsync(Sim.Token);
        Assert.Equal(6, postback.Attempts.Count);
        Assert.True(postback.IsAbandoned);
        var inbound = Assert.IsType<InboundMessage>(MmsPostbackParser.Parse(receiver.Bodies[0]));
        Assert.Equal("STOP", inbound.Text);
        Assert.Equal("17743199144", inbound.From);
    }

    [Fact]
    public async Task Mms_delivery_receipts_carry_the_mms_id()
    {
        await using var receiver = await Receiver.StartAsync(200);
        await using var sim = await Sim.StartAsync(o => o.Mms.PostbackUrl = receiver.Url);
        using var client = new MmsClient(sim.Mms.CreateClientOptions().Fast());

        var sent = await client.SendMmsAsync(new MmsMessage { To = "17743199144", Slides = { MmsSlide.WithText("Hi") } }, Sim.Token);
        await sim.Mms.Postbacks.WhenIdleAsync(Sim.Token);

        var receipt = Assert.IsType<DeliveryReceipt>(MmsPostbackParser.Parse(Assert.Single(receiver.Bodies)));
        Assert.True(receipt.IsMms);
        Assert.Equal(sent.MmsId, receipt.MmsId);
        Assert.Equal("N102", receipt.Code);
    }

    /// <summary>A real Kestrel endpoint that answers postbacks with scripted statuses (the last one repeats).</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<int> _statuses;
        private readonly int _last;

        private Receiver(WebApplication app, int[] statuses)
        {
            _app = app;
            _statuses = new ConcurrentQueue<int>(statuses);
            _last = statuses[^1];
        }

        public Uri Url { get; private set; } = null!;

        public List<string> Bodies { get; } = new();

        public List<string> ContentTypes { get; } = new();

        public static async Task<Receiver> StartAsync(params int[] statuses)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new Receiver(app, statuses);
            app.MapPost("/postbacks", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                lock (receiver.Bodies)
                {
                    receiver.Bodies.Add(body);
                    receiver.ContentTypes.Add(context.Request.ContentType ?? string.Empty);
                }

                context.Response.StatusCode = receiver._statuses.TryDequeue(out var status) ? status : receiver._last;
            });
            await app.StartAsync();
            receiver.Url = new Uri(app.Urls.First() + "/postbacks");
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
