// The Quickstart: the three provider clients, registered with AddMessagingClients from configuration, send a few hundred
// messages through one resilient transport while a local provider simulator injects faults and enforces its rate limits.
//
//   dotnet run --project samples/Quickstart                                # 300 messages against the simulator, ~5 % faults
//   dotnet run --project samples/Quickstart -- --count 900 --rate 200 --fault-rate 0.1
//   dotnet run --project samples/Quickstart -- --live --count 3           # real providers, credentials from configuration
//   dotnet run --project samples/Quickstart -- --count 30 --otel          # also print traces and metrics (OpenTelemetry console exporter)
//   dotnet run --project samples/Quickstart -- --redis localhost:6379     # share rate limits and keys between instances
//
// --live reads the Messaging section (appsettings.json, environment variables such as Messaging__MaxMd__Password, or user
// secrets) and the recipients in Quickstart:Recipients:{MaxMd,Maxemail,Mms}; it sends --count messages (default 3) to them.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MessagingClients;
using MessagingClients.Dispatch;
using MessagingClients.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var settings = Settings.Parse(args);
if (settings is null)
{
    Console.Error.WriteLine("Usage: Quickstart [--count N] [--rate PER_SECOND] [--fault-rate 0..1] [--live] [--otel] [--redis CONNECTION]");
    return 2;
}

// --otel: the SDK's spans (MessagingClients, and HttpClient's under them) and metrics (MessagingClients, Polly) printed by the
// OpenTelemetry console exporter; disposed at the end, which flushes the metrics.
using var tracing = settings.Otel
    ? Sdk.CreateTracerProviderBuilder().AddSource("MessagingClients").AddSource("System.Net.Http").AddConsoleExporter().Build()
    : null;
using var metrics = settings.Otel
    ? Sdk.CreateMeterProviderBuilder().AddMeter("MessagingClients").AddMeter("Polly").AddConsoleExporter().Build()
    : null;

var builder = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddUserSecrets(typeof(Settings).Assembly, optional: true)
    .AddEnvironmentVariables();

ProviderSimulator? simulator = null;
if (settings.Live)
{
    var configured = builder.Build().GetSection("Messaging");
    if (!new[] { "MaxMd", "Maxemail", "Mms" }.Any(p => configured.GetSection(p).Exists()))
    {
        Console.WriteLine("""
            --live sends to the real providers, but no provider is configured. Set the sections you have, for example:

              export Messaging__MaxMd__Username='you@yourdomain.direct.example'   Messaging__MaxMd__Password='…'
              export Messaging__Maxemail__Username='api-user@example.com'        Messaging__Maxemail__Password='…'
              export Messaging__Maxemail__DefaultFrom='Your Name <you@example.com>'
              export Messaging__Mms__ApiKey='…'                                  Messaging__Mms__DefaultFrom='60856'
            and who receives the messages:
              export Quickstart__Recipients__MaxMd='them@theirdomain.direct.example'
              export Quickstart__Recipients__Maxemail='someone@example.com'
              export Quickstart__Recipients__Mms='17743199144'

            (or put them in samples/Quickstart/appsettings.json, or `dotnet user-secrets set … --project samples/Quickstart`).
            Without --live the Quickstart runs against the local simulator and needs nothing.
            """);
        return 2;
    }
}
else
{
    var options = new ProviderSimulatorOptions();
    foreach (var provider in new SimulatedProviderOptions[] { options.MaxMd, options.Maxemail, options.Mms })
    {
        provider.PermitsPerSecond = settings.Rate;
        provider.Burst = (int)Math.Ceiling(settings.Rate * 1.5);
        provider.FaultRetryAfter = TimeSpan.FromSeconds(1); // MaxMD's rule without Retry-After would be 30–60 s
    }

    simulator = await ProviderSimulator.StartAsync(options);
    var seed = 2026;
    foreach (var provider in simulator.Providers)
    {
        provider.Faults.Random(settings.FaultRate, seed++,
            SimulatedFault.ServiceUnavailable(), SimulatedFault.Throttled(), SimulatedFault.InternalServerError(),
            SimulatedFault.BadGatewayHtml(), SimulatedFault.ConnectionReset());
    }

    builder.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Messaging:Defaults:RateLimit:PermitsPerSecond"] = settings.Rate.ToString(CultureInfo.InvariantCulture),
        ["Messaging:Defaults:RateLimit:Burst"] = Math.Ceiling(settings.Rate * 1.5).ToString(CultureInfo.InvariantCulture),
        ["Quickstart:Recipients:MaxMd"] = "care.team@direct.example.org",
        ["Quickstart:Recipients:Maxemail"] = "reader@example.com",
        ["Quickstart:Recipients:Mms"] = "17743199144",
    }).AddProviderSimulator(simulator);
}

await using var _ = simulator;
var configuration = builder.Build();
var services = new ServiceCollection();
var latest = new ConcurrentDictionary<string, DispatchProgress>();
var messaging = services.AddMessagingClients(configuration.GetSection("Messaging"))
    .AddDispatcher(o =>
    {
        o.Workers = 32;
        o.ProgressInterval = TimeSpan.FromMilliseconds(250);
        o.Progress = new LatestProgress(latest);
    });
if (settings.Redis is { } redisConnection)
{
    // --redis: every instance of the Quickstart shares one token bucket and idempotency store per provider account.
    messaging.UseRedis(redisConnection, o => o.AccountId = "quickstart");
    Console.WriteLine("Rate limits and idempotency keys are shared through Redis (account 'quickstart').");
}
await using var container = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

var senders = new List<(IMessageSender Sender, string To)>();
foreach (var sender in container.GetServices<IMessageSender>())
{
    var section = sender.ProviderName switch { "maxmd" => "MaxMd", "maxemail" => "Maxemail", _ => "Mms" };
    var to = configuration["Quickstart:Recipients:" + section];
    if (string.IsNullOrWhiteSpace(to))
    {
        Console.WriteLine($"{sender.ProviderName}: configured, but Quickstart:Recipients:{section} is not set; skipped.");
        continue;
    }

    senders.Add((sender, to));
}

if (senders.Count == 0)
{
    Console.WriteLine("Nothing to send to.");
    return 2;
}

var count = settings.Count ?? (settings.Live ? 3 : 300);
Console.WriteLine(simulator is null
    ? $"Sending {count} messages to the real providers ({string.Join(", ", senders.Select(s => s.Sender.ProviderName))})."
    : $"Provider simulator at {simulator.BaseAddress}: limit {settings.Rate:0.#}/s per provider, {settings.FaultRate:P0} of requests get a fault "
        + "(503, 429/E113, 500, 502 HTML page, connection reset).");
Console.WriteLine($"Queuing {count} messages across {senders.Count} providers with the bulk dispatcher...");

var stats = senders.ToDictionary(s => s.Sender.ProviderName, _ => new ProviderStats());
var watch = Stopwatch.StartNew();
var done = 0;
using var progressStop = new CancellationTokenSource();
var progress = Task.Run(async () =>
{
    var interval = Console.IsOutputRedirected ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(200);
    while (!progressStop.IsCancellationRequested)
    {
        try
        {
            await Task.Delay(interval, progressStop.Token);
        }
        catch (OperationCanceledException)
        {
            break;
        }

        WriteProgress(false);
    }
});

var run = Run.RunId();
var dispatchers = container.GetRequiredService<IMessageDispatcherFactory>();
var results = new List<Task>();
for (var i = 0; i < count; i++)
{
    var (sender, to) = senders[i % senders.Count];
    var stat = stats[sender.ProviderName];
    var message = new OutgoingMessage
    {
        To = { to },
        Subject = $"Quickstart message {i + 1}",
        Text = $"Hello from the MessagingClients Quickstart ({i + 1} of {count}).",
        IdempotencyKey = $"quickstart-{run}-{i}", // one key per logical message: a retry never sends it twice
    };

    // The dispatcher queues locally and its workers send at the provider's limiter rate; every message ends in a receipt
    // or a dead letter.
    stat.Start(watch.Elapsed);
    var ticket = await dispatchers.GetDispatcher(sender.ProviderName).EnqueueAsync(message);
    results.Add(ticket.Completion.ContinueWith(t =>
    {
        foreach (var result in t.Result)
        {
            if (result.Receipt is { } receipt)
            {
                stat.Sent(receipt.Attempts, watch.Elapsed);
            }
            else
            {
                stat.Failed(result.DeadLetter?.ErrorKind ?? MessagingErrorKind.ProviderError, result.DeadLetter?.Attempts ?? 0, watch.Elapsed);
            }

            Interlocked.Increment(ref done);
        }
    }, TaskScheduler.Default));
}

await Task.WhenAll(results);
foreach (var (sender, _) in senders)
{
    await dispatchers.GetDispatcher(sender.ProviderName).StopAsync();
}

progressStop.Cancel();
await progress;
WriteProgress(true);

Console.WriteLine();
Console.WriteLine($"{"provider",-9} {"sent",6} {"retried",8} {"throttled",10} {"failed",7}  {"rate: peak/s of limit",-22} {"duplicates",10}  failed by kind");
foreach (var (name, stat) in stats)
{
    var provider = simulator?.Providers.Single(p => p.Name == name);
    // The busiest second the provider saw (requests, retries included) against its limit; live: sends per second overall.
    var rate = provider is null
        ? stat.Rate.ToString("0.0", CultureInfo.InvariantCulture) + " (sent/s)"
        : $"{PeakPerSecond(provider.Requests)} of {provider.PermitsPerSecond:0.#} (burst {provider.Burst})";
    var throttled = provider?.ThrottledCount.ToString(CultureInfo.InvariantCulture) ?? "n/a";
    var duplicates = provider?.DuplicateCount.ToString(CultureInfo.InvariantCulture) ?? "n/a";
    var kinds = stat.FailuresByKind.IsEmpty ? "-" : string.Join(", ", stat.FailuresByKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"));
    Console.WriteLine($"{name,-9} {stat.SentCount,6} {stat.Retries,8} {throttled,10} {stat.FailedCount,7}  {rate,-22} {duplicates,10}  {kinds}");
}

Console.WriteLine();
Console.WriteLine($"{stats.Values.Sum(s => s.SentCount)} of {count} sent in {watch.Elapsed.TotalSeconds:0.0} s.");
if (simulator is not null)
{
    Console.WriteLine("""
        retried    extra attempts after 503, 429/E113, gateway pages and resets that the provider's rules allow repeating
        throttled  429/E113 answers the simulator gave; the clients slowed down and retried them
        failed     answers that may mean the provider already processed the send (a 500, a gateway page or a reset for
                   Maxemail and MMS sends): the SDK does not repeat those, because a repeat could deliver twice;
                   the dispatcher keeps them as dead letters (ReplayAsync re-sends them under the same key)
        duplicates sends the simulator accepted twice under one idempotency key: always 0
        Next: docs/testing.md shows how to use the simulator in your own tests.
        """);
}

var duplicateTotal = simulator?.Providers.Sum(p => p.DuplicateCount) ?? 0;
return duplicateTotal == 0 ? 0 : 1;

static int PeakPerSecond(IReadOnlyList<RecordedRequest> requests)
{
    var times = requests.Select(r => r.ReceivedAt).Order().ToArray();
    var peak = 0;
    for (int start = 0, end = 0; end < times.Length; end++)
    {
        while (times[end] - times[start] >= TimeSpan.FromSeconds(1))
        {
            start++;
        }

        peak = Math.Max(peak, end - start + 1);
    }

    return peak;
}

void WriteProgress(bool final)
{
    var line = $"  {Volatile.Read(ref done),5}/{count}  "
        + string.Join("  ", stats.Select(s => latest.TryGetValue(s.Key, out var p)
            ? $"{s.Key} {p.Sent} sent {p.Failed} failed {p.Queued + p.InFlight} queued {p.CurrentRate:0}/s"
            : $"{s.Key} {s.Value.SentCount} sent {s.Value.FailedCount} failed"))
        + $"  retries {stats.Values.Sum(s => s.Retries)}  {watch.Elapsed.TotalSeconds,5:0.0} s";
    if (Console.IsOutputRedirected)
    {
        Console.WriteLine(line);
    }
    else
    {
        Console.Write("\r" + line.PadRight(Math.Max(line.Length, Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 160) : 0)));
        if (final)
        {
            Console.WriteLine();
        }
    }
}

internal sealed record Settings(int? Count, double Rate, double FaultRate, bool Live, bool Otel, string? Redis)
{
    public static Settings? Parse(string[] args)
    {
        int? count = null;
        double rate = 100, faultRate = 0.05;
        var live = false;
        var otel = false;
        string? redis = null;
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--count" when int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
                    count = n;
                    break;
                case "--rate" when double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 0:
                    rate = r;
                    break;
                case "--fault-rate" when double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f is >= 0 and <= 1:
                    faultRate = f;
                    break;
                case "--live":
                    live = true;
                    break;
                case "--otel":
                    otel = true;
                    break;
                case "--redis" when Next() is { Length: > 0 } connection:
                    redis = connection;
                    break;
                default:
                    return null;
            }
        }

        return new Settings(count, rate, faultRate, live, otel, redis);
    }
}

internal static class Run
{
    public static string RunId() => DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
}

/// <summary>What one provider's sends came to, updated from many tasks.</summary>
internal sealed class ProviderStats
{
    private int _sent;
    private int _failed;
    private int _retries;
    private long _firstTicks = long.MaxValue;
    private long _lastTicks;

    public ConcurrentDictionary<MessagingErrorKind, int> FailuresByKind { get; } = new();

    public int SentCount => Volatile.Read(ref _sent);

    public int FailedCount => Volatile.Read(ref _failed);

    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Sent messages per second, from the first send started to the last one finished.</summary>
    public double Rate
    {
        get
        {
            var span = TimeSpan.FromTicks(Interlocked.Read(ref _lastTicks) - Interlocked.Read(ref _firstTicks));
            return span > TimeSpan.Zero ? SentCount / span.TotalSeconds : 0;
        }
    }

    public void Start(TimeSpan at)
    {
        long current;
        while (at.Ticks < (current = Interlocked.Read(ref _firstTicks)) && Interlocked.CompareExchange(ref _firstTicks, at.Ticks, current) != current)
        {
        }
    }

    public void Sent(int attempts, TimeSpan at)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Add(ref _retries, attempts - 1);
        Finish(at);
    }

    public void Failed(MessagingErrorKind kind, int attempts, TimeSpan at)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.Add(ref _retries, Math.Max(0, attempts - 1));
        FailuresByKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Finish(at);
    }

    private void Finish(TimeSpan at)
    {
        long current;
        while (at.Ticks > (current = Interlocked.Read(ref _lastTicks)) && Interlocked.CompareExchange(ref _lastTicks, at.Ticks, current) != current)
        {
        }
    }
}

/// <summary>Keeps the newest dispatcher report per provider for the progress line (no synchronization context needed).</summary>
internal sealed class LatestProgress(ConcurrentDictionary<string, DispatchProgress> latest) : IProgress<DispatchProgress>
{
    public void Report(DispatchProgress value) => latest[value.ProviderName] = value;
}
