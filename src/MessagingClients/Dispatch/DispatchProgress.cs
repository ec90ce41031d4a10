using System;
using System.Collections.Generic;

namespace MessagingClients.Dispatch;

/// <summary>A snapshot of a dispatcher's work. Counts are of sends (after fan-out), since the dispatcher was created.</summary>
public sealed record DispatchProgress
{
    /// <summary>The provider the dispatcher sends through.</summary>
    public required string ProviderName { get; init; }

    /// <summary>Sends accepted so far.</summary>
    public long Enqueued { get; init; }

    /// <summary>Sends waiting in the queue.</summary>
    public int Queued { get; init; }

    /// <summary>Sends running now.</summary>
    public int InFlight { get; init; }

    /// <summary>Sends that ended with a receipt (including replays of keys that had already completed).</summary>
    public long Sent { get; init; }

    /// <summary>Sends that ended in the dead-letter store because they failed or were invalid.</summary>
    public long Failed { get; init; }

    /// <summary>Sends left when the dispatcher stopped (in the dead-letter store with <see cref="DeadLetterReason.Shutdown"/>).</summary>
    public long Remaining { get; init; }

    /// <summary>Receipts per second over the last <see cref="DispatcherOptions.RateWindow"/> (over the time since the first send, when shorter; at least 1 s).</summary>
    public double CurrentRate { get; init; }

    /// <summary>Time since the dispatcher was created.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>When the snapshot was taken (the dispatcher's clock).</summary>
    public DateTimeOffset Timestamp { get; init; }
}

/// <summary>What a dispatcher did, returned by <see cref="MessageDispatcher.StopAsync"/>. Every accepted send is in exactly one of <see cref="Sent"/>, <see cref="Failed"/> or <see cref="Remaining"/>.</summary>
public sealed record DispatchSummary
{
    /// <summary>The provider the dispatcher sent through.</summary>
    public required string ProviderName { get; init; }

    /// <summary>Sends accepted (after fan-out).</summary>
    public long Enqueued { get; init; }

    /// <summary>Sends that ended with a receipt.</summary>
    public long Sent { get; init; }

    /// <summary>Of <see cref="Sent"/>, receipts that were replays: the key had already completed, so nothing was sent again.</summary>
    public long Replays { get; init; }

    /// <summary>Sends that ended in the dead-letter store because they failed or were invalid.</summary>
    public long Failed { get; init; }

    /// <summary>Sends not completed when the drain timeout ran out; each is in the dead-letter store with <see cref="DeadLetterReason.Shutdown"/>.</summary>
    public long Remaining { get; init; }

    /// <summary>The idempotency keys of the <see cref="Remaining"/> sends.</summary>
    public IReadOnlyList<string> RemainingKeys { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Dead letters the store failed to write (a full disk, say): kept here, in memory, so they are still not lost. Empty normally.
    /// </summary>
    public IReadOnlyList<DeadLetter> Unrecorded { get; init; } = Array.Empty<DeadLetter>();

    /// <summary>True when the queue drained before the timeout: nothing was cancelled.</summary>
    public bool Drained { get; init; }

    /// <summary>Time from the dispatcher's creation to the end of the stop.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Receipts per second over <see cref="Elapsed"/>.</summary>
    public double AverageRate { get; init; }
}

/// <summary>What <see cref="MessageDispatcher.ReplayAsync"/> did.</summary>
public sealed record ReplaySummary
{
    /// <summary>Dead letters tried again.</summary>
    public int Attempted { get; init; }

    /// <summary>Dead letters that ended with a receipt and were removed from the store.</summary>
    public int Sent { get; init; }

    /// <summary>Of <see cref="Sent"/>, those whose key had already completed: the provider was not called again.</summary>
    public int AlreadySent { get; init; }

    /// <summary>Dead letters that failed again; their records were updated (last error, attempts, <see cref="DeadLetter.ReplayCount"/>).</summary>
    public int StillFailed { get; init; }
}
