using BenchmarkDotNet.Attributes;
using MessagingClients.Testing;

namespace MessagingClients.Benchmarks;

/// <summary>
/// One send through each client against the loopback simulator (its rate limit off), against the baseline: a raw
/// <see cref="HttpClient"/> sending the identical bytes and headers to the same URL and reading the answer.
/// Allocations are process-wide (the in-process Kestrel server's share is in every row), so compare rows, not absolutes.
/// </summary>
[MemoryDiagnoser]
public class SendBenchmarks
{
    private ProviderSimulator _simulator = null!;
    private CapturedExchange _exchange = null!;
    private HttpClient _raw = null!;
    private HttpClient _httpOff = null!;
    private HttpClient _httpOn = null!;
    private IMessageSender _limiterOff = null!;
    private IMessageSender _limiterOn = null!;
    private OutgoingMessage _message = null!;
    private long _sequence;

    [Params("maxmd", "maxemail", "mms")]
    public string Provider { get; set; } = "maxmd";

    [GlobalSetup]
    public void Setup()
    {
        _simulator = Senders.StartSimulatorAsync().GetAwaiter().GetResult();
        _exchange = CapturedExchange.OfAsync(_simulator, Provider).GetAwaiter().GetResult();
        _raw = new HttpClient(new SocketsHttpHandler());
        _httpOff = new HttpClient(new SocketsHttpHandler());
        _httpOn = new HttpClient(new SocketsHttpHandler());
        _limiterOff = (IMessageSender)Senders.Create(_simulator, Provider, _httpOff, limiterOn: false);
        _limiterOn = (IMessageSender)Senders.Create(_simulator, Provider, _httpOn, limiterOn: true);
        _message = Senders.Message(Provider);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ((IDisposable)_limiterOff).Dispose();
        ((IDisposable)_limiterOn).Dispose();
        _raw.Dispose();
        _httpOff.Dispose();
        _httpOn.Dispose();
        _simulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private string NextKey() => "bench-" + Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Benchmark(Baseline = true, Description = "raw HttpClient")]
    public async Task<int> RawHttpClient()
    {
        using var request = _exchange.CreateRawRequest(NextKey());
        using var response = await _raw.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return body.Length;
    }

    [Benchmark(Description = "client, limiter off")]
    public async Task<SendReceipt> ClientLimiterOff()
    {
        _message.IdempotencyKey = NextKey();
        return await _limiterOff.SendAsync(_message);
    }

    [Benchmark(Description = "client, limiter on (far from limit)")]
    public async Task<SendReceipt> ClientLimiterOn()
    {
        _message.IdempotencyKey = NextKey();
        return await _limiterOn.SendAsync(_message);
    }
}
