using System;
using System.Collections.Generic;

namespace MessagingClients.Maxemail;

/// <summary>
/// Settings of a <see cref="MaxemailClient"/>: the endpoint, the API user's credentials, the deprecation callback and whether
/// calls that change state may be retried after an ambiguous failure. Bound from the <c>Messaging:Maxemail</c> section
/// (over <c>Messaging:Defaults</c>); <see cref="OnDeprecation"/> is set in code only.
/// </summary>
public sealed class MaxemailClientOptions : MessagingClientOptions
{
    /// <summary>The default endpoint, <c>https://mxm.xtremepush.com/</c>.</summary>
    public static readonly Uri DefaultEndpoint = new("https://mxm.xtremepush.com/");

    /// <summary>
    /// The Maxemail base address. Every call is <c>POST {Endpoint}api/json/{service}</c>; downloads are
    /// <c>GET {Endpoint}download/…</c>. Default <c>https://mxm.xtremepush.com/</c>.
    /// </summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>The API user name (usually an email address). Sent in the <c>Authorization: Basic</c> header of every request.</summary>
    public string? Username { get; set; }

    /// <summary>The API user's password. Never logged, never shown by <see cref="ToString"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Lets the client retry calls that change state (every method not named <c>find*</c>, <c>fetch*</c>, <c>get*</c> or
    /// <c>search*</c>) after an HTTP 500, 502 or 504 or a timeout after the request was sent. Default false: such a call may
    /// have been processed, so repeating it could, for example, send an email twice. A call can override this with
    /// <see cref="MaxemailCallOptions.RetryNonIdempotent"/>. Throttling (429), 503 and refused connections are retried either way.
    /// </summary>
    public bool RetryNonIdempotentCalls { get; set; }

    /// <summary>
    /// Called for every deprecation notice (<c>Warning: 299 MxmApi/…</c>) a successful answer carries. Runs on the calling
    /// path: keep it short. An exception it throws is logged and does not fail the call. Not bound from configuration.
    /// </summary>
    public Action<MaxemailDeprecation>? OnDeprecation { get; set; }

    /// <summary>
    /// The sender used by <see cref="MaxemailClient.SendAsync(OutgoingMessage, System.Threading.CancellationToken)"/> when
    /// <see cref="OutgoingMessage.From"/> is null: an address, or <c>Alias &lt;address&gt;</c>.
    /// </summary>
    public string? DefaultFrom { get; set; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string prefix)
    {
        foreach (var failure in base.Validate(prefix))
        {
            yield return failure;
        }

        if (OptionsGuard.CheckEndpoint(prefix, Endpoint, "https://mxm.xtremepush.com/") is { } endpointFailure)
        {
            yield return endpointFailure;
        }

        if (string.IsNullOrWhiteSpace(Username))
        {
            yield return $"{prefix}:Username is required.";
        }
        else if (System.Linq.Enumerable.Contains(Username!, ':'))
        {
            yield return $"{prefix}:Username must not contain ':' (Basic authentication cannot carry it).";
        }

        if (string.IsNullOrEmpty(Password))
        {
            yield return $"{prefix}:Password is required.";
        }

        if (DefaultFrom is not null && !MaxemailValidation.TryParseSender(DefaultFrom, out _, out _))
        {
            yield return $"{prefix}:DefaultFrom must be an email address or 'Alias <address>'.";
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"MaxemailClientOptions {{ Endpoint = {Endpoint}, Username = {Username}, Password = {(string.IsNullOrEmpty(Password) ? "(none)" : "***")}, RetryNonIdempotentCalls = {RetryNonIdempotentCalls} }}";
}
