using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using MessagingClients.Maxemail;
using MessagingClients.MaxMd;
using MessagingClients.Mms;
using MessagingClients.Testing;

namespace MessagingClients.LoadHarness;

internal sealed record RateResult(string Provider, int ClientBurst, bool Adaptive, double Seconds, int Requests, int Accepted, double SteadyRate, int Throttled, int Duplicates, int ClientFailures)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"rate     {Provider,-8} client 100/s burst {ClientBurst} adaptive {(Adaptive ? "on" : "off")}, simulator 100/s burst 150: {Accepted} accepted in {Seconds:0.0} s, steady {SteadyRate:0.0}/s ({SteadyRate / 100:P1}), throttled {Throttled}, duplicates {Duplicates}, client failures {ClientFailures}");
}

internal sealed record AdaptiveResult(string Settings, double Seconds, double? ConvergedAt, double LastThrottleAt, double SteadyRate, int SteadyRequests, int SteadyThrottled, int ThrottledTotal, int ClientFailures, int Duplicates)
{
    public double SteadyThrottledShare => SteadyRequests == 0 ? 0 : (double)SteadyThrottled / SteadyRequests;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"adaptive {Settings}: limit 60/s, configured 100/s; converged at {(ConvergedAt is { } c ? c.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "never")}, "
        + $"last 429 at {LastThrottleAt:0.0} s; after 10 s: {SteadyRate:0.0}/s accepted ({SteadyRate / 60:P1} of the limit), throttled {SteadyThrottled}/{SteadyRequests} ({SteadyThrottledShare:P2}); "
        + $"429s in all {ThrottledTotal}, client failures {ClientFailures}, duplicates {Duplicates}");
}

internal static class Scenarios
{
    private const string Text = "Hello from the MessagingClients load harness: a short transactional message.";

    public static async Task<ProviderSimulator> StartAsync(double rate, int burst, bool enforce, TimeSpan? faultRetryAfter = null)
    {
        var options = new ProviderSimulatorOptions { MaxRecordedBodyChars = 256 };
        foreach (var provider in new SimulatedProviderOptions[] { options.MaxMd, options.Maxemail, options.Mms })
        {
            provider.EnforceRateLimit = enforce;
            provider.PermitsPerSecond = rate;
            provider.Burst = burst;
            provider.FaultRetryAfter = faultRetryAfter ?? provider.FaultRetryAfter;
        }

        return await ProviderSimulator.StartAsync(options);
    }

    public static IMessageSender Client(ProviderSimulator simulator, string provider, Action<MessagingClientOptions> configure, HttpClient? http = null)
    {
        MessagingClientOptions options = provider switch
        {
            "maxmd" => simulator.MaxMd.CreateClientOptions(),
            "maxemail" => simulator.Maxemail.CreateClientOptions(),
            _ => simulator.Mms.CreateClientOptions(),
        };
        configure(options);
        return options switch
        {
            MaxMdClientOptions o => new MaxMdClient(o, http),
            MaxemailClientOptions o => new MaxemailClient(o, http),
            _ => new MmsClient((MmsClientOptions)options, http),
        };
    }

    public static SimulatedProvider Of(ProviderSimulator simulator, string provider) => simulator.Providers.Single(p => p.Name == provider);

    public static OutgoingMessage Message(string provider, string key) => new()
    {
        To = { provider switch { "maxmd" => "care.team@direct.example.org", "maxemail" => "reader@example.com", _ => "17743199144" } },
        Subject = "Load",
        Text = Text,
        IdempotencyKey = key,
    };

    /// <summary>Keeps <paramref name="concurrency"/> sends in flight for <paramref name="duration"/>; returns (sent, failed).</summary>
    public static async Task<(int Sent, int Failed)> DriveAsync(IMessageSender sender, string provider, TimeSpan duration, int concurrency, string run)
    {
        var sent = 0;
        var failed = 0;
        var next = 0;
        using var stop = new CancellationTokenSource(duration);
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                try
                {
                    await sender.SendAsync(Message(provider, $"{run}-{provider}-{i}"), stop.Token);
                    Interlocked.Increment(ref sent);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (MessagingException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return (sent, failed);
    }

    /// <summary>Scenario 1: client and simulator both 100/s burst 150; all three providers at once.</summary>
    public static async Task<IReadOnlyList<RateResult>> RateAsync(double seconds, double warmup, int clientBurst, bool adaptive, string[] providers)
    {
        await using var simulator = await StartAsync(100, 150, enforce: true);
        var senders = providers.Select(p => Client(simulator, p, o =>
        {
            o.RateLimit.PermitsPerSecond = 100;
            o.RateLimit.Burst = clientBurst;
            o.RateLimit.Adaptive = adaptive;
        })).ToArray();
        var run = Guid.NewGuid().ToString("N")[..8];
        var outcomes = await Task.WhenAll(providers.Select((p, i) => DriveAsync(senders[i], p, TimeSpan.FromSeconds(seconds), 32, run)));
        foreach (var sender in senders)
        {
            ((IDisposable)sender).Dispose();
        }

        return providers.Select((p, i) =>
        {
            var provider = Of(simulator, p);
            var requests = provider.Requests;
            var start = requests[0].ReceivedAt;
            var from = start + TimeSpan.FromSeconds(warmup);
            // Steady rate: sends accepted from the warm-up's end (the burst is long spent) to the last arrival. The run's
            // clock starts before the first request reaches the simulator, so the window ends at the last arrival, not at
            // start + seconds (which would count a stretch in which nothing could arrive).
            var end = requests.Max(r => r.ReceivedAt);
            var steady = requests.Count(r => r.ReceivedAt >= from && r.ReceivedAt <= end && r.Outcome == SimulatedOutcome.Accepted);
            return new RateResult(p, clientBurst, adaptive, seconds, requests.Count, requests.Count(r => r.Outcome == SimulatedOutcome.Accepted),
                steady / (end - from).TotalSeconds, provider.ThrottledCount, provider.DuplicateCount, outcomes[i].Failed);
        }).ToArray();
    }

    /// <summary>Scenario 2: simulator 60/s burst 90, MaxMD client configured 100/s burst 150 with adaptive on.</summary>
    public static async Task<AdaptiveResult> AdaptiveAsync(double seconds, double? decrease, double? recovery, double? cooldown, bool verbose)
    {
        await using var simulator = await StartAsync(60, 90, enforce: true);
        var label = string.Create(CultureInfo.InvariantCulture, $"decrease {decrease ?? 0.8}, recovery {(recovery is { } r ? r.ToString("0.###", CultureInfo.InvariantCulture) + "/s per success" : "default (0.2 % of rate)")}, cooldown {cooldown ?? 1} s");
        var sender = Client(simulator, "maxmd", o =>
        {
            o.RateLimit.PermitsPerSecond = 100;
            o.RateLimit.Burst = 150;
            o.RateLimit.Adaptive = true;
            if (decrease is { } d)
            {
                o.RateLimit.DecreaseFactor = d;
            }

            if (recovery is { } rec)
            {
                o.RateLimit.RecoveryPerSuccess = rec;
            }

            if (cooldown is { } c)
            {
                o.RateLimit.DecreaseCooldown = TimeSpan.FromSeconds(c);
            }
        });
        var outcome = await DriveAsync(sender, "maxmd", TimeSpan.FromSeconds(seconds), 32, Guid.NewGuid().ToString("N")[..8]);
        ((IDisposable)sender).Dispose();

        var provider = simulator.MaxMd;
        var requests = provider.Requests;
        var start = requests[0].ReceivedAt;
        double At(RecordedRequest q) => (q.ReceivedAt - start).TotalSeconds;
        var perSecond = new (int Accepted, int Throttled)[(int)Math.Floor(requests.Max(At))];
        foreach (var q in requests)
        {
            var s = (int)At(q);
            if (s < perSecond.Length)
            {
                perSecond[s] = (perSecond[s].Accepted + (q.Outcome == SimulatedOutcome.Accepted ? 1 : 0), perSecond[s].Throttled + (q.Outcome == SimulatedOutcome.Throttled ? 1 : 0));
            }
        }

        if (verbose)
        {
            Console.WriteLine("  second: accepted/throttled  " + string.Join(" ", perSecond.Select((p, i) => $"{i}:{p.Accepted}/{p.Throttled}")));
        }

        // Converged: the first second from which every 5-s window to the end has no 429 above 1 % and at least 90 % of the limit.
        double? converged = null;
        for (var s = 0; s + 5 <= perSecond.Length; s++)
        {
            var good = true;
            for (var w = s; w + 5 <= perSecond.Length && good; w++)
            {
                var window = perSecond.Skip(w).Take(5).ToArray();
                var accepted = window.Sum(x => x.Accepted);
                var throttled = window.Sum(x => x.Throttled);
                good = accepted >= 0.9 * 60 * 5 && throttled <= 0.01 * (accepted + throttled);
            }

            if (good)
            {
                converged = s;
                break;
            }
        }

        var steadyFrom = Math.Min(10, seconds / 2);
        var last = requests.Max(At); // the window ends at the last arrival, as in the rate scenario
        var steady = requests.Where(q => At(q) >= steadyFrom).ToArray();
        var throttles = requests.Where(q => q.Outcome == SimulatedOutcome.Throttled).ToArray();
        return new AdaptiveResult(label, seconds, converged, throttles.Length == 0 ? 0 : At(throttles[^1]),
            steady.Count(q => q.Outcome == SimulatedOutcome.Accepted) / (last - steadyFrom), steady.Length,
            steady.Count(q => q.Outcome == SimulatedOutcome.Throttled), throttles.Length, outcome.Failed, provider.DuplicateCount);
    }

    /// <summary>Scenario 3: limits off everywhere; client sends per second against a raw HttpClient posting the same bytes.</summary>
    public static async Task<(double Client, double Raw)> ThroughputAsync(string provider, double seconds, int concurrency)
    {
        await using var simulator = await StartAsync(100, 150, enforce: false);
        var capture = new CaptureHandler { InnerHandler = new SocketsHttpHandler() };
        using (var captureHttp = new HttpClient(capture))
        {
            var once = Client(simulator, provider, o => o.RateLimit.Enabled = false, captureHttp);
            await once.SendAsync(Message(provider, "capture"));
            ((IDisposable)once).Dispose();
        }

        using var http = new HttpClient(new SocketsHttpHandler());
        var sender = Client(simulator, provider, o => o.RateLimit.Enabled = false, http);
        await DriveAsync(sender, provider, TimeSpan.FromSeconds(1), concurrency, "warm"); // connections and JIT
        var watch = Stopwatch.StartNew();
        var (sent, _) = await DriveAsync(sender, provider, TimeSpan.FromSeconds(seconds), concurrency, "tp");
        var clientRate = sent / watch.Elapsed.TotalSeconds;
        ((IDisposable)sender).Dispose();

        using var raw = new HttpClient(new SocketsHttpHandler());
        var rawCount = 0;
        async Task RawAsync(TimeSpan duration)
        {
            using var stop = new CancellationTokenSource(duration);
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var request = capture.CreateRawRequest("raw-" + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture));
                        using var response = await raw.SendAsync(request, stop.Token);
                        await response.Content.ReadAsByteArrayAsync(stop.Token);
                        Interlocked.Increment(ref rawCount);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }));
        }

        await RawAsync(TimeSpan.FromSeconds(1));
        rawCount = 0;
        watch.Restart();
        await RawAsync(TimeSpan.FromSeconds(seconds));
        var rawRate = rawCount / watch.Elapsed.TotalSeconds;
        return (clientRate, rawRate);
    }

    /// <summary>Records the first request a client sends, to repeat its bytes and headers raw.</summary>
    private sealed class CaptureHandler : DelegatingHandler
    {
        private HttpMethod _method = HttpMethod.Post;
        private Uri? _uri;
        private byte[] _body = Array.Empty<byte>();
        private List<KeyValuePair<string, string[]>> _headers = new();
        private List<KeyValuePair<string, string[]>> _contentHeaders = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _method = request.Method;
            _uri = request.RequestUri;
            _body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            _headers = request.Headers.Where(h => !h.Key.Equals("Idempotency-Key", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("traceparent", StringComparison.OrdinalIgnoreCase))
                .Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.ToArray())).ToList();
            _contentHeaders = request.Content is null ? new() : request.Content.Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                .Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.ToArray())).ToList();
            return await base.SendAsync(request, cancellationToken);
        }

        public HttpRequestMessage CreateRawRequest(string key)
        {
            var content = new ByteArrayContent(_body);
            foreach (var h in _contentHeaders)
            {
                content.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }

            var request = new HttpRequestMessage(_method, _uri) { Content = content };
            foreach (var h in _headers)
            {
                request.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }

            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            return request;
        }
    }
}
