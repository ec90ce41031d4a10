using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using MessagingClients.Mms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MessagingClients.AspNetCore.Tests;

/// <summary>A web application hosting the receiver, on the test server or on a real Kestrel on 127.0.0.1:0.</summary>
internal sealed class ReceiverHost : IAsyncDisposable
{
    public const string RemoteIpHeader = "X-Test-Remote-Ip";

    private ReceiverHost(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public IMmsPostbackInbox Inbox => App.Services.GetRequiredService<IMmsPostbackInbox>();

    public static async Task<ReceiverHost> StartAsync(
        string storeDirectory,
        RecordingHandler handler,
        Action<MmsPostbackReceiverOptions>? configure = null,
        bool kestrel = false,
        bool allowLoopback = true,
        bool forwardedHeaders = false,
        TimeProvider? time = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = storeDirectory });
        if (kestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddSingleton<IMmsPostbackHandler>(handler);
        builder.Services.AddMmsPostbackReceiver(o =>
        {
            o.StoreDirectory = storeDirectory;
            if (allowLoopback)
            {
                o.AllowedSources.Add("127.0.0.1");
                o.AllowedSources.Add("::1");
            }

            configure?.Invoke(o);
        });

        var app = builder.Build();
        app.Use((context, next) =>
        {
            // The test server has no connection address: a header sets it (before forwarded-headers handling), else loopback.
            if (context.Request.Headers.TryGetValue(RemoteIpHeader, out var ip))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
            }
            else
            {
                context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
            }

            return next(context);
        });
        if (forwardedHeaders)
        {
            app.UseForwardedHeaders();
        }

        app.MapMmsPostbacks();
        await app.StartAsync();
        HttpClient client;
        if (kestrel)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            client = new HttpClient { BaseAddress = new Uri(address) };
        }
        else
        {
            client = app.GetTestClient();
        }

        return new ReceiverHost(app, client);
    }

    public Task<HttpResponseMessage> PostAsync(string xml, string? remoteIp = null, string contentType = "text/xml; charset=utf-8") =>
        PostAsync(Encoding.UTF8.GetBytes(xml), remoteIp, contentType);

    public Task<HttpResponseMessage> PostAsync(byte[] body, string? remoteIp = null, string? contentType = "text/xml; charset=utf-8")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/postbacks/mms") { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (remoteIp is not null)
        {
            request.Headers.Add(RemoteIpHeader, remoteIp);
        }

        return Client.SendAsync(request);
    }

    /// <summary>
    /// Waits until everything queued before now has been handled: posts a unique sentinel postback and waits until the handler
    /// sees it. Processing is first in, first out, so a wrongly queued duplicate would have reached the handler first.
    /// A barrier instead of a sleep: deterministic, and no real time is waited for.
    /// </summary>
    public async Task DrainAsync(RecordingHandler handler)
    {
        var id = "SENTINEL-" + Guid.NewGuid().ToString("N");
        var seen = handler.ExpectSentinel(id);
        using var response = await PostAsync(Postbacks.Receipt(id));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await seen.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Records what the receiver hands over; <see cref="Behavior"/> can throw or block.</summary>
internal sealed class RecordingHandler : IMmsPostbackHandler
{
    private int _calls;

    public ConcurrentDictionary<string, int> Succeeded { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<(MmsPostback Postback, MmsPostbackContext Context, DateTimeOffset At)> Calls { get; } = new();

    public Func<MmsPostback, MmsPostbackContext, CancellationToken, Task>? Behavior { get; set; }

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public int CallCount => Volatile.Read(ref _calls);

    public int SuccessCount => Succeeded.Values.Sum();

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _sentinels = new(StringComparer.Ordinal);

    /// <summary>A task that completes when the sentinel receipt with this tracking id is handled (it is not counted as a call).</summary>
    public Task ExpectSentinel(string trackingId) =>
        _sentinels.GetOrAdd(trackingId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public async Task HandleAsync(MmsPostback postback, MmsPostbackContext context, CancellationToken cancellationToken)
    {
        if (postback is DeliveryReceipt { TrackingId: { } tracking } && _sentinels.TryGetValue(tracking, out var sentinel))
        {
            sentinel.TrySetResult();
            return;
        }

        Interlocked.Increment(ref _calls);
        Calls.Enqueue((postback, context, Time.GetUtcNow()));
        if (Behavior is { } behavior)
        {
            await behavior(postback, context, cancellationToken);
        }

        Succeeded.AddOrUpdate(postback.DeduplicationKey, 1, (_, n) => n + 1);
    }
}

internal static class Postbacks
{
    public const string SmsDelivered = """
        <?xml version='1.0'?>
        <POSTBACK>
          <ORIGIN>SMS_MT</ORIGIN>
          <CODE>N202</CODE>
          <STATUS>Message Sent/Delivered</STATUS>
          <FROM>60856</FROM>
          <FROM_MASK></FROM_MASK>
          <TO>16503333058</TO>
          <TRACKINGID>U01TXzgwNjc4</TRACKINGID>
          <SPID>0001470</SPID>
          <TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP>
          <AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>
        </POSTBACK>
        """;

    public const string SmsMo = """
        <POSTBACK>
          <ORIGIN>SMS_MO</ORIGIN>
          <CODE>N211</CODE>
          <FROM>15552312102</FROM>
          <TO>86717</TO>
          <TEXT>STOP</TEXT>
          <RECEIVED>2011-09-28T17:31:02-04:00</RECEIVED>
          <TRANSACTIONID>511XG-02294-192SA-482H8</TRANSACTIONID>
        </POSTBACK>
        """;

    /// <summary>A delivery receipt with tracking id <c>T{i}</c> (distinct de-duplication keys).</summary>
    public static string Receipt(int i) => Receipt("T" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A delivery receipt with the given tracking id.</summary>
    public static string Receipt(string trackingId) =>
        "<?xml version='1.0'?><POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N202</CODE><STATUS>Message Sent/Delivered</STATUS><FROM>60856</FROM>"
        + "<TO>16503333058</TO><TRACKINGID>" + trackingId + "</TRACKINGID><SPID>0001470</SPID><TIMESTAMP>2013-11-05T05:41:15-05:00</TIMESTAMP></POSTBACK>";

    public static string KeyOf(int i) => "SMS_MT|N202|T" + i + "|2013-11-05T05:41:15-05:00";
}

internal static class Wait
{
    /// <summary>Polls until <paramref name="condition"/> holds (real time limit), advancing a fake clock by a second per poll.</summary>
    public static async Task UntilAsync(Func<bool> condition, FakeTimeProvider? time = null, int seconds = 20, string? what = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException("Timed out waiting for " + (what ?? "the condition") + ".");
            }

            time?.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, FakeTimeProvider? time = null, int seconds = 20, string? what = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException("Timed out waiting for " + (what ?? "the condition") + ".");
            }

            time?.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }
    }
}

/// <summary>A temporary store directory, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mms-postbacks-" + Guid.NewGuid().ToString("N"));

    public string DataFile => System.IO.Path.Combine(Path, FilePostbackStore.FileName);

    public string[] Lines() => File.Exists(DataFile) ? ReadShared(DataFile).Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
