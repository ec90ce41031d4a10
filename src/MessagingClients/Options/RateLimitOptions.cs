using System.Collections.Generic;
using System.Globalization;

namespace MessagingClients;

/// <summary>
/// The client-side token bucket. Every HTTP attempt (retries included) takes one permit. The bucket refills
/// continuously at <see cref="PermitsPerSecond"/> up to <see cref="Burst"/>; callers beyond the available permits
/// wait in a first-in first-out queue of at most <see cref="QueueLimit"/> permits, and beyond that fail fast with
/// <see cref="MessagingErrorKind.Throttled"/>.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Whether the limiter is used at all. Default true; turning it off is for benchmarks and tests.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The steady rate in requests per second. Default 100 (MaxMD's guideline is 80–100).</summary>
    public double PermitsPerSecond { get; set; } = 100;

    /// <summary>How many permits may be taken at once after a quiet period. Default 150. Must be at least <see cref="PermitsPerSecond"/>.</summary>
    public int Burst { get; set; } = 150;

    /// <summary>How many permits callers may wait for in the queue before new callers fail fast. Default 10,000.</summary>
    public int QueueLimit { get; set; } = 10_000;

    /// <summary>
    /// When true (default), a throttling answer (HTTP 429, MMS E113/E106) multiplies the rate by <see cref="DecreaseFactor"/>
    /// and empties the bucket; every success adds <see cref="RecoveryPerSuccess"/> back, up to <see cref="PermitsPerSecond"/>.
    /// </summary>
    public bool Adaptive { get; set; } = true;

    /// <summary>The factor the rate is multiplied by on a throttling answer (0–1, exclusive). Default 0.8.</summary>
    public double DecreaseFactor { get; set; } = 0.8;

    /// <summary>
    /// Permits per second added back per successful answer while below the configured rate. Null (default): 0.05 % of
    /// <see cref="PermitsPerSecond"/> — measured in docs/performance.md to hold 100 % of a lower provider limit with under
    /// 0.5 % throttled answers; 0.2 % recovered so fast that 1.4 % of answers were throttled.
    /// </summary>
    public double? RecoveryPerSuccess { get; set; }

    /// <summary>The adaptive rate never falls below this. Default 1 request per second.</summary>
    public double MinimumPermitsPerSecond { get; set; } = 1;

    /// <summary>
    /// After a decrease, further throttling answers are ignored for this long: they are usually the echo of requests
    /// that were already in flight, and counting them would collapse the rate. Default 1 s.
    /// </summary>
    public System.TimeSpan DecreaseCooldown { get; set; } = System.TimeSpan.FromSeconds(1);

    internal double EffectiveRecoveryPerSuccess => RecoveryPerSuccess ?? PermitsPerSecond * 0.0005;

    internal IEnumerable<string> Validate(string prefix)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!(PermitsPerSecond > 0) || double.IsInfinity(PermitsPerSecond))
        {
            yield return $"{prefix}:PermitsPerSecond must be a positive number (got {PermitsPerSecond.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (Burst < 1)
        {
            yield return $"{prefix}:Burst must be at least 1 (got {Burst}).";
        }
        else if (Burst < PermitsPerSecond)
        {
            yield return $"{prefix}:Burst ({Burst}) must be at least PermitsPerSecond ({PermitsPerSecond.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (QueueLimit < 0)
        {
            yield return $"{prefix}:QueueLimit must not be negative (got {QueueLimit}).";
        }

        if (!(DecreaseFactor > 0 && DecreaseFactor < 1))
        {
            yield return $"{prefix}:DecreaseFactor must be between 0 and 1, exclusive (got {DecreaseFactor.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (RecoveryPerSuccess is { } recovery && !(recovery > 0))
        {
            yield return $"{prefix}:RecoveryPerSuccess must be positive (got {recovery.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (!(MinimumPermitsPerSecond > 0) || (PermitsPerSecond > 0 && MinimumPermitsPerSecond > PermitsPerSecond))
        {
            yield return $"{prefix}:MinimumPermitsPerSecond must be positive and at most PermitsPerSecond (got {MinimumPermitsPerSecond.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (DecreaseCooldown < System.TimeSpan.Zero)
        {
            yield return $"{prefix}:DecreaseCooldown must not be negative (got {DecreaseCooldown}).";
        }
    }
}
