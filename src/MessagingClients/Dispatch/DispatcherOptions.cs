using System;
using System.Collections.Generic;
using System.Globalization;

namespace MessagingClients.Dispatch;

/// <summary>
/// Settings of a <see cref="MessageDispatcher"/>. With DI they are bound from <c>Messaging:Dispatch</c> and then the
/// <c>AddDispatcher</c> callback, and shared by every provider's dispatcher.
/// </summary>
public sealed class DispatcherOptions
{
    /// <summary>The configuration section under <c>Messaging</c>: <c>"Dispatch"</c>.</summary>
    public const string SectionName = "Dispatch";

    /// <summary>
    /// How many sends (after fan-out) the in-memory queue holds (default 1,000). When it is full, <c>EnqueueAsync</c> waits and
    /// <c>TryEnqueue</c> returns false: back-pressure on the producer.
    /// </summary>
    public int Capacity { get; set; } = 1000;

    /// <summary>
    /// How many sends run at once (default 16). The provider client's rate limiter keeps the rate; workers only need to be
    /// enough to cover the provider's latency (rate × latency: 100/s × 0.15 s ≈ 15).
    /// </summary>
    public int Workers { get; set; } = 16;

    /// <summary>
    /// Providers that take one recipient per call (default <c>"maxemail"</c>, <c>"mms"</c>; case-insensitive). A message with several
    /// recipients for one of them is fanned out into one send per recipient, keyed <c>{key}:{index}</c>.
    /// </summary>
    public ISet<string> SingleRecipientProviders { get; set; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "maxemail", "mms" };

    /// <summary>The shortest time between two progress reports (default 1 s).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The sliding window over which <see cref="DispatchProgress.CurrentRate"/> is measured (default 10 s).</summary>
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <c>StopAsync</c> (and disposal) lets the queue drain before cancelling what is left (default 30 s; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits for all).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Receives <see cref="DispatchProgress"/> at most every <see cref="ProgressInterval"/>, and once more when the dispatcher stops.</summary>
    public IProgress<DispatchProgress>? Progress { get; set; }

    /// <summary>The clock for progress, rate and drain timeout; <see cref="System.TimeProvider.System"/> (or the DI one) when null.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// DI only: the JSON-lines file of the registered <see cref="JsonLinesDeadLetterStore"/>; an <see cref="InMemoryDeadLetterStore"/> when null.
    /// Without DI, pass the store to the <see cref="MessageDispatcher"/> constructor.
    /// </summary>
    public string? DeadLetterPath { get; set; }

    /// <summary>Checks the settings; each message names the setting under <paramref name="prefix"/>.</summary>
    /// <param name="prefix">The configuration path, for example <c>Messaging:Dispatch</c>.</param>
    /// <returns>One message per invalid setting; empty when all are valid.</returns>
    public IEnumerable<string> Validate(string prefix)
    {
        if (Capacity < 1)
        {
            yield return Format("{0}:Capacity must be at least 1 (it is {1}).", prefix, Capacity);
        }

        if (Workers < 1)
        {
            yield return Format("{0}:Workers must be at least 1 (it is {1}).", prefix, Workers);
        }

        if (ProgressInterval <= TimeSpan.Zero)
        {
            yield return Format("{0}:ProgressInterval must be positive (it is {1}).", prefix, ProgressInterval);
        }

        if (RateWindow <= TimeSpan.Zero)
        {
            yield return Format("{0}:RateWindow must be positive (it is {1}).", prefix, RateWindow);
        }

        if (DrainTimeout < TimeSpan.Zero && DrainTimeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            yield return Format("{0}:DrainTimeout must not be negative (it is {1}).", prefix, DrainTimeout);
        }

        if (SingleRecipientProviders is null)
        {
            yield return Format("{0}:SingleRecipientProviders must not be null.", prefix, 0);
        }
    }

    private static string Format(string format, string prefix, object value) =>
        string.Format(CultureInfo.InvariantCulture, format, prefix, value);
}
