using System;
using System.Threading.RateLimiting;
using MessagingClients.Transport;

namespace MessagingClients;

/// <summary>
/// A <see cref="RateLimiter"/> that the transport also tells about the provider's answers, so it can lower its rate after a
/// throttling answer (HTTP 429, MMS E113/E106) and raise it back after successes. Every HTTP attempt acquires one permit.
/// The SDK's default is a local token bucket (<see cref="CreateTokenBucket"/>); a package such as <c>MessagingClients.Redis</c>
/// supplies one shared by several processes through an <see cref="IRateLimiterFactory"/>.
/// </summary>
/// <remarks>
/// A limiter that refuses a permit returns a lease that is not acquired; when that lease carries
/// <see cref="MetadataName.ReasonPhrase"/>, the transport puts that reason in the <see cref="MessagingException"/> it throws
/// (kind <see cref="MessagingErrorKind.Throttled"/>, nothing sent). The reason must not hold secrets.
/// </remarks>
public abstract class AdaptiveRateLimiter : RateLimiter
{
    /// <summary>Raised when a throttling answer lowered the rate; the argument is the new rate in permits per second.</summary>
    public event Action<double>? RateLowered;

    /// <summary>The configured rate, the ceiling of the adaptive rate, in permits per second.</summary>
    public abstract double MaxPermitsPerSecond { get; }

    /// <summary>The rate in force now, in permits per second: lower than <see cref="MaxPermitsPerSecond"/> after throttling answers.</summary>
    public abstract double CurrentPermitsPerSecond { get; }

    /// <summary>
    /// Creates the SDK's local token bucket: continuous refill on <paramref name="timeProvider"/>, a first-in first-out queue
    /// of at most <see cref="RateLimitOptions.QueueLimit"/> permits, and adaptive lowering when <see cref="RateLimitOptions.Adaptive"/> is set.
    /// This is the limiter a transport uses when no <see cref="IRateLimiterFactory"/> is configured.
    /// </summary>
    /// <param name="options">The rate, burst, queue and adaptive settings; read once, at creation.</param>
    /// <param name="timeProvider">The clock the bucket refills on; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>A new limiter; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The settings are invalid; the message names each one.</exception>
    public static AdaptiveRateLimiter CreateTokenBucket(RateLimitOptions options, TimeProvider? timeProvider = null)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var problems = string.Join(" ", options.Validate("RateLimit"));
        if (problems.Length > 0)
        {
            throw new ArgumentException(problems, nameof(options));
        }

        return new AdaptiveTokenBucketRateLimiter(options, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Tells the limiter that the provider answered with throttling: it should lower its rate (at most once per cooldown).</summary>
    public abstract void OnThrottled();

    /// <summary>Tells the limiter that the provider answered successfully: it may raise a lowered rate back towards the configured one.</summary>
    public abstract void OnSuccess();

    /// <summary>Raises <see cref="RateLowered"/>. Call it outside any lock.</summary>
    /// <param name="newRate">The rate now in force, in permits per second.</param>
    protected void NotifyRateLowered(double newRate) => RateLowered?.Invoke(newRate);
}
