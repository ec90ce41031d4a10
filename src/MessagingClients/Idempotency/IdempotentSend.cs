using System;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Telemetry;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Idempotency;

/// <summary>
/// Runs one logical send under its idempotency key: a completed key returns its stored receipt (marked as a replay) without
/// sending; a key in flight elsewhere is waited for; a failed send releases the key so that a later call may try again.
/// </summary>
internal static class IdempotentSend
{
    /// <summary>The caller's key, or a new one.</summary>
    public static string KeyFor(string? callerKey) =>
        string.IsNullOrWhiteSpace(callerKey) ? Guid.NewGuid().ToString("N") : callerKey!;

    public static async Task<SendReceipt> RunAsync(
        IIdempotencyStore store,
        string providerName,
        string key,
        ILogger logger,
        Func<CancellationToken, Task<SendReceipt>> send,
        CancellationToken cancellationToken)
    {
        var existing = await store.BeginAsync(providerName, key, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                TransportLog.IdempotentReplay(logger, providerName, key);
            }

            return existing with { IsReplay = true };
        }

        SendReceipt receipt;
        try
        {
            receipt = await send(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // CancellationToken.None: the key must be released even when the caller gave up, or it would stay locked.
            await store.ReleaseAsync(providerName, key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await store.CompleteAsync(providerName, key, receipt, CancellationToken.None).ConfigureAwait(false);
        return receipt;
    }
}
