namespace MessagingClients.Tests.Transport;

public sealed class OptionsValidationTests
{
    public static TheoryData<string, Action<MessagingClientOptions>, string> Cases => new()
    {
        { "burst below rate", o => o.RateLimit.Burst = 50, "Messaging:Test:RateLimit:Burst (50) must be at least PermitsPerSecond (100)." },
        { "zero rate", o => o.RateLimit.PermitsPerSecond = 0, "Messaging:Test:RateLimit:PermitsPerSecond must be a positive number" },
        { "negative queue", o => o.RateLimit.QueueLimit = -1, "Messaging:Test:RateLimit:QueueLimit must not be negative" },
        { "decrease factor", o => o.RateLimit.DecreaseFactor = 1.5, "Messaging:Test:RateLimit:DecreaseFactor must be between 0 and 1" },
        { "minimum rate", o => o.RateLimit.MinimumPermitsPerSecond = 500, "Messaging:Test:RateLimit:MinimumPermitsPerSecond must be positive and at most PermitsPerSecond" },
        { "recovery", o => o.RateLimit.RecoveryPerSuccess = -1, "Messaging:Test:RateLimit:RecoveryPerSuccess must be positive" },
        { "negative retries", o => o.Retry.MaxRetries = -1, "Messaging:Test:Retry:MaxRetries must not be negative" },
        { "negative delay", o => o.Retry.BaseDelay = TimeSpan.FromSeconds(-1), "Messaging:Test:Retry:BaseDelay must not be negative" },
        { "max below base", o => o.Retry.MaxDelay = TimeSpan.FromMilliseconds(10), "Messaging:Test:Retry:MaxDelay (00:00:00.0100000) must be at least BaseDelay (00:00:01)." },
        { "jitter", o => o.Retry.JitterRatio = 2, "Messaging:Test:Retry:JitterRatio must be between 0 and 1" },
        { "attempt timeout", o => o.Timeouts.Attempt = TimeSpan.Zero, "Messaging:Test:Timeouts:Attempt must be positive or infinite" },
        { "attempt over total", o => o.Timeouts.Attempt = TimeSpan.FromMinutes(10), "Messaging:Test:Timeouts:Attempt (00:10:00) must not be longer than Total (00:05:00)." },
        { "failure ratio", o => o.CircuitBreaker.FailureRatio = 0, "Messaging:Test:CircuitBreaker:FailureRatio must be greater than 0 and at most 1" },
        { "throughput", o => o.CircuitBreaker.MinimumThroughput = 1, "Messaging:Test:CircuitBreaker:MinimumThroughput must be at least 2" },
        { "break", o => o.CircuitBreaker.BreakDuration = TimeSpan.FromMilliseconds(100), "Messaging:Test:CircuitBreaker:BreakDuration must be at least 0.5 s" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_invalid_setting_is_named(string why, Action<MessagingClientOptions> configure, string expected)
    {
        var options = new MessagingClientOptions();
        configure(options);

        var failures = options.Validate("Messaging:Test").ToList();

        Assert.True(failures.Count == 1, why + ": " + string.Join(" | ", failures));
        Assert.StartsWith(expected, failures[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid_and_as_documented()
    {
        var options = new MessagingClientOptions();

        Assert.Empty(options.Validate("Messaging:Test"));
        Assert.Equal(100, options.RateLimit.PermitsPerSecond);
        Assert.Equal(150, options.RateLimit.Burst);
        Assert.True(options.RateLimit.Adaptive);
        Assert.Equal(3, options.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Retry.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeouts.Attempt);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Timeouts.Total);
        Assert.Same(TimeProvider.System, options.TimeProvider);
    }

    [Fact]
    public void Disabled_parts_are_not_validated()
    {
        var options = new MessagingClientOptions();
        options.RateLimit.Enabled = false;
        options.RateLimit.Burst = 0;
        options.CircuitBreaker.Enabled = false;
        options.CircuitBreaker.FailureRatio = 5;

        Assert.Empty(options.Validate("Messaging:Test"));
    }
}
