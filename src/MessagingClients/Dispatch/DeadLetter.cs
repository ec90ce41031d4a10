using System;

namespace MessagingClients.Dispatch;

/// <summary>Why a message ended in the dead-letter store instead of with a receipt.</summary>
public enum DeadLetterReason
{
    /// <summary>The provider refused it, or it could not be sent within the client's retry budget (a <see cref="MessagingException"/>), or the sender failed unexpectedly.</summary>
    Failed = 0,

    /// <summary>The sender rejected the message as invalid (an <see cref="ArgumentException"/>) before sending anything; fix the message, then replay.</summary>
    Invalid,

    /// <summary>
    /// The dispatcher stopped before the message was sent: it was still queued (never attempted, <see cref="DeadLetter.Attempts"/> is 0)
    /// or its send was cancelled when the drain timeout ran out (see <see cref="DeadLetter.Error"/>). Replay it to send it.
    /// </summary>
    Shutdown,
}

/// <summary>
/// A message the dispatcher could not send, kept so it is never lost: the message itself (with its idempotency key, so a replay
/// cannot send it twice), the last error's kind, provider code and text, the attempts and the timestamps.
/// Records are identified by <see cref="ProviderName"/> and <see cref="IdempotencyKey"/>. Nothing secret is held: messages carry no
/// credentials and options are never stored.
/// </summary>
public sealed record DeadLetter
{
    /// <summary>The provider the message was for (<c>"maxmd"</c>, <c>"maxemail"</c>, <c>"mms"</c>).</summary>
    public required string ProviderName { get; init; }

    /// <summary>The idempotency key the message was (or would have been) sent under; a replay uses it again.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The key of the original message when this one is one recipient of a fanned-out message; otherwise null.</summary>
    public string? ParentKey { get; init; }

    /// <summary>The message as it was (or would have been) sent: one recipient when fanned out, <see cref="OutgoingMessage.IdempotencyKey"/> set.</summary>
    public required OutgoingMessage Message { get; init; }

    /// <summary>Why the message is here.</summary>
    public DeadLetterReason Reason { get; init; }

    /// <summary>The kind of the last error: the <see cref="MessagingException.Kind"/>, <see cref="MessagingErrorKind.InvalidRequest"/> for an invalid message, null for shutdown or an unexpected failure.</summary>
    public MessagingErrorKind? ErrorKind { get; init; }

    /// <summary>The provider's own code of the last error (<c>"2"</c>, <c>"E113"</c>, <c>"HTTP 429"</c> …), when there was one.</summary>
    public string? ProviderCode { get; init; }

    /// <summary>The HTTP status of the last answer, when there was one.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>True when the last error was of a passing kind: a replay later may well succeed.</summary>
    public bool IsTransient { get; init; }

    /// <summary>The last error's text (the exception message; never a credential or a request body).</summary>
    public string? Error { get; init; }

    /// <summary>The last error's exception type, for example <c>MessagingClients.MessagingException</c>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>For <see cref="DeadLetterReason.Invalid"/>: the field the sender named (<see cref="ArgumentException.ParamName"/>).</summary>
    public string? ParamName { get; init; }

    /// <summary>HTTP attempts made by the last send, from the <see cref="MessagingException"/>; 0 when none is known (shutdown leftovers, invalid messages, unexpected failures).</summary>
    public int Attempts { get; init; }

    /// <summary>How many times <see cref="MessageDispatcher.ReplayAsync"/> tried this record again and failed.</summary>
    public int ReplayCount { get; init; }

    /// <summary>When the message was accepted by the dispatcher.</summary>
    public DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>When the record was written (the last failure).</summary>
    public DateTimeOffset DeadLetteredAt { get; init; }
}
