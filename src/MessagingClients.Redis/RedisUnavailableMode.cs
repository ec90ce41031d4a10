namespace MessagingClients.Redis;

/// <summary>What the clients do while Redis cannot be reached. Never: send without any limit.</summary>
public enum RedisUnavailableMode
{
    /// <summary>
    /// Default. Each instance falls back to a local token bucket at the account's rate divided by
    /// <see cref="RedisMessagingOptions.ExpectedInstanceCount"/> (and the burst likewise), and to a per-process idempotency store,
    /// with a warning log and a <c>messaging.client.ratelimit.fallbacks</c> count; it goes back to Redis once Redis answers again.
    /// </summary>
    FallBackToLocal = 0,

    /// <summary>
    /// Sends fail at once with a <see cref="MessagingException"/> (rate limiter: kind <see cref="MessagingErrorKind.Throttled"/>;
    /// idempotency store: kind <see cref="MessagingErrorKind.Unavailable"/>), transient, nothing sent.
    /// </summary>
    FailFast = 1,
}
