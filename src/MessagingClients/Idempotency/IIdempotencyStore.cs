using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients;

/// <summary>
/// Remembers idempotency keys so that one logical send happens at most once. The protocol is:
/// <see cref="BeginAsync"/>; when it returns null the caller owns the key and must end with <see cref="CompleteAsync"/>
/// (the send succeeded) or <see cref="ReleaseAsync"/> (it failed, so a later call may try again).
/// Implementations must be safe for concurrent use, and across processes when they are distributed.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Claims <paramref name="key"/> within <paramref name="scope"/>. Returns the stored receipt when the key already completed;
    /// returns null when the caller now owns the key. While another caller owns it, waits for that caller to finish.
    /// </summary>
    /// <param name="scope">The namespace of the key, normally the provider name.</param>
    /// <param name="key">The idempotency key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The completed receipt, or null when the caller owns the key.</returns>
    ValueTask<SendReceipt?> BeginAsync(string scope, string key, CancellationToken cancellationToken = default);

    /// <summary>Stores the receipt of a successful send and wakes callers waiting on the key.</summary>
    /// <param name="scope">The namespace of the key.</param>
    /// <param name="key">The idempotency key.</param>
    /// <param name="receipt">The receipt to return to later callers with the same key.</param>
    /// <param name="cancellationToken">Cancels the store operation.</param>
    /// <returns>A task that completes when the receipt is stored.</returns>
    ValueTask CompleteAsync(string scope, string key, SendReceipt receipt, CancellationToken cancellationToken = default);

    /// <summary>Gives up ownership after a failed send so that a later call with the same key may send.</summary>
    /// <param name="scope">The namespace of the key.</param>
    /// <param name="key">The idempotency key.</param>
    /// <param name="cancellationToken">Cancels the store operation.</param>
    /// <returns>A task that completes when the key is released.</returns>
    ValueTask ReleaseAsync(string scope, string key, CancellationToken cancellationToken = default);
}
