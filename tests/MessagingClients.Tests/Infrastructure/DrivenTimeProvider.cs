using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace MessagingClients.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows its pending timers, so a test can run an operation to completion by jumping
/// the clock to each next wait (a retry delay, a limiter wait) without real waiting and without overshooting.
/// Timeout timers (those behind a <see cref="CancellationTokenSource"/>: Polly's attempt and total timeouts) are guards: the
/// clock jumps to one only when the operation is known to be idle (<see cref="NotifyIdle"/>, called by a handler or a test
/// for a request that stalls on purpose). So a request in flight is never timed out early, however loaded the machine is.
/// </summary>
public sealed class DrivenTimeProvider : FakeTimeProvider
{
    private readonly ConcurrentDictionary<TrackedTimer, byte> _timers = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DrivenTimeProvider()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    private volatile bool _idle;

    /// <summary>Tells the driver the operation now waits for a timeout (a handler that never answers).</summary>
    public void NotifyIdle()
    {
        _idle = true;
        Signal();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this, isGuard: state is CancellationTokenSource);
        tracked.Inner = base.CreateTimer(callback, state, dueTime, period);
        tracked.Set(dueTime, period);
        _timers[tracked] = 0;
        Signal();
        return tracked;
    }

    // Wakes every current waiter; a waiter that is gone leaves nothing behind that could swallow a later signal.
    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Runs <paramref name="operation"/>, advancing the clock to each next pending timer until it completes.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, TimeSpan? realTimeLimit = null)
    {
        var task = Task.Run(operation);
        await DriveAsync(task, realTimeLimit ?? TimeSpan.FromSeconds(20));
        return await task;
    }

    /// <summary>Runs <paramref name="operation"/> like <see cref="RunAsync{T}"/> for operations without a result.</summary>
    public async Task RunAsync(Func<Task> operation, TimeSpan? realTimeLimit = null)
    {
        var task = Task.Run(operation);
        await DriveAsync(task, realTimeLimit ?? TimeSpan.FromSeconds(20));
        await task;
    }

    private async Task DriveAsync(Task task, TimeSpan realTimeLimit)
    {
        using var limit = new CancellationTokenSource(realTimeLimit);
        while (!task.IsCompleted)
        {
            // Taken before looking at the timers, so a change made while we look is not missed.
            var signal = Volatile.Read(ref _changed).Task;
            var next = NextDue(includeGuards: false);
            if (next is { } due)
            {
                AdvanceTo(due);
                continue;
            }

            // No wait is pending: the operation is working (maybe on real I/O). Wait until it finishes or a timer changes.
            await Task.WhenAny(task, signal, Task.Delay(Timeout.InfiniteTimeSpan, limit.Token));
            if (limit.IsCancellationRequested && !task.IsCompleted)
            {
                throw new TimeoutException($"The operation did not finish within {realTimeLimit.TotalSeconds} s of real time. Fake now {GetUtcNow():O}; pending timers: "
                    + string.Join("; ", _timers.Keys.Select(t => t.Describe(GetUtcNow()))));
            }

            if (task.IsCompleted)
            {
                break;
            }

            if (_idle && NextDue(includeGuards: false) is null && NextDue(includeGuards: true) is { } guard)
            {
                _idle = false;
                AdvanceTo(guard);
            }
        }
    }

    private void AdvanceTo(DateTimeOffset due)
    {
        var now = GetUtcNow();
        if (due > now)
        {
            Advance(due - now);
        }
    }

    private DateTimeOffset? NextDue(bool includeGuards)
    {
        var now = GetUtcNow();
        DateTimeOffset? best = null;
        foreach (var timer in _timers.Keys)
        {
            if (timer.NextDue(now) is not { } due)
            {
                continue;
            }

            if (!includeGuards && timer.IsGuard)
            {
                continue;
            }

            if (best is null || due < best)
            {
                best = due;
            }
        }

        return best;
    }

    private sealed class TrackedTimer : ITimer
    {
        private readonly DrivenTimeProvider _owner;
        private readonly object _gate = new();
        private DateTimeOffset? _due;
        private TimeSpan _period;

        public TrackedTimer(DrivenTimeProvider owner, bool isGuard)
        {
            _owner = owner;
            IsGuard = isGuard;
        }

        public bool IsGuard { get; }

        public ITimer Inner { get; set; } = null!;

        public void Set(TimeSpan dueTime, TimeSpan period)
        {
            lock (_gate)
            {
                _due = dueTime == Timeout.InfiniteTimeSpan ? null : _owner.GetUtcNow() + dueTime;
                _period = period;
            }
        }

        public DateTimeOffset? NextDue(DateTimeOffset now)
        {
            lock (_gate)
            {
                if (_due is not { } due)
                {
                    return null;
                }

                if (due > now)
                {
                    return due;
                }

                if (_period <= TimeSpan.Zero || _period == Timeout.InfiniteTimeSpan)
                {
                    return null; // fired
                }

                var periods = ((now - due).Ticks / _period.Ticks) + 1;
                return due + TimeSpan.FromTicks(periods * _period.Ticks);
            }
        }

        public string Describe(DateTimeOffset now) => $"{(IsGuard ? "guard" : "wait")} due {NextDue(now)?.ToString("O") ?? "never"}";

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Set(dueTime, period);
            var changed = Inner.Change(dueTime, period);
            _owner.Signal();
            return changed;
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _due = null;
            }

            _owner._timers.TryRemove(this, out _);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
