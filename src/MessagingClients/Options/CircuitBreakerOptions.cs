using System;
using System.Collections.Generic;
using System.Globalization;

namespace MessagingClients;

/// <summary>
/// The circuit breaker opens when, within <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> attempts
/// were made and at least <see cref="FailureRatio"/> of them failed transiently (unavailable, timeout). While open, calls fail
/// fast with <see cref="MessagingErrorKind.CircuitOpen"/>; after <see cref="BreakDuration"/> one trial call is let through.
/// Throttling answers do not count: the rate limiter deals with those.
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Whether the breaker is used. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The share of failed attempts that opens the circuit. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The fewest attempts in the sampling window before the breaker may open. Default 20.</summary>
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>The sliding window failures are counted in. Default 30 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open before a trial call. Default 30 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    internal IEnumerable<string> Validate(string prefix)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!(FailureRatio > 0 && FailureRatio <= 1))
        {
            yield return $"{prefix}:FailureRatio must be greater than 0 and at most 1 (got {FailureRatio.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (MinimumThroughput < 2)
        {
            yield return $"{prefix}:MinimumThroughput must be at least 2 (got {MinimumThroughput}).";
        }

        if (SamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return $"{prefix}:SamplingDuration must be at least 0.5 s (got {SamplingDuration}).";
        }

        if (BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return $"{prefix}:BreakDuration must be at least 0.5 s (got {BreakDuration}).";
        }
    }
}
