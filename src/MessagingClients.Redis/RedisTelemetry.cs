using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace MessagingClients.Redis;

/// <summary>The package's instruments, on a meter named <c>MessagingClients</c> like the SDK's own.</summary>
internal static class RedisTelemetry
{
    public static readonly Meter Meter = new("MessagingClients");

    /// <summary>Counts each time a component stopped using Redis because it was unreachable.</summary>
    public static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>(
        "messaging.client.ratelimit.fallbacks", "{fallback}",
        "Times Redis was unreachable and a client fell back (local bucket or store) or failed fast, by provider, component and mode.");

    public const string ProviderTag = "messaging.provider";
    public const string ComponentTag = "messaging.redis.component";
    public const string ModeTag = "messaging.redis.mode";

    public static void CountFallback(string provider, string component, RedisUnavailableMode mode) =>
        Fallbacks.Add(1, new TagList
        {
            { ProviderTag, provider },
            { ComponentTag, component },
            { ModeTag, mode == RedisUnavailableMode.FailFast ? "fail_fast" : "local" },
        });

    /// <summary>
    /// Failures of a Redis call that mean "Redis cannot be used now". Besides its own exceptions, StackExchange.Redis lets an
    /// <see cref="InvalidOperationException"/> ("Writing is not allowed after writer was completed") or a socket error through
    /// when the connection drops during a write.
    /// </summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is RedisException or TimeoutException or ObjectDisposedException or InvalidOperationException
            or System.IO.IOException or System.Net.Sockets.SocketException;
}
