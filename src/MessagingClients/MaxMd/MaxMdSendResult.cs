using System;

namespace MessagingClients.MaxMd;

/// <summary>MaxMD's answer to an accepted send (<c>SendMessageResponseType</c>), with how the send went.</summary>
public sealed record MaxMdSendResult
{
    /// <summary>The SMTP message id, like <c>&lt;1006462692.13.1775588067812.JavaMail.root@host.max.md&gt;</c>; pass it to <see cref="MaxMdClient.GetMessageStatusAsync"/>.</summary>
    public string? SmtpId { get; init; }

    /// <summary>MaxMD's text about the request (null on a replay: it is not stored).</summary>
    public string? Message { get; init; }

    /// <summary>The result code; always <see cref="MaxMdResultCode.Success"/> here, since every other code raises a <see cref="MessagingException"/>.</summary>
    public MaxMdResultCode Code { get; init; }

    /// <summary>MaxMD's <c>success</c> flag.</summary>
    public bool Success { get; init; }

    /// <summary>The idempotency key the send ran under.</summary>
    public string IdempotencyKey { get; init; } = string.Empty;

    /// <summary>How many HTTP attempts the send took.</summary>
    public int Attempts { get; init; }

    /// <summary>How long the logical send took, retries included.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>True when this is the stored result of an earlier completed send with the same idempotency key: nothing was sent now.</summary>
    public bool IsReplay { get; init; }
}
