using System.Collections.Generic;

namespace MessagingClients.MaxMd;

/// <summary>
/// A Direct message for <see cref="MaxMdClient.SendMessageAsync"/>: sender, To/Cc/Bcc recipients, subject, a text or HTML body,
/// an optional reply-to address and attachments carried inline (base64). One message is one MaxMD call.
/// </summary>
public sealed class DirectMessage
{
    /// <summary>The sender's Direct address. When null, <see cref="MaxMdClientOptions.Username"/> (the account's address) is used.</summary>
    public string? Sender { get; set; }

    /// <summary>Primary recipients (Direct addresses), sent with type <c>TO</c>.</summary>
    public IList<string> To { get; set; } = new List<string>();

    /// <summary>Copy recipients, sent with type <c>CC</c>.</summary>
    public IList<string> Cc { get; set; } = new List<string>();

    /// <summary>Blind-copy recipients, sent with type <c>BCC</c>.</summary>
    public IList<string> Bcc { get; set; } = new List<string>();

    /// <summary>The subject line; sent as an empty string when null.</summary>
    public string? Subject { get; set; }

    /// <summary>The body: plain text, or HTML when <see cref="IsHtml"/> is true. Sent as an empty string when null.</summary>
    public string? Body { get; set; }

    /// <summary>True when <see cref="Body"/> is HTML (MaxMD's <c>htmlBody</c> flag).</summary>
    public bool IsHtml { get; set; }

    /// <summary>An optional reply-to address.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>Files carried inline: each needs a file name, a content type and its bytes (URL attachments are not supported by MaxMD).</summary>
    public IList<MessageAttachment> Attachments { get; set; } = new List<MessageAttachment>();

    /// <summary>
    /// The key that makes this send happen at most once per idempotency store. Generated when null; set it to a value derived from
    /// your own business event so that a re-run returns the stored result instead of sending again.
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>A plain-text message.</summary>
    /// <param name="to">The primary recipient.</param>
    /// <param name="subject">The subject line.</param>
    /// <param name="text">The plain-text body.</param>
    /// <returns>The message; add recipients, attachments or a sender as needed.</returns>
    public static DirectMessage Text(string to, string subject, string text) =>
        new() { To = new List<string> { to }, Subject = subject, Body = text };

    /// <summary>An HTML message.</summary>
    /// <param name="to">The primary recipient.</param>
    /// <param name="subject">The subject line.</param>
    /// <param name="html">The HTML body.</param>
    /// <returns>The message; add recipients, attachments or a sender as needed.</returns>
    public static DirectMessage Html(string to, string subject, string html) =>
        new() { To = new List<string> { to }, Subject = subject, Body = html, IsHtml = true };
}
