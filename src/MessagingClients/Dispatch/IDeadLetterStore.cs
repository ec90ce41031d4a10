using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.Dispatch;

/// <summary>
/// Where the dispatcher keeps messages it could not send. A record counts as stored only when <see cref="AddAsync"/> has completed
/// (for a file store: written and flushed to disk). Records are keyed by provider name and idempotency key; adding a record with
/// a key already present replaces it. Implementations must be safe for concurrent use.
/// </summary>
public interface IDeadLetterStore
{
    /// <summary>Stores <paramref name="deadLetter"/>, replacing a record with the same provider and key. Durable when the task completes.</summary>
    /// <param name="deadLetter">The record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    ValueTask AddAsync(DeadLetter deadLetter, CancellationToken cancellationToken = default);

    /// <summary>Lists the stored records, oldest first.</summary>
    /// <param name="providerName">Only this provider's records; all when null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    ValueTask<IReadOnlyList<DeadLetter>> ListAsync(string? providerName = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a record (after a successful replay). Durable when the task completes.</summary>
    /// <param name="providerName">The record's provider.</param>
    /// <param name="idempotencyKey">The record's idempotency key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when a record was removed.</returns>
    ValueTask<bool> RemoveAsync(string providerName, string idempotencyKey, CancellationToken cancellationToken = default);
}
