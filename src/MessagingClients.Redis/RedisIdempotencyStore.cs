using System;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace MessagingClients.Redis;

/// <summary>
/// An <see cref="IIdempotencyStore"/> in Redis, shared by every instance of an app: claiming a key sets an in-flight marker
/// atomically with a lease (<see cref="RedisMessagingOptions.IdempotencyLease"/>); completing stores the receipt for
/// <see cref="RedisMessagingOptions.IdempotencyRetention"/> (24 h); releasing after a failure removes the marker so a later
/// call may send. A second instance that sends a key in flight waits for the first and returns its receipt.
/// Keys look like <c>messagingclients:maxmd:default:idem:&lt;key&gt;</c>.
/// </summary>
/// <remarks>
/// While Redis is unreachable, <see cref="RedisUnavailableMode.FallBackToLocal"/> remembers keys in this process only (an
/// <see cref="InMemoryIdempotencyStore"/>), with a warning; <see cref="RedisUnavailableMode.FailFast"/> makes sends fail with
/// a transient <see cref="MessagingErrorKind.Unavailable"/> <see cref="MessagingException"/>. A receipt that cannot be stored
/// after a successful send never fails that send: it is kept locally and logged.
/// </remarks>
public sealed class RedisIdempotencyStore : IIdempotencyStore
{
    private const string Component = "idempotency";
    private const string InFlightPrefix = "f:";
    private const string CompletedPrefix = "c:";

    private const string BeginScript = """
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ''
end
return v
""";

    private const string ReleaseScript = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
""";

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(200);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisMessagingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InMemoryIdempotencyStore _local;
    private readonly ConcurrentDictionary<(string Scope, string Key), string> _owned = new();
    private readonly ConcurrentDictionary<(string Scope, string Key), bool> _ownedLocally = new();
    private readonly object _stateGate = new();
    private bool _unavailable;
    private long _retryRedisAt;

    /// <summary>Creates a store on an existing connection.</summary>
    /// <param name="redis">The connection; not disposed by the store.</param>
    /// <param name="options">The account, key prefix, retention, lease and what to do while Redis is unreachable.</param>
    /// <param name="loggerFactory">Logging; nothing when null.</param>
    /// <param name="timeProvider">The clock for waiting on a key in flight elsewhere; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names each setting.</exception>
    public RedisIdempotencyStore(IConnectionMultiplexer redis, RedisMessagingOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.ThrowIfInvalid("Messaging:Redis", nameof(options));
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("MessagingClients.Redis");
        _local = new InMemoryIdempotencyStore(_time, options.IdempotencyRetention);
    }

    /// <summary>True while Redis is unreachable and the fallback (or fail-fast) applies.</summary>
    public bool IsUnavailable
    {
        get
        {
            lock (_stateGate)
            {
                return _unavailable;
            }
        }
    }

    /// <summary>The Redis key that holds <paramref name="key"/> of <paramref name="scope"/>.</summary>
    /// <param name="scope">The namespace of the key, normally the provider name.</param>
    /// <param name="key">The idempotency key.</param>
    /// <returns>The Redis key.</returns>
    public string RedisKeyFor(string scope, string key) => _options.Key(scope, "idem:" + key);

    /// <inheritdoc />
    public async ValueTask<SendReceipt?> BeginAsync(string scope, string key, CancellationToken cancellationToken = default)
    {
        Validate(scope, key);
        var redisKey = (RedisKey)RedisKeyFor(scope, key);
        var poll = FirstPoll;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!UseRedis(scope))
            {
                var local = await _local.BeginAsync(scope, key, cancellationToken).ConfigureAwait(false);
                if (local is null)
                {
                    _ownedLocally[(scope, key)] = true;
                }

                return local;
            }

            var marker = InFlightPrefix + Guid.NewGuid().ToString("N");
            string value;
            try
            {
                EnsureConnected();
                var result = await _redis.GetDatabase().ScriptEvaluateAsync(
                    BeginScript, new[] { redisKey }, new RedisValue[] { marker, (long)_options.IdempotencyLease.TotalMilliseconds }).ConfigureAwait(false);
                value = (string?)result ?? string.Empty;
                MarkAvailable(scope);
            }
            catch (Exception ex) when (RedisTelemetry.IsUnavailable(ex))
            {
                MarkUnavailable(scope, ex);
                continue;
            }

            if (value.Length == 0)
            {
                _owned[(scope, key)] = marker;
                return null;
            }

            if (value.StartsWith(CompletedPrefix, StringComparison.Ordinal))
            {
                return JsonSerializer.Deserialize(value.AsSpan(CompletedPrefix.Length), RedisJsonContext.Default.SendReceipt)
                    ?? throw new InvalidOperationException($"The receipt stored in Redis for idempotency key {key} ({scope}) is empty.");
            }

            // In flight at another caller (maybe another instance): wait for it to complete or release.
            await Task.Delay(poll, _time, cancellationToken).ConfigureAwait(false);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, LongestPoll.Ticks));
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(string scope, string key, SendReceipt receipt, CancellationToken cancellationToken = default)
    {
        Validate(scope, key);
        if (receipt is null)
        {
            throw new ArgumentNullException(nameof(receipt));
        }

        if (_ownedLocally.TryRemove((scope, key), out _))
        {
            await _local.CompleteAsync(scope, key, receipt, cancellationToken).ConfigureAwait(false);
            return;
        }

        _owned.TryRemove((scope, key), out _);
        var value = CompletedPrefix + JsonSerializer.Serialize(receipt with { IsReplay = false }, RedisJsonContext.Default.SendReceipt);
        try
        {
            EnsureConnected();
            await _redis.GetDatabase().StringSetAsync(RedisKeyFor(scope, key), value, _options.IdempotencyRetention).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The send happened: failing now would invite the caller to send again. Remember it here at least.
            RedisLog.CompleteFailed(_logger, scope, key, ex);
            MarkUnavailable(scope, ex);
            await _local.CompleteAsync(scope, key, receipt, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string scope, string key, CancellationToken cancellationToken = default)
    {
        Validate(scope, key);
        if (_ownedLocally.TryRemove((scope, key), out _))
        {
            await _local.ReleaseAsync(scope, key, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_owned.TryRemove((scope, key), out var marker))
        {
            return;
        }

        try
        {
            EnsureConnected();
            await _redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, new[] { (RedisKey)RedisKeyFor(scope, key) }, new RedisValue[] { marker }).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisTelemetry.IsUnavailable(ex))
        {
            RedisLog.ReleaseFailed(_logger, scope, key, ex);
            MarkUnavailable(scope, ex);
        }
    }

    private static void Validate(string scope, string key)
    {
        if (string.IsNullOrEmpty(scope))
        {
            throw new ArgumentException("The idempotency scope must not be empty.", nameof(scope));
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("The idempotency key must not be empty.", nameof(key));
        }
    }

    private void EnsureConnected()
    {
        if (!_redis.IsConnected)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection to Redis is available.");
        }
    }

    // False while Redis is unreachable: then the local store applies, or (fail fast) this throws.
    private bool UseRedis(string scope)
    {
        lock (_stateGate)
        {
            if (!_unavailable || (_time.GetTimestamp() >= _retryRedisAt && _redis.IsConnected))
            {
                return true;
            }
        }

        if (_options.WhenUnavailable == RedisUnavailableMode.FailFast)
        {
            throw new MessagingException(scope, "Send", MessagingErrorKind.Unavailable,
                $"The idempotency store cannot reach Redis (account {_options.AccountId}) and Messaging:Redis:WhenUnavailable is FailFast, so the message was not sent")
            {
                IsTransient = true,
                Advice = "Try again when Redis is reachable, or set Messaging:Redis:WhenUnavailable to FallBackToLocal.",
            };
        }

        return false;
    }

    private void MarkUnavailable(string scope, Exception exception)
    {
        bool entered;
        lock (_stateGate)
        {
            entered = !_unavailable;
            _unavailable = true;
            _retryRedisAt = _time.GetTimestamp() + (long)(_options.ReconnectCheckInterval.TotalSeconds * _time.TimestampFrequency);
        }

        if (!entered)
        {
            return;
        }

        RedisTelemetry.CountFallback(scope, Component, _options.WhenUnavailable);
        if (_options.WhenUnavailable == RedisUnavailableMode.FailFast)
        {
            RedisLog.StoreFailFast(_logger, scope, _options.AccountId, exception);
        }
        else
        {
            RedisLog.StoreFallback(_logger, scope, _options.AccountId, exception);
        }
    }

    private void MarkAvailable(string scope)
    {
        lock (_stateGate)
        {
            if (!_unavailable)
            {
                return;
            }

            _unavailable = false;
        }

        RedisLog.StoreRecovered(_logger, scope, _options.AccountId);
    }
}
