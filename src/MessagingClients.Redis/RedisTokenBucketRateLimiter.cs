using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MessagingClients.Redis;

/// <summary>
/// A token bucket kept in Redis and shared by every instance that uses the same provider and <see cref="RedisMessagingOptions.AccountId"/>.
/// Each acquisition is one atomic Lua script (<see cref="RedisBucketScript"/>) on Redis time. When no permit is free the script
/// answers how long until one is; this instance waits that long on its <see cref="TimeProvider"/> and asks again. Callers of one
/// instance queue first in, first out behind a single head, so only the head talks to Redis. Throttling answers lower the
/// shared rate (with the cooldown, in Redis), so every instance slows down together. While Redis is unreachable the
/// configured <see cref="RedisUnavailableMode"/> applies.
/// </summary>
internal sealed class RedisTokenBucketRateLimiter : AdaptiveRateLimiter
{
    private const string Component = "rate_limiter";

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKey _key;
    private readonly string _provider;
    private readonly RateLimitOptions _options;
    private readonly RedisMessagingOptions _redisOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _head = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lazy<AdaptiveRateLimiter> _fallback;
    private readonly RedisValue _maxRate;
    private readonly RedisValue _burst;
    private readonly RedisValue _ttl;
    private readonly object _stateGate = new();
    private double _rate;
    private int _pending;
    private long _successfulLeases;
    private long _failedLeases;
    private bool _unavailable;
    private long _retryRedisAt;

    public RedisTokenBucketRateLimiter(
        IConnectionMultiplexer redis,
        string providerName,
        RateLimitOptions options,
        RedisMessagingOptions redisOptions,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _redis = redis;
        _provider = providerName;
        _options = options;
        _redisOptions = redisOptions;
        _time = timeProvider;
        _logger = logger;
        _key = redisOptions.Key(providerName, "bucket");
        _rate = options.PermitsPerSecond;
        _maxRate = Format(options.PermitsPerSecond);
        _burst = options.Burst;

        // Long enough to outlive a full refill and the cooldown; an idle account's bucket is full again anyway.
        var ttl = Math.Max(TimeSpan.FromMinutes(10).TotalMilliseconds, (options.Burst / options.PermitsPerSecond * 1000 * 2) + options.DecreaseCooldown.TotalMilliseconds);
        _ttl = (long)Math.Ceiling(ttl);
        _fallback = new Lazy<AdaptiveRateLimiter>(CreateFallback, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The Redis key of the shared bucket.</summary>
    public string Key => _key.ToString();

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

    /// <inheritdoc />
    public override double MaxPermitsPerSecond => _options.PermitsPerSecond;

    /// <summary>The shared rate as this instance last saw it in Redis (or the fallback bucket's rate while Redis is unreachable).</summary>
    public override double CurrentPermitsPerSecond
    {
        get
        {
            lock (_stateGate)
            {
                return _unavailable && _fallback.IsValueCreated ? _fallback.Value.CurrentPermitsPerSecond : _rate;
            }
        }
    }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration => null;

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = 0,
        CurrentQueuedCount = Volatile.Read(ref _pending),
        TotalSuccessfulLeases = Interlocked.Read(ref _successfulLeases),
        TotalFailedLeases = Interlocked.Read(ref _failedLeases),
    };

    /// <inheritdoc />
    public override void OnThrottled()
    {
        if (_options.Adaptive)
        {
            Observe(OnThrottledAsync());
        }
    }

    /// <inheritdoc />
    public override void OnSuccess()
    {
        if (!_options.Adaptive)
        {
            return;
        }

        if (UseFallback(out _))
        {
            _fallback.Value.OnSuccess();
            return;
        }

        if (Volatile.Read(ref _rate) >= _options.PermitsPerSecond)
        {
            return; // nothing to recover: no round trip
        }

        Observe(OnSuccessAsync());
    }

    /// <summary>Lowers the shared rate (at most once per cooldown, decided in Redis); completes when Redis answered.</summary>
    internal async Task OnThrottledAsync()
    {
        if (!_options.Adaptive)
        {
            return;
        }

        if (!UseFallback(out _))
        {
            try
            {
                var reply = await EvaluateAsync(RedisBucketScript.Throttled, Format(_options.DecreaseFactor), Format(_options.MinimumPermitsPerSecond), (long)(_options.DecreaseCooldown.TotalMilliseconds * 1000)).ConfigureAwait(false);
                if (reply.Result == 1)
                {
                    NotifyRateLowered(reply.Rate);
                }

                return;
            }
            catch (Exception ex) when (RedisTelemetry.IsUnavailable(ex))
            {
                MarkUnavailable(ex);
            }
        }

        if (_redisOptions.WhenUnavailable == RedisUnavailableMode.FallBackToLocal)
        {
            _fallback.Value.OnThrottled();
        }
    }

    internal async Task OnSuccessAsync()
    {
        try
        {
            await EvaluateAsync(RedisBucketScript.Success, Format(_options.RecoveryPerSuccess ?? (_options.PermitsPerSecond * 0.002))).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisTelemetry.IsUnavailable(ex))
        {
            MarkUnavailable(ex);
        }
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        if (permitCount == 0)
        {
            return Lease.Acquired;
        }

        if (Volatile.Read(ref _pending) > 0)
        {
            return Failed(Lease.Rejected(null, null)); // first in, first out: waiters go first
        }

        if (UseFallback(out var fallbackLease))
        {
            return fallbackLease ?? _fallback.Value.AttemptAcquire(permitCount);
        }

        try
        {
            var reply = EvaluateAsync(RedisBucketScript.Acquire, permitCount).GetAwaiter().GetResult();
            return reply.Result == 1 ? Granted() : Failed(Lease.Rejected(TimeSpan.FromTicks(reply.WaitMicroseconds * 10), null));
        }
        catch (Exception ex) when (RedisTelemetry.IsUnavailable(ex))
        {
            MarkUnavailable(ex);
            return UseFallback(out fallbackLease) ? fallbackLease ?? _fallback.Value.AttemptAcquire(permitCount) : Failed(UnavailableLease());
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        if (permitCount == 0)
        {
            return Lease.Acquired;
        }

        var ahead = Interlocked.Add(ref _pending, permitCount) - permitCount;
        try
        {
            if (ahead > 0 && ahead + permitCount > _options.QueueLimit)
            {
                return Failed(Lease.Rejected(TimeSpan.FromSeconds((ahead + permitCount) / Math.Max(_rate, 0.001)), null));
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
            var token = linked.Token;
            try
            {
                await _head.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Failed(Lease.Rejected(null, null)); // disposed
            }

            try
            {
                return await AcquireAsHeadAsync(permitCount, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _disposing.IsCancellationRequested)
            {
                return Failed(Lease.Rejected(null, null));
            }
            finally
            {
                _head.Release();
            }
        }
        finally
        {
            Interlocked.Add(ref _pending, -permitCount);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposing.IsCancellationRequested)
        {
            _disposing.Cancel();
            if (_fallback.IsValueCreated)
            {
                _fallback.Value.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override ValueTask DisposeAsyncCore()
    {
        Dispose(true);
        return base.DisposeAsyncCore();
    }

    // Fire and forget, but never an unobserved exception: Redis failures are handled inside; anything else is a bug to log.
    private void Observe(Task task) => task.ContinueWith(
        static (t, state) => RedisLog.AdaptiveUpdateFailed((ILogger)state!, t.Exception!.GetBaseException()),
        _logger,
        CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private async Task<RateLimitLease> AcquireAsHeadAsync(int permitCount, CancellationToken token)
    {
        while (true)
        {
            if (UseFallback(out var fallbackLease))
            {
                return fallbackLease ?? await _fallback.Value.AcquireAsync(permitCount, token).ConfigureAwait(false);
            }

            BucketReply reply;
            try
            {
                reply = await EvaluateAsync(RedisBucketScript.Acquire, permitCount).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisTelemetry.IsUnavailable(ex))
            {
                MarkUnavailable(ex);
                continue;
            }

            if (reply.Result == 1)
            {
                return Granted();
            }

            var wait = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, reply.WaitMicroseconds * 10));
            if (_options.QueueLimit < permitCount)
            {
                return Failed(Lease.Rejected(wait, null));
            }

            await Task.Delay(wait, _time, token).ConfigureAwait(false);
        }
    }

    private async Task<BucketReply> EvaluateAsync(string operation, params RedisValue[] extra)
    {
        if (!_redis.IsConnected)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection to Redis is available.");
        }

        var args = new RedisValue[4 + extra.Length];
        args[0] = operation;
        args[1] = _maxRate;
        args[2] = _burst;
        args[3] = _ttl;
        extra.CopyTo(args, 4);
        var result = await _redis.GetDatabase().ScriptEvaluateAsync(RedisBucketScript.Text, new[] { _key }, args).ConfigureAwait(false);
        var values = (RedisResult[])result!;
        var reply = new BucketReply((int)values[0], (long)values[1], double.Parse((string)values[2]!, NumberStyles.Float, CultureInfo.InvariantCulture));
        Volatile.Write(ref _rate, reply.Rate);
        MarkAvailable();
        return reply;
    }

    // True when Redis must not be used now: then either the fallback applies (lease null) or the refusal to return (fail fast).
    private bool UseFallback(out RateLimitLease? failFastLease)
    {
        failFastLease = null;
        lock (_stateGate)
        {
            if (!_unavailable)
            {
                return false;
            }

            if (_time.GetTimestamp() >= _retryRedisAt && _redis.IsConnected)
            {
                return false; // time to try Redis again
            }
        }

        if (_redisOptions.WhenUnavailable == RedisUnavailableMode.FailFast)
        {
            failFastLease = Failed(UnavailableLease());
        }

        return true;
    }

    private void MarkUnavailable(Exception exception)
    {
        bool entered;
        lock (_stateGate)
        {
            entered = !_unavailable;
            _unavailable = true;
            _retryRedisAt = _time.GetTimestamp() + (long)(_redisOptions.ReconnectCheckInterval.TotalSeconds * _time.TimestampFrequency);
        }

        if (!entered)
        {
            return;
        }

        RedisTelemetry.CountFallback(_provider, Component, _redisOptions.WhenUnavailable);
        if (_redisOptions.WhenUnavailable == RedisUnavailableMode.FailFast)
        {
            RedisLog.RateLimiterFailFast(_logger, _provider, _redisOptions.AccountId, exception);
        }
        else
        {
            var fallback = FallbackOptions(_options, _redisOptions.ExpectedInstanceCount);
            RedisLog.RateLimiterFallback(_logger, _provider, _redisOptions.AccountId, fallback.PermitsPerSecond, fallback.Burst, _redisOptions.ExpectedInstanceCount, exception);
            _ = _fallback.Value;
        }
    }

    private void MarkAvailable()
    {
        lock (_stateGate)
        {
            if (!_unavailable)
            {
                return;
            }

            _unavailable = false;
        }

        RedisLog.RateLimiterRecovered(_logger, _provider, _redisOptions.AccountId);
    }

    private AdaptiveRateLimiter CreateFallback()
    {
        var limiter = CreateTokenBucket(FallbackOptions(_options, _redisOptions.ExpectedInstanceCount), _time);
        limiter.RateLowered += NotifyRateLowered;
        return limiter;
    }

    /// <summary>The local bucket's settings: the account's rate and burst shared out between the expected instances.</summary>
    internal static RateLimitOptions FallbackOptions(RateLimitOptions options, int instances)
    {
        var rate = options.PermitsPerSecond / instances;
        return new RateLimitOptions
        {
            Enabled = true,
            PermitsPerSecond = rate,
            Burst = Math.Max(1, (int)Math.Ceiling((double)options.Burst / instances)),
            QueueLimit = options.QueueLimit,
            Adaptive = options.Adaptive,
            DecreaseFactor = options.DecreaseFactor,
            RecoveryPerSuccess = options.RecoveryPerSuccess / instances,
            MinimumPermitsPerSecond = Math.Min(options.MinimumPermitsPerSecond, rate),
            DecreaseCooldown = options.DecreaseCooldown,
        };
    }

    private Lease UnavailableLease() =>
        Lease.Rejected(_redisOptions.ReconnectCheckInterval, $"The shared rate limiter cannot reach Redis (account {_redisOptions.AccountId}) and Messaging:Redis:WhenUnavailable is FailFast");

    private Lease Granted()
    {
        Interlocked.Increment(ref _successfulLeases);
        return Lease.Acquired;
    }

    private RateLimitLease Failed(RateLimitLease lease)
    {
        Interlocked.Increment(ref _failedLeases);
        return lease;
    }

    private void CheckPermitCount(int permitCount)
    {
        if (permitCount < 0 || permitCount > _options.Burst)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"permitCount must be between 0 and the burst size ({_options.Burst}).");
        }
    }

    private readonly record struct BucketReply(int Result, long WaitMicroseconds, double Rate);

    private sealed class Lease : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null, null);

        private readonly TimeSpan? _retryAfter;
        private readonly string? _reason;

        private Lease(bool isAcquired, TimeSpan? retryAfter, string? reason)
        {
            IsAcquired = isAcquired;
            _retryAfter = retryAfter;
            _reason = reason;
        }

        public override bool IsAcquired { get; }

        public override IEnumerable<string> MetadataNames
        {
            get
            {
                if (_retryAfter is not null)
                {
                    yield return MetadataName.RetryAfter.Name;
                }

                if (_reason is not null)
                {
                    yield return MetadataName.ReasonPhrase.Name;
                }
            }
        }

        public static Lease Rejected(TimeSpan? retryAfter, string? reason) => new(false, retryAfter, reason);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (_retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            if (_reason is not null && metadataName == MetadataName.ReasonPhrase.Name)
            {
                metadata = _reason;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
