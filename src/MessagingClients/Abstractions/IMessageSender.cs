using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients;

/// <summary>
/// Sends one <see cref="OutgoingMessage"/> through one provider. Every provider client implements it, so
/// application code can depend on this interface and pick a provider by key (<c>"maxmd"</c>, <c>"maxemail"</c>, <c>"mms"</c>).
/// </summary>
public interface IMessageSender
{
    /// <summary>The provider's short name: <c>"maxmd"</c>, <c>"maxemail"</c> or <c>"mms"</c>.</summary>
    string ProviderName { get; }

    /// <summary>
    /// Sends the message as one provider call. A message whose <see cref="OutgoingMessage.IdempotencyKey"/> already
    /// completed returns the stored receipt (with <see cref="SendReceipt.IsReplay"/> set) and is not sent again.
    /// </summary>
    /// <param name="message">The message to send.</param>
    /// <param name="cancellationToken">Cancels the send; a cancelled send is never retried.</param>
    /// <returns>The receipt of the accepted send. Accepted is not delivered: track delivery with the provider's status APIs.</returns>
    /// <exception cref="System.ArgumentException">The message is invalid; nothing was sent. <c>ParamName</c> names the field.</exception>
    /// <exception cref="MessagingException">The provider refused the message or could not be reached within the retry budget.</exception>
    Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default);
}
