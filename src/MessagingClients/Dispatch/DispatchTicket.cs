using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace MessagingClients.Dispatch;

/// <summary>The end of one send: a receipt or a dead letter, never both, never neither.</summary>
public sealed record DispatchResult
{
    /// <summary>The idempotency key the send ran under (<c>{key}:{index}</c> for one recipient of a fanned-out message).</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The provider's receipt, when the send succeeded.</summary>
    public SendReceipt? Receipt { get; init; }

    /// <summary>The dead-letter record, when the send failed, was invalid or was left at shutdown.</summary>
    public DeadLetter? DeadLetter { get; init; }

    /// <summary>When the dead-letter store could not write <see cref="DeadLetter"/>: why. The record is then in <see cref="DispatchSummary.Unrecorded"/>.</summary>
    public Exception? StoreError { get; init; }

    /// <summary>True when the send ended with a receipt.</summary>
    public bool IsSent => Receipt is not null;
}

/// <summary>What <c>EnqueueAsync</c> gives back for an accepted message: its keys, and a task that completes when every send of it has ended.</summary>
public sealed class DispatchTicket
{
    internal DispatchTicket(string idempotencyKey, IReadOnlyList<string> keys, Task<IReadOnlyList<DispatchResult>> completion)
    {
        IdempotencyKey = idempotencyKey;
        Keys = keys;
        Completion = completion;
    }

    /// <summary>The message's idempotency key: the caller's, or the one generated at enqueue time.</summary>
    public string IdempotencyKey { get; }

    /// <summary>The key of each send: just <see cref="IdempotencyKey"/>, or <c>{key}:{index}</c> per recipient when fanned out.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Completes (never faults) with one result per send, in <see cref="Keys"/> order, when all have ended.</summary>
    public Task<IReadOnlyList<DispatchResult>> Completion { get; }
}
