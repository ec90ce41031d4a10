using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using MessagingClients.Idempotency;
using MessagingClients.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingClients.Dispatch;

/// <summary>
/// Queues messages locally and sends them through one provider's <see cref="IMessageSender"/> with a fixed number of workers;
/// the provider client's rate limiter keeps the steady rate. Every accepted send ends in exactly one receipt or one
/// <see cref="DeadLetter"/> in the <see cref="IDeadLetterStore"/>: failures, invalid messages and what is left at shutdown
/// included. The queue is bounded: when it is full, <see cref="EnqueueAsync"/> waits and <see cref="TryEnqueue"/> returns false.
/// Each message gets its idempotency key at enqueue time, so a dead letter replays under the same key and a message that did
/// go out is not sent twice. Thread-safe. Stop it with <see cref="StopAsync"/> (or dispose it) to drain the queue.
/// </summary>
public sealed class MessageDispatcher : IAsyncDisposable, IDisposable
{
    private const string ConfigurationPath = "Messaging:" + DispatcherOptions.SectionName;

    private readonly IMessageSender _sender;
    private readonly DispatcherOptions _options;
    private readonly IDeadLetterStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<WorkItem> _channel;
    private readonly SemaphoreSlim _enqueueGate = new(1, 1);
    private readonly CancellationTokenSource _abort = new();
    private readonly object _stopGate = new();
    private readonly object _progressGate = new();
    private readonly Task[] _workers;
    private readonly bool _fanOut;
    private readonly DateTimeOffset _createdAt;
    private readonly RateWindow _rate;
    private readonly IProgress<DispatchProgress>? _progress;
    private readonly ITimer? _progressTimer;
    private readonly ConcurrentQueue<DeadLetter> _unrecorded = new();
    private readonly ConcurrentQueue<string> _remainingKeys = new();
    private Task<DispatchSummary>? _stopTask;
    private volatile bool _accepting = true;
    private long _enqueued;
    private long _sent;
    private long _replays;
    private long _failed;
    private long _remaining;
    private int _queued;
    private int _inFlight;
    private DateTimeOffset? _lastReport;
    private bool _trailingScheduled;
    private bool _finalReported;
    private int _disposed;

    /// <summary>Creates a dispatcher and starts its workers.</summary>
    /// <param name="sender">The provider client to send through (not disposed by the dispatcher).</param>
    /// <param name="options">Queue size, workers, fan-out, progress; defaults when null. Validated now.</param>
    /// <param name="store">Where dead letters go; an <see cref="InMemoryDeadLetterStore"/> when null (not disposed by the dispatcher).</param>
    /// <param name="logger">Logging; nothing is logged when null.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names each one (<c>Messaging:Dispatch:Workers must be at least 1</c>).</exception>
    public MessageDispatcher(IMessageSender sender, DispatcherOptions? options = null, IDeadLetterStore? store = null, ILogger? logger = null)
    {
        _sender = sender ?? throw new ArgumentNullException(nameof(sender));
        _options = options ?? new DispatcherOptions();
        var failures = _options.Validate(ConfigurationPath).ToList();
        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid options: " + string.Join(" ", failures), nameof(options));
        }

        _store = store ?? new InMemoryDeadLetterStore();
        _logger = logger ?? NullLogger.Instance;
        _time = _options.TimeProvider ?? TimeProvider.System;
        _createdAt = _time.GetUtcNow();
        _rate = new RateWindow(_options.RateWindow);
        _fanOut = _options.SingleRecipientProviders.Any(p => string.Equals(p, sender.ProviderName, StringComparison.OrdinalIgnoreCase));
        _channel = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(_options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        _progress = _options.Progress;
        if (_progress is not null)
        {
            _progressTimer = _time.CreateTimer(static s => ((MessageDispatcher)s!).OnProgressTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _workers = new Task[_options.Workers];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(WorkerAsync);
        }
    }

    /// <summary>The provider the dispatcher sends through.</summary>
    public string ProviderName => _sender.ProviderName;

    /// <summary>The dead-letter store.</summary>
    public IDeadLetterStore DeadLetters => _store;

    /// <summary>True until <see cref="StopAsync"/> (or disposal) begins: while true, messages are accepted.</summary>
    public bool IsAccepting => _accepting;

    /// <summary>
    /// Queues a message, waiting while the queue is full (back-pressure). The message is copied: the caller's object is not changed.
    /// It gets its idempotency key now (its own, or a new one); for a provider in <see cref="DispatcherOptions.SingleRecipientProviders"/>
    /// a message with several recipients becomes one send per recipient, keyed <c>{key}:{index}</c> (index from 0, in <c>To</c> order).
    /// </summary>
    /// <param name="message">The message. Its content is validated by the provider client when sent: an invalid message ends as a dead letter.</param>
    /// <param name="cancellationToken">Cancels waiting for room; a cancelled call accepts nothing. Once the first send of a message is queued, the rest are queued too.</param>
    /// <returns>The ticket: the keys, and a task that completes when every send of the message has ended.</returns>
    /// <exception cref="InvalidOperationException">The dispatcher is stopping or stopped.</exception>
    public async ValueTask<DispatchTicket> EnqueueAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        ThrowIfNotAccepting();
        var (ticket, items) = Prepare(message);
        await _enqueueGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var i = 0; i < items.Length; i++)
            {
                try
                {
                    await _channel.Writer.WriteAsync(items[i], i == 0 ? cancellationToken : CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
                {
                    if (i == 0)
                    {
                        if (ex is ChannelClosedException)
                        {
                            throw NotAccepting();
                        }

                        throw;
                    }

                    // Stopped while a fanned-out message was part-way in: what is queued is sent or left; the rest is left now.
                    Interlocked.Add(ref _enqueued, items.Length - i);
                    for (var j = i; j < items.Length; j++)
                    {
                        await LeaveAsync(items[j], null).ConfigureAwait(false);
                    }

                    break;
                }

                // Counted after the write: a worker may already have taken it (Queued is shown clamped at 0 meanwhile).
                Interlocked.Increment(ref _queued);
                Interlocked.Increment(ref _enqueued);
            }
        }
        finally
        {
            _enqueueGate.Release();
        }

        Changed();
        return ticket;
    }

    /// <summary>
    /// Queues a message only if there is room for all its sends now (and no other producer is waiting for room); never waits.
    /// Keys and fan-out as for <see cref="EnqueueAsync"/>.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="ticket">The ticket, when accepted.</param>
    /// <returns>True when the message was queued; false when the queue is full or the dispatcher is stopping.</returns>
    public bool TryEnqueue(OutgoingMessage message, out DispatchTicket? ticket)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        ticket = null;
        if (!_accepting || !_enqueueGate.Wait(0))
        {
            return false;
        }

        try
        {
            var (prepared, items) = Prepare(message);
            lock (_stopGate)
            {
                // Under the stop lock the writer cannot be completed between the writes, and only gate holders write,
                // so the room seen here is still there for every write.
                if (!_accepting || _options.Capacity - _channel.Reader.Count < items.Length)
                {
                    return false;
                }

                foreach (var item in items)
                {
                    if (!_channel.Writer.TryWrite(item))
                    {
                        throw new InvalidOperationException("The dispatch queue refused a write it had room for.");
                    }

                    Interlocked.Increment(ref _queued);
                    Interlocked.Increment(ref _enqueued);
                }
            }

            ticket = prepared;
        }
        finally
        {
            _enqueueGate.Release();
        }

        Changed();
        return true;
    }

    /// <summary>Queues messages in order with <see cref="EnqueueAsync"/>, waiting for room as needed.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="cancellationToken">Cancels waiting for room; messages queued before it stay queued.</param>
    /// <returns>One ticket per message.</returns>
    /// <exception cref="InvalidOperationException">The dispatcher is stopping or stopped.</exception>
    public async Task<IReadOnlyList<DispatchTicket>> EnqueueManyAsync(IEnumerable<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages is null)
        {
            throw new ArgumentNullException(nameof(messages));
        }

        var tickets = new List<DispatchTicket>();
        foreach (var message in messages)
        {
            tickets.Add(await EnqueueAsync(message, cancellationToken).ConfigureAwait(false));
        }

        return tickets;
    }

    /// <summary>A snapshot of the work so far.</summary>
    /// <returns>Queued, in flight, sent, failed, remaining, and the current rate.</returns>
    public DispatchProgress GetProgress()
    {
        var now = _time.GetUtcNow();
        return new DispatchProgress
        {
            ProviderName = ProviderName,
            Enqueued = Interlocked.Read(ref _enqueued),
            Queued = Math.Max(0, Volatile.Read(ref _queued)),
            InFlight = Volatile.Read(ref _inFlight),
            Sent = Interlocked.Read(ref _sent),
            Failed = Interlocked.Read(ref _failed),
            Remaining = Interlocked.Read(ref _remaining),
            CurrentRate = _rate.PerSecond(now),
            Elapsed = now - _createdAt,
            Timestamp = now,
        };
    }

    /// <summary>
    /// Stops accepting messages, lets the queue drain for up to <paramref name="drainTimeout"/>, then cancels the sends still
    /// running. Everything not sent by then is written to the dead-letter store with <see cref="DeadLetterReason.Shutdown"/>
    /// (never attempted: <see cref="DeadLetter.Attempts"/> 0) and counted in <see cref="DispatchSummary.Remaining"/>: nothing is lost.
    /// Calling it again returns the first call's task.
    /// </summary>
    /// <param name="drainTimeout">How long to let the queue drain; <see cref="DispatcherOptions.DrainTimeout"/> when null.</param>
    /// <param name="cancellationToken">Ends the drain at once, as if the timeout had run out.</param>
    /// <returns>The final summary.</returns>
    public Task<DispatchSummary> StopAsync(TimeSpan? drainTimeout = null, CancellationToken cancellationToken = default)
    {
        lock (_stopGate)
        {
            if (_stopTask is null)
            {
                _accepting = false;
                _channel.Writer.TryComplete();
                _stopTask = StopCoreAsync(drainTimeout ?? _options.DrainTimeout, cancellationToken);
            }

            return _stopTask;
        }
    }

    /// <summary>
    /// Sends this provider's dead letters again, each with its own idempotency key (so one that did go out before returns its stored
    /// receipt and is not sent twice), up to <see cref="DispatcherOptions.Workers"/> at a time. A record whose send succeeds is removed;
    /// one that fails again is replaced by a record with the new error and <see cref="DeadLetter.ReplayCount"/> raised.
    /// Works before, while and after the dispatcher runs; it does not use the queue.
    /// </summary>
    /// <param name="filter">Which records to replay; all of this provider's when null.</param>
    /// <param name="cancellationToken">Stops the replay; records not yet replayed stay as they are.</param>
    /// <returns>What happened.</returns>
    public async Task<ReplaySummary> ReplayAsync(Func<DeadLetter, bool>? filter = null, CancellationToken cancellationToken = default)
    {
        var letters = await _store.ListAsync(ProviderName, cancellationToken).ConfigureAwait(false);
        var selected = filter is null ? letters : letters.Where(filter).ToList();
        var sent = 0;
        var alreadySent = 0;
        var stillFailed = 0;
        using (var slots = new SemaphoreSlim(_options.Workers))
        {
            await Task.WhenAll(selected.Select(async letter =>
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var message = Copy(letter.Message, letter.IdempotencyKey, letter.Message.To ?? new List<string>());
                    SendReceipt receipt;
                    try
                    {
                        receipt = await _sender.SendAsync(message, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }
#pragma warning disable CA1031 // Any failure keeps the record (updated): a replay never loses a message.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        var again = Describe(ex, message, letter.IdempotencyKey, letter.ParentKey, letter.EnqueuedAt) with { ReplayCount = letter.ReplayCount + 1 };
                        await _store.AddAsync(again, CancellationToken.None).ConfigureAwait(false);
                        Interlocked.Increment(ref stillFailed);
                        return;
                    }

                    await _store.RemoveAsync(ProviderName, letter.IdempotencyKey, CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Increment(ref sent);
                    if (receipt.IsReplay)
                    {
                        Interlocked.Increment(ref alreadySent);
                    }
                }
                finally
                {
                    slots.Release();
                }
            })).ConfigureAwait(false);
        }

        var summary = new ReplaySummary { Attempted = selected.Count, Sent = sent, AlreadySent = alreadySent, StillFailed = stillFailed };
        if (_logger.IsEnabled(LogLevel.Information))
        {
            DispatchLog.Replayed(_logger, ProviderName, summary.Attempted, summary.Sent, summary.AlreadySent, summary.StillFailed);
        }

        return summary;
    }

    /// <summary>Stops like <see cref="StopAsync"/> with <see cref="DispatcherOptions.DrainTimeout"/>, then releases the dispatcher's own resources.</summary>
    /// <returns>A task that completes when the dispatcher has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        ReleaseResources();
    }

    /// <summary>Stops like <see cref="StopAsync"/> with <see cref="DispatcherOptions.DrainTimeout"/>, blocking, then releases resources. Prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        StopAsync().ConfigureAwait(false).GetAwaiter().GetResult();
        ReleaseResources();
    }

    private static OutgoingMessage Copy(OutgoingMessage message, string key, IList<string> to) => new()
    {
        To = to,
        From = message.From,
        Subject = message.Subject,
        Text = message.Text,
        Html = message.Html,
        Attachments = new List<MessageAttachment>(message.Attachments ?? Array.Empty<MessageAttachment>()),
        IdempotencyKey = key,
        Metadata = message.Metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(message.Metadata),
    };

    private static InvalidOperationException NotAccepting() =>
        new("The dispatcher is stopping or stopped and accepts no more messages.");

    private void ThrowIfNotAccepting()
    {
        if (!_accepting)
        {
            throw NotAccepting();
        }
    }

    private (DispatchTicket Ticket, WorkItem[] Items) Prepare(OutgoingMessage message)
    {
        var key = IdempotentSend.KeyFor(message.IdempotencyKey);
        var now = _time.GetUtcNow();
        var to = message.To ?? new List<string>();
        WorkItem[] items;
        TicketState state;
        if (_fanOut && to.Count > 1)
        {
            state = new TicketState(to.Count);
            items = new WorkItem[to.Count];
            for (var i = 0; i < to.Count; i++)
            {
                var childKey = key + ":" + i.ToString(CultureInfo.InvariantCulture);
                items[i] = new WorkItem(Copy(message, childKey, new List<string> { to[i] }), childKey, key, now, state, i);
            }
        }
        else
        {
            state = new TicketState(1);
            items = new[] { new WorkItem(Copy(message, key, to.ToList()), key, null, now, state, 0) };
        }

        return (new DispatchTicket(key, items.Select(i => i.Key).ToList(), state.Task), items);
    }

    private async Task WorkerAsync()
    {
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                while (!_abort.IsCancellationRequested && reader.TryRead(out var item))
                {
                    await ProcessAsync(item).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Stopped after the drain timeout: StopAsync leaves what is still queued.
        }
    }

    private async Task ProcessAsync(WorkItem item)
    {
        Interlocked.Decrement(ref _queued);
        Interlocked.Increment(ref _inFlight);
        _rate.Started(_time.GetUtcNow());
        Changed();
        SendReceipt? receipt = null;
        Exception? failure = null;
        try
        {
            _abort.Token.ThrowIfCancellationRequested();
            receipt = await _sender.SendAsync(item.Message, _abort.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A worker never throws: every failure becomes a dead letter.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        Interlocked.Decrement(ref _inFlight);
        if (receipt is not null)
        {
            _rate.Sent(_time.GetUtcNow());
            if (receipt.IsReplay)
            {
                Interlocked.Increment(ref _replays);
            }

            Interlocked.Increment(ref _sent);
            item.Complete(new DispatchResult { IdempotencyKey = item.Key, Receipt = receipt });
        }
        else if (failure is OperationCanceledException && _abort.IsCancellationRequested)
        {
            await LeaveAsync(item, failure).ConfigureAwait(false);
        }
        else
        {
            var letter = Describe(failure!, item.Message, item.Key, item.ParentKey, item.EnqueuedAt);
            var storeError = await RecordAsync(letter).ConfigureAwait(false);
            Interlocked.Increment(ref _failed);
            item.Complete(new DispatchResult { IdempotencyKey = item.Key, DeadLetter = letter, StoreError = storeError });
        }

        Changed();
    }

    // A send not completed at shutdown: never attempted (interrupted is null) or cancelled while running.
    private async Task LeaveAsync(WorkItem item, Exception? interrupted)
    {
        var letter = new DeadLetter
        {
            ProviderName = ProviderName,
            IdempotencyKey = item.Key,
            ParentKey = item.ParentKey,
            Message = item.Message,
            Reason = DeadLetterReason.Shutdown,
            Error = interrupted is null
                ? "Still queued when the dispatcher stopped; never attempted."
                : "Cancelled when the drain timeout ran out while it was being sent; the provider may have received it. A replay uses the same idempotency key.",
            ErrorType = interrupted?.GetType().FullName,
            EnqueuedAt = item.EnqueuedAt,
            DeadLetteredAt = _time.GetUtcNow(),
        };
        var storeError = await RecordAsync(letter).ConfigureAwait(false);
        _remainingKeys.Enqueue(item.Key);
        Interlocked.Increment(ref _remaining);
        item.Complete(new DispatchResult { IdempotencyKey = item.Key, DeadLetter = letter, StoreError = storeError });
    }

    private DeadLetter Describe(Exception failure, OutgoingMessage message, string key, string? parentKey, DateTimeOffset enqueuedAt)
    {
        var letter = new DeadLetter
        {
            ProviderName = ProviderName,
            IdempotencyKey = key,
            ParentKey = parentKey,
            Message = message,
            Reason = DeadLetterReason.Failed,
            Error = failure.Message,
            ErrorType = failure.GetType().FullName,
            EnqueuedAt = enqueuedAt,
            DeadLetteredAt = _time.GetUtcNow(),
        };
        return failure switch
        {
            MessagingException m => letter with
            {
                ErrorKind = m.Kind,
                ProviderCode = m.ProviderCode,
                HttpStatus = m.HttpStatus,
                IsTransient = m.IsTransient,
                Attempts = m.Attempts,
            },
            ArgumentException a => letter with
            {
                Reason = DeadLetterReason.Invalid,
                ErrorKind = MessagingErrorKind.InvalidRequest,
                ParamName = a.ParamName,
            },
            _ => letter,
        };
    }

    // Returns the store's exception when it could not write the record; the record is then kept in memory for the summary.
    private async Task<Exception?> RecordAsync(DeadLetter letter)
    {
        MessagingTelemetry.RecordDeadLetter(ProviderName, letter.ErrorKind?.ToString() ?? letter.Reason.ToString());
        try
        {
            await _store.AddAsync(letter, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The record must not vanish with the exception: it is kept and reported instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _unrecorded.Enqueue(letter);
            DispatchLog.StoreFailed(_logger, ProviderName, letter.IdempotencyKey, ex);
            return ex;
        }

        if (_logger.IsEnabled(LogLevel.Warning))
        {
            DispatchLog.DeadLettered(_logger, ProviderName, letter.IdempotencyKey, letter.Reason, letter.ErrorKind, letter.ProviderCode, letter.Attempts);
        }

        return null;
    }

    private async Task<DispatchSummary> StopCoreAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var workers = Task.WhenAll(_workers);
        bool drained;
        if (drainTimeout == Timeout.InfiniteTimeSpan && !cancellationToken.CanBeCanceled)
        {
            await workers.ConfigureAwait(false);
            drained = true;
        }
        else
        {
            using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = DelayAsync(drainTimeout, delayCancel.Token);
            await Task.WhenAny(workers, delay).ConfigureAwait(false);
            drained = workers.IsCompleted;
            delayCancel.Cancel();
        }

        if (!drained)
        {
            _abort.Cancel();
        }

        await workers.ConfigureAwait(false);
        while (_channel.Reader.TryRead(out var item))
        {
            Interlocked.Decrement(ref _queued);
            await LeaveAsync(item, null).ConfigureAwait(false);
        }

        var final = GetProgress();
        lock (_progressGate)
        {
            _finalReported = true;
        }

        _progressTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Report(final);

        var summary = new DispatchSummary
        {
            ProviderName = ProviderName,
            Enqueued = final.Enqueued,
            Sent = final.Sent,
            Replays = Interlocked.Read(ref _replays),
            Failed = final.Failed,
            Remaining = final.Remaining,
            RemainingKeys = _remainingKeys.ToList(),
            Unrecorded = _unrecorded.ToList(),
            Drained = drained,
            Elapsed = final.Elapsed,
            AverageRate = final.Elapsed > TimeSpan.Zero ? final.Sent / final.Elapsed.TotalSeconds : 0,
        };
        if (summary.Remaining > 0)
        {
            DispatchLog.StoppedWithLeftovers(_logger, ProviderName, summary.Remaining, drained);
        }
        else if (_logger.IsEnabled(LogLevel.Information))
        {
            DispatchLog.Stopped(_logger, ProviderName, summary.Sent, summary.Failed, summary.Remaining);
        }

        return summary;
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
#if NET8_0_OR_GREATER
        Task.Delay(delay, _time, cancellationToken);
#else
        _time.Delay(delay, cancellationToken);
#endif

    // Reports at most every ProgressInterval: at once when the last report is old enough, else once at the end of the interval.
    private void Changed()
    {
        if (_progress is null)
        {
            return;
        }

        lock (_progressGate)
        {
            if (_finalReported)
            {
                return;
            }

            var now = _time.GetUtcNow();
            if (_lastReport is { } last && now - last < _options.ProgressInterval)
            {
                if (!_trailingScheduled)
                {
                    _trailingScheduled = true;
                    _progressTimer!.Change(last + _options.ProgressInterval - now, Timeout.InfiniteTimeSpan);
                }

                return;
            }

            _lastReport = now;
        }

        Report(GetProgress());
    }

    private void OnProgressTimer()
    {
        lock (_progressGate)
        {
            _trailingScheduled = false;
            if (_finalReported)
            {
                return;
            }

            _lastReport = _time.GetUtcNow();
        }

        Report(GetProgress());
    }

    private void Report(DispatchProgress progress)
    {
        if (_progress is null)
        {
            return;
        }

        try
        {
            _progress.Report(progress);
        }
#pragma warning disable CA1031 // A faulty progress handler must not stop the dispatch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            DispatchLog.ProgressHandlerFailed(_logger, ProviderName, ex);
        }
    }

    private void ReleaseResources()
    {
        _progressTimer?.Dispose();
        _abort.Dispose();
        _enqueueGate.Dispose();
    }

    private sealed class WorkItem
    {
        private readonly TicketState _ticket;
        private readonly int _index;
        private int _completed;

        public WorkItem(OutgoingMessage message, string key, string? parentKey, DateTimeOffset enqueuedAt, TicketState ticket, int index)
        {
            Message = message;
            Key = key;
            ParentKey = parentKey;
            EnqueuedAt = enqueuedAt;
            _ticket = ticket;
            _index = index;
        }

        public OutgoingMessage Message { get; }

        public string Key { get; }

        public string? ParentKey { get; }

        public DateTimeOffset EnqueuedAt { get; }

        public void Complete(DispatchResult result)
        {
            if (Interlocked.Exchange(ref _completed, 1) != 0)
            {
                throw new InvalidOperationException("A dispatched send ended twice.");
            }

            _ticket.Complete(_index, result);
        }
    }

    private sealed class TicketState
    {
        private readonly DispatchResult[] _results;
        private readonly TaskCompletionSource<IReadOnlyList<DispatchResult>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pending;

        public TicketState(int count)
        {
            _results = new DispatchResult[count];
            _pending = count;
        }

        public Task<IReadOnlyList<DispatchResult>> Task => _done.Task;

        public void Complete(int index, DispatchResult result)
        {
            _results[index] = result;
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.TrySetResult(_results);
            }
        }
    }

    /// <summary>Receipts per second over a sliding window.</summary>
    private sealed class RateWindow
    {
        private readonly TimeSpan _window;
        private readonly Queue<DateTimeOffset> _sent = new();
        private DateTimeOffset? _firstStart;

        public RateWindow(TimeSpan window) => _window = window;

        public void Started(DateTimeOffset now)
        {
            lock (_sent)
            {
                _firstStart ??= now;
            }
        }

        public void Sent(DateTimeOffset now)
        {
            lock (_sent)
            {
                _sent.Enqueue(now);
                Prune(now);
            }
        }

        public double PerSecond(DateTimeOffset now)
        {
            lock (_sent)
            {
                if (_firstStart is not { } first)
                {
                    return 0;
                }

                Prune(now);
                var span = now - first;
                if (span > _window)
                {
                    span = _window;
                }

                if (span < TimeSpan.FromSeconds(1))
                {
                    span = TimeSpan.FromSeconds(1);
                }

                return _sent.Count / span.TotalSeconds;
            }
        }

        private void Prune(DateTimeOffset now)
        {
            while (_sent.Count > 0 && _sent.Peek() <= now - _window)
            {
                _sent.Dequeue();
            }
        }
    }
}
