using System;
using System.Collections.Generic;

namespace MessagingClients.Testing;

/// <summary>How the simulator answered one request.</summary>
public enum SimulatedOutcome
{
    /// <summary>Not answered yet.</summary>
    Pending,

    /// <summary>A send was accepted (recorded in <see cref="SimulatedProvider.AcceptedSends"/>).</summary>
    Accepted,

    /// <summary>Another operation succeeded (a lookup, a subscription, an upload …).</summary>
    Succeeded,

    /// <summary>The provider refused the request in its own shape (bad credentials, an invalid request, a rejected recipient).</summary>
    Refused,

    /// <summary>The token bucket was empty: 429, or <c>E113</c> for MMS.</summary>
    Throttled,

    /// <summary>An injected fault answered (503, 500, a 502 page, a provider code, a reset).</summary>
    Fault,

    /// <summary>The client went away before the answer (a delay outlasted its timeout).</summary>
    Aborted,
}

/// <summary>One request the simulator received. Credentials are redacted from headers and body.</summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(string provider, long sequence, DateTimeOffset receivedAt, string method, string path, IReadOnlyDictionary<string, string> headers)
    {
        Provider = provider;
        Sequence = sequence;
        ReceivedAt = receivedAt;
        Method = method;
        Path = path;
        Headers = headers;
    }

    /// <summary>The provider that received it: <c>maxmd</c>, <c>maxemail</c> or <c>mms</c>.</summary>
    public string Provider { get; }

    /// <summary>The order of arrival across the simulator, from 1.</summary>
    public long Sequence { get; }

    /// <summary>When it arrived, by the simulator's clock.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path and query below the provider's endpoint, for example <c>Send</c> or <c>api/json/recipient</c>.</summary>
    public string Path { get; }

    /// <summary>The request headers (one value per name, comma-joined); <c>Authorization</c> reads <c>***</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body as UTF-8 text with credentials replaced by <c>***</c> (MaxMD password, MMS <c>API_KEY</c>), capped in length.</summary>
    public string Body { get; internal set; } = string.Empty;

    /// <summary>The body's length in bytes.</summary>
    public long BodyLength { get; internal set; }

    /// <summary>The operation as the provider saw it: <c>Send</c>, <c>recipient.findByEmailAddress</c>, <c>sendSMS</c> …; null when it could not tell.</summary>
    public string? Operation { get; internal set; }

    /// <summary>The <c>Idempotency-Key</c> header, when present.</summary>
    public string? IdempotencyKey { get; internal set; }

    /// <summary>The HTTP status answered (0 for a reset or an aborted request).</summary>
    public int StatusCode { get; internal set; }

    /// <summary>The provider's code in the answer (<c>1</c>, <c>999</c>, <c>E113</c>, Maxemail body <c>code</c>), when it had one.</summary>
    public string? ProviderCode { get; internal set; }

    /// <summary>How the request was answered.</summary>
    public SimulatedOutcome Outcome { get; internal set; }

    /// <summary>The fault injected, if any.</summary>
    public SimulatedFault? Fault { get; internal set; }

    /// <summary>A one-line description, for test output (no body).</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"#{Sequence} {Provider} {Method} {Path} {Operation ?? "?"} → {StatusCode} {Outcome}{(ProviderCode is null ? string.Empty : " " + ProviderCode)}{(Fault is null ? string.Empty : " (" + Fault + ")")}";
}

/// <summary>A send the simulator accepted: what a real provider would have delivered.</summary>
public sealed class AcceptedSend
{
    internal AcceptedSend(string provider, string operation, string? idempotencyKey, string bodyHash, string messageId, IReadOnlyList<string> recipients, DateTimeOffset acceptedAt, bool isDuplicate)
    {
        Provider = provider;
        Operation = operation;
        IdempotencyKey = idempotencyKey;
        BodyHash = bodyHash;
        MessageId = messageId;
        Recipients = recipients;
        AcceptedAt = acceptedAt;
        IsDuplicate = isDuplicate;
    }

    /// <summary>The provider: <c>maxmd</c>, <c>maxemail</c> or <c>mms</c>.</summary>
    public string Provider { get; }

    /// <summary>The operation: <c>Send</c>, <c>SendWithHeader</c>, <c>transactional.send</c>, <c>email_send.trigger</c>, <c>sendSMS</c> ….</summary>
    public string Operation { get; }

    /// <summary>The request's <c>Idempotency-Key</c> header, or null when it had none.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>The SHA-256 of the request body (hex), to compare bodies without keeping them.</summary>
    public string BodyHash { get; }

    /// <summary>The id the simulator answered with: MaxMD <c>smtpId</c>, Maxemail key, MMS <c>TRACKINGID</c>.</summary>
    public string MessageId { get; }

    /// <summary>The recipients of the send.</summary>
    public IReadOnlyList<string> Recipients { get; }

    /// <summary>When it was accepted, by the simulator's clock.</summary>
    public DateTimeOffset AcceptedAt { get; }

    /// <summary>
    /// True when a send with the same idempotency key had already been accepted: the message was delivered twice. Sends
    /// without a key are never counted as duplicates (compare <see cref="BodyHash"/> yourself if you need to).
    /// </summary>
    public bool IsDuplicate { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Provider} {Operation} {MessageId} key={IdempotencyKey ?? "(none)"}{(IsDuplicate ? " DUPLICATE" : string.Empty)}";
}
