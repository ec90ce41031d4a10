using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using MessagingClients.MaxMd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MessagingClients.Redis.Tests;

/// <summary>
/// A stand-in MaxMD provider on loopback (WireMock.Net) that records, for every accepted send, when it arrived and its
/// <c>Idempotency-Key</c> header (the transport sends it on every attempt).
/// </summary>
public sealed class FakeMaxMd : IDisposable
{
    public const string BasePath = "/message-rest/api/message/";

    public FakeMaxMd(TimeSpan? delay = null)
    {
        Server = WireMockServer.Start();
        var response = Response.Create().WithCallback(request =>
        {
            var key = request.Headers is { } headers && headers.TryGetValue("Idempotency-Key", out var values) ? values.ToString() : string.Empty;
            Sends.Enqueue(new Send(Stopwatch.GetTimestamp(), key));
            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData
                {
                    BodyAsString = "{\"smtpId\":\"<" + key + "@max.md>\",\"message\":\"Message sent.\",\"code\":0,\"success\":true}",
                    DetectedBodyType = WireMock.Types.BodyType.String,
                },
            };
        });
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }

        Server.Given(Request.Create().WithPath(BasePath + "Send").UsingPut()).AtPriority(10).RespondWith(response);
    }

    public WireMockServer Server { get; }

    public ConcurrentQueue<Send> Sends { get; } = new();

    public Uri Endpoint => new(Server.Url + BasePath);

    public int CountOf(string key) => Sends.Count(s => s.Key == key);

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
    }

    public readonly record struct Send(long Timestamp, string Key);
}

/// <summary>One app instance: its own DI container, MaxMD client and Redis connection.</summary>
public sealed class AppInstance : IDisposable
{
    private readonly ServiceProvider _services;

    public AppInstance(Uri endpoint, string redisConnection, Action<RedisMessagingOptions> redis, Action<MaxMdClientOptions>? configure = null, CapturingLogs? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Information);
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        });
        services.AddMessagingClients(b => b
            .AddMaxMd(o =>
            {
                o.Endpoint = endpoint;
                o.Username = "sender@direct.example.com";
                o.Password = "Pa55-w0rd-Secret!";
                configure?.Invoke(o);
            })
            .UseRedis(redisConnection, redis));
        _services = services.BuildServiceProvider();
        Client = _services.GetRequiredService<MaxMdClient>();
    }

    public MaxMdClient Client { get; }

    public IServiceProvider Services => _services;

    public static DirectMessage Message(string key) => new()
    {
        To = { "dr.a@direct.hospital.example" },
        Subject = "Referral",
        Body = "Patient summary attached.",
        IdempotencyKey = key,
    };

    public void Dispose() => _services.Dispose();
}

/// <summary>Every log line, formatted, with its event id.</summary>
public sealed class CapturingLogs : ILoggerProvider
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Text)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}

/// <summary>Counts <c>messaging.client.ratelimit.fallbacks</c> for one provider name (or scope).</summary>
public sealed class FallbackCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public FallbackCounter(string provider)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "MessagingClients" && instrument.Name == "messaging.client.ratelimit.fallbacks")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.provider" && (string?)tag.Value == provider)
                {
                    Interlocked.Add(ref _count, value);
                }
            }
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
