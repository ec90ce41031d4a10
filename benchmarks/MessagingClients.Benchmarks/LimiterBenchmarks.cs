using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using MessagingClients.Transport;

namespace MessagingClients.Benchmarks;

/// <summary>The cost of one permit from the SDK's adaptive token bucket, against the BCL's <see cref="TokenBucketRateLimiter"/>.</summary>
[MemoryDiagnoser]
public class LimiterBenchmarks
{
    private AdaptiveTokenBucketRateLimiter _adaptive = null!;
    private TokenBucketRateLimiter _bcl = null!;

    [GlobalSetup]
    public void Setup()
    {
        // A rate no benchmark can exhaust: every acquisition takes the fast path, as it does far from the limit.
        _adaptive = new AdaptiveTokenBucketRateLimiter(new RateLimitOptions { PermitsPerSecond = 1e12, Burst = int.MaxValue }, TimeProvider.System);
        _bcl = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = int.MaxValue,
            TokensPerPeriod = int.MaxValue,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(1),
            AutoReplenishment = true,
            QueueLimit = 0,
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _adaptive.Dispose();
        _bcl.Dispose();
    }

    [Benchmark(Baseline = true, Description = "BCL TokenBucketRateLimiter.AttemptAcquire")]
    public bool BclAttempt()
    {
        using var lease = _bcl.AttemptAcquire(1);
        return lease.IsAcquired;
    }

    [Benchmark(Description = "adaptive AttemptAcquire")]
    public bool AdaptiveAttempt()
    {
        using var lease = _adaptive.AttemptAcquire(1);
        return lease.IsAcquired;
    }

    [Benchmark(Description = "adaptive AcquireAsync")]
    public async ValueTask<bool> AdaptiveAcquireAsync()
    {
        using var lease = await _adaptive.AcquireAsync(1);
        return lease.IsAcquired;
    }

    [Benchmark(Description = "adaptive AcquireAsync + OnSuccess")]
    public async ValueTask<bool> AdaptiveAcquireAndSuccess()
    {
        using var lease = await _adaptive.AcquireAsync(1);
        _adaptive.OnSuccess();
        return lease.IsAcquired;
    }
}
