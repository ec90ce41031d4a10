using MessagingClients.Transport;

namespace MessagingClients.Tests.Transport;

public sealed class RetryDelayPolicyTests
{
    private static readonly ProviderFailure Throttled = new() { Kind = MessagingErrorKind.Throttled, Description = "429", IsTransient = true, IsSafeToRepeat = true };

    [Fact]
    public void Backoff_doubles_from_the_base_and_is_capped()
    {
        var policy = new RetryDelayPolicy(new RetryOptions(), () => 0);

        var delays = Enumerable.Range(0, 8).Select(i => policy.Compute(Throttled, i).TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60], delays);
    }

    [Fact]
    public void Jitter_only_lengthens_and_stays_within_the_ratio()
    {
        var policy = new RetryDelayPolicy(new RetryOptions { JitterRatio = 0.2 }, () => 0.999);

        Assert.InRange(policy.Compute(Throttled, 0).TotalSeconds, 1.0, 1.2);
        Assert.InRange(policy.Compute(Throttled, 2).TotalSeconds, 4.0, 4.8);
        Assert.InRange(policy.Compute(Throttled, 5).TotalSeconds, 32.0, 38.4);
        Assert.Equal(60, policy.Compute(Throttled, 6).TotalSeconds); // 64 s is past MaxDelay: capped, no jitter above the cap
    }

    [Fact]
    public void Retry_after_wins_when_longer_and_backoff_wins_when_longer()
    {
        var policy = new RetryDelayPolicy(new RetryOptions(), () => 0);

        Assert.Equal(TimeSpan.FromSeconds(90), policy.Compute(Throttled with { RetryAfter = TimeSpan.FromSeconds(90) }, 0));
        Assert.Equal(TimeSpan.FromSeconds(4), policy.Compute(Throttled with { RetryAfter = TimeSpan.FromSeconds(1) }, 2));
    }
}
