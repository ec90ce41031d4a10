using System.Collections.Generic;

namespace MessagingClients;

/// <summary>
/// A provider-neutral message. One message is one provider call: a provider that takes one recipient per call
/// (Maxemail transactional, SMS) rejects a longer <see cref="To"/> with an <see cref="System.ArgumentException"/>.
/// </summary>
public sealed class OutgoingMessage
{
    /// <summary>Recipients: email or Direct addresses, or phone numbers for MMS/SMS. At least one is required.</summary>
    public IList<string> To { get; set; } = new List<string>();

    /// <summary>The sender address or short code. Providers that have a configured default use it when this is null.</summary>
    public string? From { get; set; }

    /// <summary>The subject line, where the provider has one.</summary>
    public string? Subject { get; set; }

    /// <summary>The plain-text body.</summary>
    public string? Text { get; set; }

    /// <summary>The HTML body, where the provider takes one.</summary>
    public string? Html { get; set; }

    /// <summary>Attachments (bytes) or media (URLs, for MMS).</summary>
    public IList<MessageAttachment> Attachments { get; set; } = new List<MessageAttachment>();

    /// <summary>
    /// The key that makes this logical send happen at most once per idempotency store. Generated when null;
    /// set it to a value derived from your own business event (an order id, say) so a re-run does not send again.
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Free-form values kept with the message (for example in dead-letter records); not sent to the provider.</summary>
    public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>();
}
