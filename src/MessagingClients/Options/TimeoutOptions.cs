using System;
using System.Collections.Generic;
using System.Threading;

namespace MessagingClients;

/// <summary>Time limits. Both use the options' <see cref="MessagingClientOptions.TimeProvider"/>.</summary>
public sealed class TimeoutOptions
{
    /// <summary>The limit for one HTTP attempt, from sending the request to reading the answer. Default 30 s. <see cref="Timeout.InfiniteTimeSpan"/> turns it off.</summary>
    public TimeSpan Attempt { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The limit for the whole logical operation: every attempt, retry delay and wait for the rate limiter. Default 5 minutes,
    /// long enough for three of MaxMD's 30–60 s waits after 503. A <c>Retry-After</c> longer than what is left fails at once.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan Total { get; set; } = TimeSpan.FromMinutes(5);

    internal IEnumerable<string> Validate(string prefix)
    {
        if (Attempt <= TimeSpan.Zero && Attempt != Timeout.InfiniteTimeSpan)
        {
            yield return $"{prefix}:Attempt must be positive or infinite (got {Attempt}).";
        }

        if (Total <= TimeSpan.Zero && Total != Timeout.InfiniteTimeSpan)
        {
            yield return $"{prefix}:Total must be positive or infinite (got {Total}).";
        }

        if (Attempt != Timeout.InfiniteTimeSpan && Total != Timeout.InfiniteTimeSpan && Attempt > Total)
        {
            yield return $"{prefix}:Attempt ({Attempt}) must not be longer than Total ({Total}).";
        }
    }
}
