using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients;

/// <summary>
/// The default <see cref="IIdempotencyStore"/>: one process, in memory. Completed keys are kept for
/// <see cref="Retention"/> (default 24 h) and at most <see cref="MaxEntries"/> of them (oldest dropped first), so memory stays bounded.
/// A concurrent second send with a key that is in flight waits for the first and then returns its receipt.
/// </summary>
public sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Scope, string Key), Entry> _entries = new();
    private readonly LinkedList<(string Scope, string Key)> _completedOrder = new();
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a store.</summary>
    /// <param name="timeProvider">The clock used for retention; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="retention">How long completed keys are kept; 24 h when null.</param>
    /// <param name="maxEntries">The most completed keys kept; 100,000 when null.</param>
    public InMemoryIdempotencyStore(TimeProvider? timeProvider = null, TimeSpan? retention = null, int? maxEntries = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        Retention = retention ?? TimeSpan.FromHours(24);
        MaxEntries = maxEntries ?? 100_000;
        if (Retention <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retention), Retention, "Retention must be positive.");
        }

        if (MaxEntries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEntries), MaxEntries, "MaxEntries must be at least 1.");
        }
    }

    /// <summary>How long a completed key is remembered.</summary>
    public TimeSpan Retention { get; }

    /// <summary>The most completed keys remembered at once.</summary>
    public int MaxEntries { get; }

    /// <summary>The number of keys held now (completed and in flight).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<SendReceipt?> BeginAsync(string scope, string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(scope, key);
        while (true)
        {
            Task waitFor;
            lock (_gate)
            {
                Evict();
                if (!_entries.TryGetValue((scope, key), out var entry))
                {
                    _entries[(scope, key)] = Entry.InFlight();
                    return null;
                }

                if (entry.Receipt is not null)
                {
                    return entry.Receipt;
                }

                waitFor = entry.Done!.Task;
            }

            // The owner either completes (we return its receipt on the next loop) or releases (we may claim the key).
            await WaitAsync(waitFor, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(string scope, string key, SendReceipt receipt, CancellationToken cancellationToken = default)
    {
        ValidateKey(scope, key);
        if (receipt is null)
        {
            throw new ArgumentNullException(nameof(receipt));
        }

        TaskCompletionSource<bool>? done = null;
        lock (_gate)
        {
            var alreadyCompleted = false;
            if (_entries.TryGetValue((scope, key), out var entry))
            {
                done = entry.Done;
                alreadyCompleted = entry.Receipt is not null;
            }

            _entries[(scope, key)] = Entry.Completed(receipt, _timeProvider.GetUtcNow() + Retention);
            if (!alreadyCompleted)
            {
                _completedOrder.AddLast((scope, key));
            }

            Evict();
        }

        done?.TrySetResult(true);
        return default;
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(string scope, string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(scope, key);
        TaskCompletionSource<bool>? done = null;
        lock (_gate)
        {
            if (_entries.TryGetValue((scope, key), out var entry) && entry.Receipt is null)
            {
                _entries.Remove((scope, key));
                done = entry.Done;
            }
        }

        done?.TrySetResult(false);
        return default;
    }

    private static void ValidateKey(string scope, string key)
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

    private static async Task WaitAsync(Task task, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            await task.ConfigureAwait(false);
            return;
        }

        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetResult(true), cancelled))
        {
            if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    // Called under the lock: drops expired completed keys, then the oldest beyond MaxEntries.
    private void Evict()
    {
        var now = _timeProvider.GetUtcNow();
        while (_completedOrder.First is { } first)
        {
            var stale = !_entries.TryGetValue(first.Value, out var entry) || entry.Receipt is null;
            var expired = !stale && entry!.ExpiresAt <= now;
            var overflow = _completedOrder.Count > MaxEntries;
            if (!stale && !expired && !overflow)
            {
                break;
            }

            _completedOrder.RemoveFirst();
            if (!stale)
            {
                _entries.Remove(first.Value);
            }
        }
    }

    private sealed class Entry
    {
        private Entry(SendReceipt? receipt, TaskCompletionSource<bool>? done, DateTimeOffset expiresAt)
        {
            Receipt = receipt;
            Done = done;
            ExpiresAt = expiresAt;
        }

        public SendReceipt? Receipt { get; }

        public TaskCompletionSource<bool>? Done { get; }

        public DateTimeOffset ExpiresAt { get; }

        public static Entry InFlight() => new(null, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), DateTimeOffset.MaxValue);

        public static Entry Completed(SendReceipt receipt, DateTimeOffset expiresAt) => new(receipt, null, expiresAt);
    }
}
