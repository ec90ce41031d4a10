using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.AspNetCore;

/// <summary>
/// Durable storage of received postbacks and their processing state. The receiver writes a postback here before it
/// answers 200, records each state change, and on start hands every <see cref="PostbackState.Pending"/> postback to
/// processing again. The default is <see cref="FilePostbackStore"/>; register your own implementation as a singleton to
/// use a database instead.
/// </summary>
public interface IPostbackStore
{
    /// <summary>
    /// Stores a newly received postback unless one with the same <see cref="StoredPostback.DeduplicationKey"/> is stored
    /// already. Must return only once the postback is durable (it survives a crash or power loss).
    /// </summary>
    /// <param name="postback">The postback.</param>
    /// <param name="cancellationToken">Cancels the wait (the write may still complete).</param>
    /// <returns><c>true</c> when stored; <c>false</c> when the key was stored before (a redelivery).</returns>
    /// <exception cref="Exception">Any failure to store: the receiver answers 503 so the provider delivers again later.</exception>
    ValueTask<bool> TryAddAsync(StoredPostback postback, CancellationToken cancellationToken);

    /// <summary>Records a state change of a stored postback.</summary>
    /// <param name="id">The postback's <see cref="StoredPostback.Id"/>.</param>
    /// <param name="state">The new state.</param>
    /// <param name="attempts">How many times the handler has been called for it so far.</param>
    /// <param name="lastError">Why the last attempt failed, or null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the change is durable.</returns>
    ValueTask SetStateAsync(string id, PostbackState state, int attempts, string? lastError, CancellationToken cancellationToken);

    /// <summary>Returns a stored postback, or null when there is none with that id (or it is processed and no longer kept).</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The postback, or null.</returns>
    ValueTask<StoredPostback?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Lists the postbacks in a state, oldest first: <see cref="PostbackState.Pending"/>, <see cref="PostbackState.Failed"/>
    /// or <see cref="PostbackState.Unparseable"/>. (Stores need not keep processed postbacks available.)
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The postbacks.</returns>
    ValueTask<IReadOnlyList<StoredPostback>> ListAsync(PostbackState state, CancellationToken cancellationToken);
}

/// <summary>The processing state of a stored postback.</summary>
public enum PostbackState
{
    /// <summary>Stored, not yet handled (or waiting for a retry). Processed after a restart.</summary>
    Pending,

    /// <summary>The handler completed for it.</summary>
    Processed,

    /// <summary>The handler failed on every attempt; kept for inspection and <see cref="IMmsPostbackInbox.ReplayAsync"/>.</summary>
    Failed,

    /// <summary>The body is not a postback the parser can read (malformed, empty, or with a DTD); acknowledged, kept, and never handed to the handler.</summary>
    Unparseable,
}

/// <summary>A postback as stored: the raw request body and what is known about the request.</summary>
public sealed class StoredPostback
{
    /// <summary>The receiver's id for it (unique, assigned on receipt).</summary>
    public required string Id { get; init; }

    /// <summary>
    /// The de-duplication key: <see cref="Mms.MmsPostback.DeduplicationKey"/> for a parsed postback, <c>raw-sha256:</c> and
    /// the hash of the body for one that could not be parsed. May contain a phone number: do not log it.
    /// </summary>
    public required string DeduplicationKey { get; init; }

    /// <summary>When the request was received.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The sender's address (after forwarded-headers handling), or null when unknown.</summary>
    public string? RemoteIp { get; init; }

    /// <summary>The request headers kept (<see cref="MmsPostbackReceiverOptions.StoredHeaders"/>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The request body, byte for byte.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The processing state.</summary>
    public PostbackState State { get; init; }

    /// <summary>How many times the handler has been called for it.</summary>
    public int Attempts { get; init; }

    /// <summary>Why the last attempt failed (exception type and message), or why it could not be parsed; null otherwise.</summary>
    public string? LastError { get; init; }

    /// <inheritdoc />
    public override string ToString() => "StoredPostback " + Id + " " + State + " (" + Attempts + " attempt(s))";
}
