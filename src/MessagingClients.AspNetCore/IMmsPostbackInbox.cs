using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.AspNetCore;

/// <summary>
/// Inspection and replay of stored MMS postbacks: those waiting to be processed, those whose handler failed on every
/// attempt, and those that could not be parsed. Resolve it from dependency injection.
/// </summary>
public interface IMmsPostbackInbox
{
    /// <summary>Postbacks waiting to be processed (or for a retry), oldest first.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The postbacks.</returns>
    ValueTask<IReadOnlyList<StoredPostback>> GetPendingAsync(CancellationToken cancellationToken = default);

    /// <summary>Postbacks whose handler failed on every attempt, oldest first. Each has <see cref="StoredPostback.LastError"/>.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The postbacks.</returns>
    ValueTask<IReadOnlyList<StoredPostback>> GetFailedAsync(CancellationToken cancellationToken = default);

    /// <summary>Postbacks that could not be parsed (acknowledged and kept, never handed to the handler), oldest first.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The postbacks.</returns>
    ValueTask<IReadOnlyList<StoredPostback>> GetUnparseableAsync(CancellationToken cancellationToken = default);

    /// <summary>Hands every failed postback to the handler again (with a fresh set of attempts).</summary>
    /// <param name="cancellationToken">Cancels the requeueing.</param>
    /// <returns>How many postbacks were requeued.</returns>
    ValueTask<int> ReplayFailedAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Processes one failed or unparseable postback again (with a fresh set of attempts). An unparseable one is parsed
    /// again, which helps after an upgrade of the parser; if it still cannot be parsed it stays unparseable.
    /// </summary>
    /// <param name="id">The postback's <see cref="StoredPostback.Id"/>.</param>
    /// <param name="cancellationToken">Cancels the requeueing.</param>
    /// <returns><c>true</c> when requeued; <c>false</c> when there is no failed or unparseable postback with that id.</returns>
    ValueTask<bool> ReplayAsync(string id, CancellationToken cancellationToken = default);
}
