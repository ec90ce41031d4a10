using System.Threading.RateLimiting;
using MessagingClients.Tests.Infrastructure;
using MessagingClients.Transport;
using Microsoft.Extensions.Time.Testing;

namespace MessagingClients.Tests.Transport;

public sealed class RateLimiterTests
{
    private static AdaptiveTokenBucketRateLimiter Create(FakeTimeProvider time, Action<RateLimitOptions>? configure = null)
    {
        var options = new RateLimitOptions();
        configure?.Invoke(options);
        return new AdaptiveTokenBucketRateLimiter(options, time);
    }

    [Fact]
    public void Thousands_of_requests_never_exceed_the_burst_and_hold_the_rate_within_one_percent()
    {
        var time = new FakeTimeProvider();
        using var limiter = Create(time);
        var leases = Enumerable.Range(0, 1_200).Select(_ => limiter.AcquireAsync(1).AsTask()).ToArray();

        int Granted() => leases.Count(t => t.IsCompletedSuccessfully && t.Result.IsAcquired);

        Assert.Equal(150, Granted()); // the burst, and not one more, at the first instant
        var step = TimeSpan.FromMilliseconds(10);
        for (var i = 1; i <= 1_000; i++)
        {
            time.Advance(step);
            var elapsed = i * step.TotalSeconds;
            Assert.True(Granted() <= 150 + (100 * elapsed) + 1e-6, $"{Granted()} granted after {elapsed} s");
        }

        var steady = Granted() - 150; // granted during the 10 s after the burst
        Assert.InRange(steady, 990, 1_010);
    }

    [Fact]
    public async Task Beyond_the_queue_limit_callers_fail_fast()
    {
        var time = new FakeTimeProvider();
        using var limiter = Create(time, o =>
        {
            o.PermitsPerSecond = 1;
            o.Burst = 1;
            o.QueueLimit = 2;
        });

        Assert.True((await limiter.AcquireAsync(1)).IsAcquired);
        var queued1 = limiter.AcquireAsync(1).AsTask();
        var queued2 = limiter.AcquireAsync(1).AsTask();
        var rejected = await limiter.AcquireAsync(1);

        Assert.False(rejected.IsAcquired);
        Assert.True(rejected.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.True(retryAfter > TimeSpan.Zero);
        Assert.False(queued1.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await queued1).IsAcquired);
        Assert.False(queued2.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await queued2).IsAcquired);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_the_next_one_moves_up()
    {
        var time = new FakeTimeProvider();
        using var limiter = Create(time, o =>
        {
            o.PermitsPerSecond = 1;
            o.Burst = 1;
        });
        await limiter.AcquireAsync(1);
        using var cts = new CancellationTokenSource();
        var cancelled = limiter.AcquireAsync(1, cts.Token).AsTask();
        var next = limiter.AcquireAsync(1).AsTask();
        Assert.Equal(2, limiter.QueuedPermits);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, limiter.QueuedPermits);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await next).IsAcquired);
        Assert.Equal(0, limiter.QueuedPermits);
    }

    [Fact]
    public void Throttling_lowers_the_rate_once_per_cooldown_and_successes_bring_it_back()
    {
        var time = new FakeTimeProvider();
        using var limiter = Create(time);

        limiter.OnThrottled();
        Assert.Equal(80, limiter.CurrentPermitsPerSecond, 6);
        limiter.OnThrottled(); // an echo of requests already in flight: ignored within the cooldown
        Assert.Equal(80, limiter.CurrentPermitsPerSecond, 6);
        time.Advance(TimeSpan.FromSeconds(1));
        limiter.OnThrottled();
        Assert.Equal(64, limiter.CurrentPermitsPerSecond, 6);

        for (var i = 0; i < 100; i++)
        {
            limiter.OnSuccess();
        }

        Assert.Equal(69, limiter.CurrentPermitsPerSecond, 6); // +0.05 per success (0.05 % of 100/s)
        for (var i = 0; i < 1_000; i++)
        {
            limiter.OnSuccess();
        }

        Assert.Equal(100, limiter.CurrentPermitsPerSecond, 6); // never above the configured rate
    }

    [Fact]
    public void A_lowered_rate_really_slows_the_grants()
    {
        var time = new FakeTimeProvider();
        using var limiter = Create(time, o => o.DecreaseFactor = 0.5);
        limiter.OnThrottled(); // 50/s, bucket emptied

        var leases = Enumerable.Range(0, 200).Select(_ => limiter.AcquireAsync(1).AsTask()).ToArray();
        Assert.DoesNotContain(leases, t => t.IsCompleted);
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(leases.Count(t => t.IsCompleted), 49, 51);
    }

    [Fact]
    public void Without_adaptive_mode_throttling_changes_nothing()
    {
        var time = new FakeTimeProvider();
        using var limiter = Create(time, o => o.Adaptive = false);

        limiter.OnThrottled();

        Assert.Equal(100, limiter.CurrentPermitsPerSecond);
    }

    [Fact]
    public async Task A_throttling_answer_through_the_transport_lowers_the_rate()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Then(System.Net.HttpStatusCode.TooManyRequests);

        await time.RunAsync(() => transport.SendAsync(new TestCall(), null, CancellationToken.None));

        Assert.True(transport.RateLimiter!.CurrentPermitsPerSecond < 100);
    }

    [Fact]
    public async Task A_full_queue_surfaces_as_a_throttled_messaging_exception_without_sending()
    {
        var (transport, handler, time) = TransportFactory.Create(o =>
        {
            o.RateLimit.PermitsPerSecond = 1;
            o.RateLimit.Burst = 1;
            o.RateLimit.QueueLimit = 0;
        });
        await transport.SendAsync(new TestCall(), null, CancellationToken.None);

        var error = await Assert.ThrowsAsync<MessagingException>(() => transport.SendAsync(new TestCall(), null, CancellationToken.None));

        Assert.Equal(MessagingErrorKind.Throttled, error.Kind);
        Assert.Equal(0, error.Attempts);
        Assert.Contains("RateLimit:QueueLimit", error.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }
}
