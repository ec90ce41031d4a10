// The Quickstart: sends through the SDK's resilient transport against a fake MaxMD Direct endpoint that runs in this
// process on loopback, so it needs no account. It shows a throttled answer being retried, an idempotent replay, and a
// provider refusal surfacing as a MessagingException. (The provider simulator issue turns this into the full tour.)
using System.Net;
using MessagingClients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

await using var provider = await FakeMaxMd.StartAsync();

var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Messaging:Defaults:Retry:MaxRetries"] = "3",
        ["Messaging:MaxMd:Endpoint"] = provider.Endpoint,
        ["Messaging:MaxMd:Username"] = "quickstart@direct.example.org",
        ["Messaging:MaxMd:Password"] = "not-a-real-password",
    })
    .Build();

var services = new ServiceCollection()
    .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Polly", LogLevel.None));
services.AddMessagingClients(configuration.GetSection("Messaging"));
await using var container = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
var sender = container.GetRequiredKeyedService<IMessageSender>("maxmd");

var message = new OutgoingMessage
{
    To = { "patient.care@direct.example.org" },
    Subject = "Referral",
    Text = "Please find the referral attached.",
    IdempotencyKey = "referral-2026-0001",
};

Console.WriteLine($"Sending through '{sender.ProviderName}' to a fake endpoint at {provider.Endpoint}");
Console.WriteLine("The endpoint answers the first request with 429 Too Many Requests (Retry-After: 1).");
var receipt = await sender.SendAsync(message);
Console.WriteLine($"  sent: id {receipt.ProviderMessageId}, attempts {receipt.Attempts}, elapsed {receipt.Elapsed.TotalSeconds:0.0} s");

var replay = await sender.SendAsync(message);
Console.WriteLine($"  same idempotency key again: replay = {replay.IsReplay}, requests the endpoint saw: {provider.Requests}");

try
{
    await sender.SendAsync(new OutgoingMessage { To = { "nobody@unknown.example.org" }, Subject = "Hello", Text = "Hi" });
}
catch (MessagingException error)
{
    Console.WriteLine($"  refused as expected: Kind={error.Kind}, ProviderCode={error.ProviderCode}, Attempts={error.Attempts}");
    Console.WriteLine($"  {error.Message}");
}

Console.WriteLine("Done. Next: docs/resilience.md explains the retry, rate limit, timeout and circuit breaker settings.");

/// <summary>A tiny stand-in for MaxMD's Send endpoint on 127.0.0.1 (first call 429, unknown recipients code 2).</summary>
internal sealed class FakeMaxMd : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FakeMaxMd(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public int Requests => _requests;

    public static async Task<FakeMaxMd> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeMaxMd(app);
        app.MapPut("/message-rest/api/message/Send", async (HttpContext context) =>
        {
            var n = Interlocked.Increment(ref fake._requests);
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (n == 1)
            {
                context.Response.StatusCode = (int)HttpStatusCode.TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            context.Response.ContentType = "application/json";
            if (body.Contains("unknown.example.org", StringComparison.Ordinal))
            {
                await context.Response.WriteAsync("{\"message\":\"Address error: nobody@unknown.example.org\",\"code\":2,\"success\":false}");
                return;
            }

            await context.Response.WriteAsync($"{{\"smtpId\":\"<{n}.quickstart@fake.max.md>\",\"message\":\"Message sent.\",\"code\":0,\"success\":true}}");
        });
        await app.StartAsync();
        fake.Endpoint = app.Urls.First() + "/message-rest/api/message/";
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
