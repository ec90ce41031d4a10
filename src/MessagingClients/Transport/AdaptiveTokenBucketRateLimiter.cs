using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace MessagingClients.Transport;

/// <summary>
/// A token bucket that refills continuously on a <see cref="TimeProvider"/> (so fake clocks drive it in tests), queues
/// waiters first-in first-out up to a limit, and can lower and raise its rate at run time (adaptive mode).
/// The BCL's <see cref="TokenBucketRateLimiter"/> does none of the last three: it refills in whole periods on a real timer
/// and its rate is fixed at construction.
/// </summary>
internal sealed class AdaptiveTokenBucketRateLimiter : AdaptiveRateLimiter
{
    // Floating-point refill may leave 0.9999999 tokens where 1 was due; that counts as 1.
    private const double Epsilon = 1e-7;

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly RateLimitOptions _options;
    private readonly LinkedList<Waiter> _queue = new();
    private readonly ITimer _timer;
    private readonly int _burst;
    private double _tokens;
    private long _lastRefill;
    private double _rate;
    private long? _lastDecrease;
    private int _queuedPermits;
    private long _successfulLeases;
    private long _failedLeases;
    private bool _disposed;

    public AdaptiveTokenBucketRateLimiter(RateLimitOptions options, TimeProvider timeProvider)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        MaxPermitsPerSecond = options.PermitsPerSecond;
        _rate = options.PermitsPerSecond;
        _burst = options.Burst;
        _tokens = options.Burst;
        _lastRefill = _time.GetTimestamp();
        _timer = _time.CreateTimer(static s => ((AdaptiveTokenBucketRateLimiter)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The configured rate, the ceiling of the adaptive rate.</summary>
    public override double MaxPermitsPerSecond { get; }

    /// <summary>The rate in force now (lower than <see cref="MaxPermitsPerSecond"/> after throttling answers in adaptive mode).</summary>
    public override double CurrentPermitsPerSecond
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    /// <summary>Permits waited for in the queue now.</summary>
    public int QueuedPermits
    {
        get
        {
            lock (_gate)
            {
                return _queuedPermits;
            }
        }
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                if (_queue.Count > 0)
                {
                    return null;
                }

                var now = _time.GetTimestamp();
                Refill(now);
                if (_tokens < _burst - Epsilon)
                {
                    return null;
                }

                return TimeSpan.Zero;
            }
        }
    }

    /// <summary>A throttling answer: lower the rate (at most once per cooldown) and stop bursting.</summary>
    public override void OnThrottled()
    {
        if (!_options.Adaptive)
        {
            return;
        }

        double newRate;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_lastDecrease is { } last && _time.GetElapsedTime(last, now) < _options.DecreaseCooldown)
            {
                return;
            }

            Refill(now);
            _lastDecrease = now;
            _rate = Math.Max(_options.MinimumPermitsPerSecond, _rate * _options.DecreaseFactor);

            // The provider's bucket is empty: a local burst now would only be throttled too.
            _tokens = Math.Min(_tokens, 0);
            newRate = _rate;
            ScheduleTimer();
        }

        NotifyRateLowered(newRate);
    }

    /// <summary>A successful answer: raise the rate back additively towards the configured rate.</summary>
    public override void OnSuccess()
    {
        if (!_options.Adaptive)
        {
            return;
        }

        lock (_gate)
        {
            if (_rate >= MaxPermitsPerSecond)
            {
                return;
            }

            Refill(_time.GetTimestamp());
            _rate = Math.Min(MaxPermitsPerSecond, _rate + _options.EffectiveRecoveryPerSuccess);
            ScheduleTimer();
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Refill(_time.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)Math.Floor(_tokens + Epsilon),
                CurrentQueuedCount = _queuedPermits,
                TotalSuccessfulLeases = _successfulLeases,
                TotalFailedLeases = _failedLeases,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        lock (_gate)
        {
            ThrowIfDisposed();
            Refill(_time.GetTimestamp());
            if (_queue.Count == 0 && _tokens + Epsilon >= permitCount)
            {
                _tokens -= permitCount;
                _successfulLeases++;
                return Lease.Acquired;
            }

            _failedLeases++;
            return Lease.Rejected(EstimateWait(permitCount));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<RateLimitLease>(Task.FromCanceled<RateLimitLease>(cancellationToken));
        }

        Waiter waiter;
        lock (_gate)
        {
            ThrowIfDisposed();
            Refill(_time.GetTimestamp());
            if (_queue.Count == 0 && _tokens + Epsilon >= permitCount)
            {
                _tokens -= permitCount;
                _successfulLeases++;
                return new ValueTask<RateLimitLease>(Lease.Acquired);
            }

            if (_queuedPermits + permitCount > _options.QueueLimit)
            {
                _failedLeases++;
                return new ValueTask<RateLimitLease>(Lease.Rejected(EstimateWait(permitCount)));
            }

            waiter = new Waiter(permitCount);
            waiter.Node = _queue.AddLast(waiter);
            _queuedPermits += permitCount;
            ScheduleTimer();
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(static s =>
            {
                var (limiter, w, token) = ((AdaptiveTokenBucketRateLimiter, Waiter, CancellationToken))s!;
                limiter.Cancel(w, token);
            }, (this, waiter, cancellationToken));
        }

        return new ValueTask<RateLimitLease>(waiter.Completion.Task);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
        {
            return;
        }

        List<Waiter> pending;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = new List<Waiter>(_queue);
            _queue.Clear();
            _queuedPermits = 0;
        }

        _timer.Dispose();
        foreach (var waiter in pending)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult(Lease.Rejected(null));
        }
    }

    protected override ValueTask DisposeAsyncCore()
    {
        Dispose(true);
        return base.DisposeAsyncCore();
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return; // already granted or disposed
            }

            _queue.Remove(waiter.Node);
            _queuedPermits -= waiter.Permits;
            ScheduleTimer();
        }

        waiter.Completion.TrySetCanceled(token);

        // The cancelled waiter may have been holding back smaller ones behind it.
        OnTimer();
    }

    private void OnTimer()
    {
        List<Waiter>? granted = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Refill(_time.GetTimestamp());
            while (_queue.First is { } head && _tokens + Epsilon >= head.Value.Permits)
            {
                _queue.RemoveFirst();
                head.Value.Node = null;
                _tokens -= head.Value.Permits;
                _queuedPermits -= head.Value.Permits;
                _successfulLeases++;
                (granted ??= new List<Waiter>()).Add(head.Value);
            }

            ScheduleTimer();
        }

        if (granted is null)
        {
            return;
        }

        foreach (var waiter in granted)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult(Lease.Acquired);
        }
    }

    // Under the lock.
    private void Refill(long now)
    {
        var elapsed = _time.GetElapsedTime(_lastRefill, now).TotalSeconds;
        _lastRefill = now;
        if (elapsed > 0)
        {
            _tokens = Math.Min(_burst, _tokens + (elapsed * _rate));
        }
    }

    // Under the lock: wake when the head of the queue can be served.
    private void ScheduleTimer()
    {
        if (_disposed)
        {
            return;
        }

        if (_queue.First is not { } head)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var missing = head.Value.Permits - _tokens;
        var ticks = missing <= Epsilon ? 1 : (long)Math.Ceiling(missing / _rate * TimeSpan.TicksPerSecond);
        _timer.Change(TimeSpan.FromTicks(Math.Max(1, ticks)), Timeout.InfiniteTimeSpan);
    }

    // Under the lock.
    private TimeSpan EstimateWait(int permitCount)
    {
        var missing = _queuedPermits + permitCount - _tokens;
        return missing <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(missing / _rate);
    }

    private void CheckPermitCount(int permitCount)
    {
        if (permitCount < 0 || permitCount > _burst)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"permitCount must be between 0 and the burst size ({_burst}).");
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(AdaptiveTokenBucketRateLimiter));
        }
    }

    private sealed class Waiter
    {
        public Waiter(int permits) => Permits = permits;

        public int Permits { get; }

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public TaskCompletionSource<RateLimitLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lease : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);

        private readonly TimeSpan? _retryAfter;

        private Lease(bool isAcquired, TimeSpan? retryAfter)
        {
            IsAcquired = isAcquired;
            _retryAfter = retryAfter;
        }

        public override bool IsAcquired { get; }

        public override IEnumerable<string> MetadataNames =>
            _retryAfter is null ? Array.Empty<string>() : new[] { MetadataName.RetryAfter.Name };

        public static Lease Rejected(TimeSpan? retryAfter) => new(false, retryAfter);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (_retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
