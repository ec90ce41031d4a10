using System;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Mms;

namespace MessagingClients.AspNetCore;

/// <summary>
/// Your code that processes MMS postbacks. Called in the background, after the provider has been answered, once per
/// postback (redeliveries are filtered out), from a new dependency-injection scope each time. Throw to have the postback
/// retried with backoff; after <see cref="MmsPostbackReceiverOptions.MaxAttempts"/> it is kept as
/// <see cref="PostbackState.Failed"/> for <see cref="IMmsPostbackInbox.ReplayFailedAsync"/>.
/// </summary>
/// <remarks>
/// If the process dies after your handler completed but before that was recorded, the postback is handled again after
/// the restart: make the handler idempotent (for example, keyed by <see cref="MmsPostbackContext.Id"/>).
/// </remarks>
public interface IMmsPostbackHandler
{
    /// <summary>Processes one postback.</summary>
    /// <param name="postback">The parsed postback: a <see cref="DeliveryReceipt"/>, <see cref="InboundMessage"/>, <see cref="SubscriptionChange"/> or <see cref="UnknownPostback"/>.</param>
    /// <param name="context">Where and when it was received, and which attempt this is.</param>
    /// <param name="cancellationToken">Signalled when the application stops; the postback is then processed after the restart.</param>
    /// <returns>A task that completes when the postback is processed.</returns>
    Task HandleAsync(MmsPostback postback, MmsPostbackContext context, CancellationToken cancellationToken);
}

/// <summary>What the receiver knows about a postback it hands to <see cref="IMmsPostbackHandler"/>.</summary>
public sealed class MmsPostbackContext
{
    internal MmsPostbackContext(StoredPostback stored, int attempt)
    {
        Id = stored.Id;
        ReceivedAt = stored.ReceivedAt;
        RemoteIp = stored.RemoteIp;
        Attempt = attempt;
    }

    /// <summary>The receiver's id of the stored postback (stable across attempts and restarts).</summary>
    public string Id { get; }

    /// <summary>When the postback was received.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The sender's address, or null when unknown.</summary>
    public string? RemoteIp { get; }

    /// <summary>Which attempt this is: 1 for the first call.</summary>
    public int Attempt { get; }
}
