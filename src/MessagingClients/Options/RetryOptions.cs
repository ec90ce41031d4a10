using System;
using System.Collections.Generic;
using System.Globalization;

namespace MessagingClients;

/// <summary>
/// Retry settings. Only failures the provider's rules mark as retryable are retried (see docs/resilience.md).
/// The delay before retry <c>n</c> (0-based) is <c>max(Retry-After, min(BaseDelay · 2ⁿ · (1 + U[0, JitterRatio]), MaxDelay))</c>;
/// a provider rule (MaxMD's 30–60 s after 503 without <c>Retry-After</c>) replaces the exponential term.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Retries after the first attempt. Default 3 (so at most 4 attempts). 0 turns retrying off.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first backoff delay. Default 1 s; doubled for each further retry.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay. Default 60 s. A provider's <c>Retry-After</c> may be longer.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Random extra delay as a share of the backoff, so many clients do not retry in step. Default 0.2 (up to +20 %).
    /// Jitter only ever lengthens a delay: a retry never happens earlier than the backoff or <c>Retry-After</c> says.
    /// </summary>
    public double JitterRatio { get; set; } = 0.2;

    internal IEnumerable<string> Validate(string prefix)
    {
        if (MaxRetries < 0)
        {
            yield return $"{prefix}:MaxRetries must not be negative (got {MaxRetries}).";
        }

        if (BaseDelay < TimeSpan.Zero)
        {
            yield return $"{prefix}:BaseDelay must not be negative (got {BaseDelay}).";
        }

        if (MaxDelay < TimeSpan.Zero)
        {
            yield return $"{prefix}:MaxDelay must not be negative (got {MaxDelay}).";
        }
        else if (MaxDelay < BaseDelay)
        {
            yield return $"{prefix}:MaxDelay ({MaxDelay}) must be at least BaseDelay ({BaseDelay}).";
        }

        if (!(JitterRatio >= 0 && JitterRatio <= 1))
        {
            yield return $"{prefix}:JitterRatio must be between 0 and 1 (got {JitterRatio.ToString(CultureInfo.InvariantCulture)}).";
        }
    }
}
