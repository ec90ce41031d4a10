using System;

namespace MessagingClients.Transport;

/// <summary>
/// Computes the wait before a retry: <c>max(Retry-After, own)</c>, where <c>own</c> is the provider's rule when the answer had
/// no <c>Retry-After</c>, else exponential backoff <c>min(BaseDelay · 2ⁿ · (1 + U[0, JitterRatio]), MaxDelay)</c>.
/// Jitter only lengthens a delay, so a retry never comes earlier than asked.
/// </summary>
internal sealed class RetryDelayPolicy
{
    private readonly RetryOptions _options;
    private readonly Func<double> _random;

    public RetryDelayPolicy(RetryOptions options, Func<double> random)
    {
        _options = options;
        _random = random;
    }

    /// <param name="failure">The classified failure of the attempt.</param>
    /// <param name="retryIndex">0 for the first retry, 1 for the second, …</param>
    public TimeSpan Compute(ProviderFailure failure, int retryIndex)
    {
        var own = failure.RetryAfter is null && failure.ProviderDelay is { } rule ? rule.Pick(_random) : Exponential(retryIndex);
        return failure.RetryAfter is { } retryAfter && retryAfter > own ? retryAfter : own;
    }

    public TimeSpan Exponential(int retryIndex)
    {
        var max = _options.MaxDelay;
        var baseTicks = (double)_options.BaseDelay.Ticks * Math.Pow(2, Math.Min(retryIndex, 62));
        if (baseTicks >= max.Ticks)
        {
            return max;
        }

        var jittered = baseTicks * (1 + (_options.JitterRatio * _random()));
        return jittered >= max.Ticks ? max : TimeSpan.FromTicks((long)jittered);
    }
}
