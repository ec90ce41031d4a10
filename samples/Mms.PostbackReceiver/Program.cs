// MMS postback receiver sample.
//
//   dotnet run --project samples/Mms.PostbackReceiver                    # Development: loopback allowed, http://127.0.0.1:5080
//   curl -H "Content-Type: text/xml" --data-binary @receipt.xml http://127.0.0.1:5080/postbacks/mms
//   dotnet run --project samples/Mms.PostbackReceiver -- --demo          # posts a sample receipt to itself, then exits
//
// Production: set ASPNETCORE_ENVIRONMENT=Production (only the provider's three addresses are allowed), put the postback
// URL behind HTTPS, and list your reverse proxy in Messaging:MmsPostbacks:TrustedProxies.
using System.Text;
using MessagingClients.AspNetCore;
using MessagingClients.Mms;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddMmsPostbackReceiver<LoggingPostbackHandler>();   // options from Messaging:MmsPostbacks

var app = builder.Build();
app.UseForwardedHeaders();          // believes X-Forwarded-For from Messaging:MmsPostbacks:TrustedProxies only
app.MapMmsPostbacks("/postbacks/mms");

if (app.Environment.IsDevelopment())
{
    // Inspection and replay for operators. In production put these behind your own authorization.
    var admin = app.MapGroup("/admin/postbacks");
    admin.MapGet("/failed", async (IMmsPostbackInbox inbox) => (await inbox.GetFailedAsync()).Select(Summary));
    admin.MapGet("/unparseable", async (IMmsPostbackInbox inbox) => (await inbox.GetUnparseableAsync()).Select(Summary));
    admin.MapGet("/pending", async (IMmsPostbackInbox inbox) => (await inbox.GetPendingAsync()).Select(Summary));
    admin.MapPost("/replay-failed", async (IMmsPostbackInbox inbox) => new { replayed = await inbox.ReplayFailedAsync() });
    admin.MapPost("/{id}/replay", async (string id, IMmsPostbackInbox inbox) => await inbox.ReplayAsync(id) ? Results.Accepted() : Results.NotFound());
}

if (args.Contains("--demo"))
{
    await app.StartAsync();
    using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    const string receipt = "<?xml version='1.0'?><POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>Message Sent/Delivered</STATUS>"
        + "<FROM>60856</FROM><TO>16503333058</TO><TRACKINGID>U01TXzgwNjc4</TRACKINGID><SPID>0001470</SPID>"
        + "<TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP></POSTBACK>";
    for (var i = 0; i < 2; i++)   // the second one is a redelivery: acknowledged, not handled again
    {
        using var response = await client.PostAsync("/postbacks/mms", new StringContent(receipt, Encoding.UTF8, "text/xml"));
        Console.WriteLine($"POST /postbacks/mms -> {(int)response.StatusCode}");
    }

    await Task.Delay(500);
    await app.StopAsync();
    return;
}

app.Run();

static object Summary(StoredPostback p) => new { p.Id, p.ReceivedAt, p.RemoteIp, State = p.State.ToString(), p.Attempts, p.LastError, Bytes = p.Body.Length };

/// <summary>Your processing goes here: update the message's status, store the inbound text, handle STOP …</summary>
internal sealed partial class LoggingPostbackHandler(ILogger<LoggingPostbackHandler> logger) : IMmsPostbackHandler
{
    public Task HandleAsync(MmsPostback postback, MmsPostbackContext context, CancellationToken cancellationToken)
    {
        switch (postback)
        {
            case DeliveryReceipt receipt:
                LogReceipt(logger, receipt.TrackingId, receipt.Code, receipt.IsDelivered, receipt.IsFailed, context.Attempt);
                break;
            case InboundMessage inbound:
                LogInbound(logger, inbound.Origin, inbound.TransactionId ?? inbound.TrackingId, inbound.ContentUrls.Count);
                break;
            case SubscriptionChange change:
                LogSubscription(logger, change.CampaignId, change.IsSubscribed, change.Source);
                break;
            default:
                LogOther(logger, postback.Origin, postback.Code);
                break;
        }

        return Task.CompletedTask;   // throw to have it retried with backoff, then kept as failed
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Receipt {TrackingId} {Code}: delivered {Delivered}, failed {Failed} (attempt {Attempt})")]
    private static partial void LogReceipt(ILogger logger, string? trackingId, string? code, bool delivered, bool failed, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound {Origin} {Id} with {Files} file(s)")]
    private static partial void LogInbound(ILogger logger, string? origin, string? id, int files);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId}: subscribed {Subscribed} via {Source}")]
    private static partial void LogSubscription(ILogger logger, string? campaignId, bool subscribed, string? source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Other postback {Origin} {Code}")]
    private static partial void LogOther(ILogger logger, string? origin, string? code);
}
