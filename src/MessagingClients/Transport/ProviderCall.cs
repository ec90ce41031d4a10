using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.Transport;

/// <summary>
/// The provider codec contract for one logical operation: build the request (identical bytes on every attempt) and decode
/// the answer into a <see cref="ProviderOutcome"/> whose value is a <typeparamref name="TResult"/>.
/// </summary>
/// <typeparam name="TResult">The decoded result type.</typeparam>
internal abstract class ProviderCall<TResult>
{
    /// <summary>The operation name used in errors, logs and spans (<c>Send</c>, <c>recipient.find</c>, <c>sendSMS</c>).</summary>
    public abstract string Operation { get; }

    /// <summary>True when repeating the call cannot change anything (read-only): ambiguous failures may then be retried.</summary>
    public virtual bool IsIdempotent => false;

    /// <summary>True when a successful result keeps reading the response (streamed downloads): the transport then does not dispose it.</summary>
    public virtual bool KeepsResponse => false;

    /// <summary>Builds a fresh request for one attempt. Every attempt must carry the same bytes.</summary>
    public abstract HttpRequestMessage CreateRequest();

    /// <summary>Decodes the answer. Must not throw for any answer a server can give: a malformed one is a classified failure.</summary>
    public abstract ValueTask<ProviderOutcome> DecodeAsync(HttpResponseMessage response, CancellationToken cancellationToken);

    /// <summary>
    /// The request body for the optional body log (<see cref="LoggingOptions.LogRequestBodies"/>), with every credential
    /// redacted. Null, the default, means the body is never logged: override only where the redaction is certain.
    /// </summary>
    /// <returns>The redacted body text, or null.</returns>
    public virtual string? RedactedBodyForLog() => null;

    /// <summary>
    /// The credentials this call carries (password, API key, Authorization token). The transport removes them, in every
    /// encoding, from each failure's description and advice before it logs or throws them: a provider that echoes a
    /// credential in its error text cannot put it into an exception or a log line.
    /// </summary>
    public virtual IReadOnlyList<string?> Secrets => Array.Empty<string?>();

    /// <summary>Classifies a network failure (no answer). The default retries only what certainly was not sent, or read-only calls.</summary>
    public virtual ProviderFailure ClassifyException(HttpRequestException exception) =>
        HttpFailureClassifier.FromException(exception, IsIdempotent);

    /// <summary>Classifies an attempt that timed out after the request may have been sent.</summary>
    public virtual ProviderFailure ClassifyAttemptTimeout(TimeSpan timeout) =>
        HttpFailureClassifier.AttemptTimedOut(timeout, IsIdempotent);
}
