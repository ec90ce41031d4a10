namespace MessagingClients.Maxemail;

/// <summary>Per-call settings for a Maxemail call.</summary>
public sealed class MaxemailCallOptions
{
    /// <summary>
    /// Overrides <see cref="MaxemailClientOptions.RetryNonIdempotentCalls"/> for this call: true lets a call that changes state
    /// be retried after HTTP 500/502/504 or a timeout after sending; false forbids it; null uses the client's setting.
    /// Has no effect on read-only methods (<c>find*</c>, <c>fetch*</c>, <c>get*</c>, <c>search*</c>), which are always retried.
    /// </summary>
    public bool? RetryNonIdempotent { get; set; }

    /// <summary>An idempotency key sent as the <c>Idempotency-Key</c> header on every attempt of this call (null: none).</summary>
    public string? IdempotencyKey { get; set; }
}
