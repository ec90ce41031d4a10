using System;
using System.Collections.Generic;

namespace MessagingClients;

/// <summary>
/// What a provider answered for an accepted send. Accepted is not delivered: use the provider's status APIs
/// or postbacks to learn the final delivery state.
/// </summary>
public sealed record SendReceipt
{
    /// <summary>The provider that accepted the message (<c>"maxmd"</c>, <c>"maxemail"</c>, <c>"mms"</c>).</summary>
    public required string ProviderName { get; init; }

    /// <summary>The provider's id for the message (MaxMD <c>smtpId</c>, the MMS tracking id, the Maxemail key …), when it gives one.</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>The idempotency key the send ran under.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>How many HTTP attempts the send took (1 when it succeeded at once).</summary>
    public int Attempts { get; init; }

    /// <summary>How long the logical send took, retries and waits for the rate limiter included.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>True when this receipt is the stored result of an earlier completed send with the same key: nothing was sent now.</summary>
    public bool IsReplay { get; init; }

    /// <summary>Warnings the provider attached to the answer, for example Maxemail deprecation notices.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
}
