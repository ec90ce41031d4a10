using System;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace MessagingClients.Redis;

/// <summary>
/// Makes, for each provider, a token bucket kept in Redis and shared by every instance with the same
/// <see cref="RedisMessagingOptions.AccountId"/>: one atomic Lua script per permit on Redis time, continuous refill, and adaptive
/// lowering after throttling answers shared by all instances. Registered by <c>UseRedis(...)</c>; without DI set it on
/// <see cref="MessagingClientOptions.RateLimiterFactory"/>.
/// </summary>
public sealed class RedisRateLimiterFactory : IRateLimiterFactory
{
    private readonly Func<IConnectionMultiplexer> _redis;
    private readonly RedisMessagingOptions _options;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates a factory on an existing connection.</summary>
    /// <param name="redis">The connection; not disposed by the factory or its limiters.</param>
    /// <param name="options">The account, key prefix and what to do while Redis is unreachable.</param>
    /// <param name="loggerFactory">Logging; nothing when null.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names each setting.</exception>
    public RedisRateLimiterFactory(IConnectionMultiplexer redis, RedisMessagingOptions options, ILoggerFactory? loggerFactory = null)
        : this(Check(redis), options, loggerFactory)
    {
    }

    internal RedisRateLimiterFactory(Func<IConnectionMultiplexer> redis, RedisMessagingOptions options, ILoggerFactory? loggerFactory)
    {
        _redis = redis;
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.ThrowIfInvalid("Messaging:Redis", nameof(options));
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <inheritdoc />
    public AdaptiveRateLimiter Create(string providerName, RateLimitOptions options, TimeProvider timeProvider)
    {
        if (string.IsNullOrEmpty(providerName))
        {
            throw new ArgumentException("The provider name must not be empty.", nameof(providerName));
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        return new RedisTokenBucketRateLimiter(
            _redis(), providerName, options, _options, timeProvider ?? TimeProvider.System, _loggerFactory.CreateLogger("MessagingClients.Redis"));
    }

    private static Func<IConnectionMultiplexer> Check(IConnectionMultiplexer redis)
    {
        if (redis is null)
        {
            throw new ArgumentNullException(nameof(redis));
        }

        return () => redis;
    }
}
