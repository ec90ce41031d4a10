using System;
using System.Collections.Generic;

namespace MessagingClients;

/// <summary>
/// Settings every provider client has: rate limit, retry, timeouts, circuit breaker and the clock. Provider options
/// derive from it and add their endpoint and credentials. Bound from <c>Messaging:Defaults</c> and then the
/// provider's own section, so a provider value overrides a default.
/// </summary>
public class MessagingClientOptions
{
    /// <summary>The client-side token bucket every attempt takes a permit from.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Which failures are retried, how often and after how long.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>The per-attempt and total time limits.</summary>
    public TimeoutOptions Timeouts { get; set; } = new();

    /// <summary>The circuit breaker that fails fast after sustained transient failures.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>What is logged about each HTTP attempt: allowed headers and, when enabled, redacted request bodies.</summary>
    public LoggingOptions Logging { get; set; } = new();

    /// <summary>The clock every delay, timeout and the rate limiter use. Replace it with a fake clock in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where completed sends are remembered so a repeated idempotency key returns its receipt instead of sending again.
    /// Null: each client keeps its own in-memory store (24 h retention). Share one store (or a distributed one) between clients that must see each other's keys.
    /// </summary>
    public IIdempotencyStore? IdempotencyStore { get; set; }

    /// <summary>
    /// Makes the rate limiter in place of the local token bucket, for example one shared by several processes through Redis.
    /// Null (default): an <see cref="IRateLimiterFactory"/> registered in DI, else the local bucket of <see cref="RateLimit"/>.
    /// </summary>
    public IRateLimiterFactory? RateLimiterFactory { get; set; }

    /// <summary>Checks the settings and returns one message per problem, each naming the setting.</summary>
    /// <param name="prefix">The configuration path of these options, for example <c>Messaging:MaxMd</c>.</param>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public virtual IEnumerable<string> Validate(string prefix)
    {
        foreach (var failure in RateLimit.Validate(prefix + ":RateLimit"))
        {
            yield return failure;
        }

        foreach (var failure in Retry.Validate(prefix + ":Retry"))
        {
            yield return failure;
        }

        foreach (var failure in Timeouts.Validate(prefix + ":Timeouts"))
        {
            yield return failure;
        }

        foreach (var failure in CircuitBreaker.Validate(prefix + ":CircuitBreaker"))
        {
            yield return failure;
        }

        if (Logging is null)
        {
            yield return $"{prefix}:Logging must not be null.";
        }
        else
        {
            foreach (var failure in Logging.Validate(prefix + ":Logging"))
            {
                yield return failure;
            }
        }

        if (TimeProvider is null)
        {
            yield return $"{prefix}:TimeProvider must not be null.";
        }
    }
}
