using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using MessagingClients.Transport;

namespace MessagingClients.Telemetry;

/// <summary>
/// The rate limiters the observable gauges report on. A transport registers its limiter and unregisters it when disposed;
/// the registry holds limiters weakly, so a client that is never disposed does not stay alive for the gauges' sake.
/// </summary>
internal static class RateLimiterRegistry
{
    private static readonly object Gate = new();
    private static readonly List<Entry> Entries = new();

    /// <summary>Adds a limiter; dispose the result to remove it.</summary>
    public static IDisposable Register(string provider, AdaptiveRateLimiter limiter)
    {
        MessagingTelemetry.EnsureInitialized();
        var entry = new Entry(provider, limiter);
        lock (Gate)
        {
            Entries.Add(entry);
        }

        return entry;
    }

    /// <summary>How many limiters are registered and alive (for tests).</summary>
    public static int Count
    {
        get
        {
            lock (Gate)
            {
                Prune();
                return Entries.Count;
            }
        }
    }

    public static IEnumerable<Measurement<int>> Queued() =>
        Observe(static limiter => limiter is AdaptiveTokenBucketRateLimiter local ? local.QueuedPermits : (int)(limiter.GetStatistics()?.CurrentQueuedCount ?? 0), static (a, b) => a + b, static (value, tags) => new Measurement<int>(value, tags));

    public static IEnumerable<Measurement<double>> Rates() =>
        Observe(static limiter => limiter.CurrentPermitsPerSecond, static (a, b) => a + b, static (value, tags) => new Measurement<double>(value, tags));

    private static List<Measurement<T>> Observe<T>(Func<AdaptiveRateLimiter, T> read, Func<T, T, T> add, Func<T, KeyValuePair<string, object?>[], Measurement<T>> make)
        where T : struct
    {
        var totals = new Dictionary<string, T>(StringComparer.Ordinal);
        lock (Gate)
        {
            Prune();
            foreach (var entry in Entries)
            {
                if (entry.Limiter.TryGetTarget(out var limiter))
                {
                    var value = read(limiter);
                    totals[entry.Provider] = totals.TryGetValue(entry.Provider, out var sum) ? add(sum, value) : value;
                }
            }
        }

        var measurements = new List<Measurement<T>>(totals.Count);
        foreach (var pair in totals)
        {
            measurements.Add(make(pair.Value, new[] { new KeyValuePair<string, object?>(MessagingTelemetry.ProviderTag, pair.Key) }));
        }

        return measurements;
    }

    // Under the lock.
    private static void Prune() => Entries.RemoveAll(static e => !e.Limiter.TryGetTarget(out _));

    private sealed class Entry : IDisposable
    {
        public Entry(string provider, AdaptiveRateLimiter limiter)
        {
            Provider = provider;
            Limiter = new WeakReference<AdaptiveRateLimiter>(limiter);
        }

        public string Provider { get; }

        public WeakReference<AdaptiveRateLimiter> Limiter { get; }

        public void Dispose()
        {
            lock (Gate)
            {
                Entries.Remove(this);
            }
        }
    }
}
