using System;
using System.Globalization;

namespace MessagingClients.Testing;

/// <summary>What an injected fault does to one request.</summary>
public enum SimulatedFaultKind
{
    /// <summary>HTTP 503 with a short <c>Retry-After</c> (temporary overload or maintenance).</summary>
    ServiceUnavailable,

    /// <summary>HTTP 500 in the provider's error shape.</summary>
    InternalServerError,

    /// <summary>HTTP 502 with an HTML page, as a load balancer or gateway answers when the service behind it is down.</summary>
    BadGatewayHtml,

    /// <summary>The provider's throttling answer: HTTP 429 for MaxMD and Maxemail, <c>E113</c> for MMS.</summary>
    Throttled,

    /// <summary>
    /// A provider code in the provider's own shape: MaxMD <c>{"code":999}</c> with HTTP 200, an MMS <c>ERRORCODE</c>
    /// (<c>E113</c>, <c>E503</c> …) with HTTP 200, or for Maxemail an HTTP status with a JSON error body.
    /// </summary>
    ProviderCode,

    /// <summary>The request is held for a while, then handled normally (unless the client went away meanwhile).</summary>
    Delay,

    /// <summary>The connection is reset without an answer.</summary>
    ConnectionReset,
}

/// <summary>
/// A fault the simulator injects into one request, instead of (or, for <see cref="SimulatedFaultKind.Delay"/> and a reset
/// after processing, besides) its normal answer. Create one with the static factories.
/// </summary>
public sealed record SimulatedFault
{
    private SimulatedFault(SimulatedFaultKind kind) => Kind = kind;

    /// <summary>What the fault does.</summary>
    public SimulatedFaultKind Kind { get; }

    /// <summary>The <c>Retry-After</c> sent with a 503 or 429; null uses <see cref="SimulatedProviderOptions.FaultRetryAfter"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>How long a <see cref="SimulatedFaultKind.Delay"/> holds the request.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The provider code of a <see cref="SimulatedFaultKind.ProviderCode"/> fault (<c>"999"</c>, <c>"E113"</c>, <c>"400"</c>).</summary>
    public string? Code { get; init; }

    /// <summary>
    /// For <see cref="SimulatedFaultKind.ConnectionReset"/>: false (default) resets before the request is processed, so nothing
    /// was delivered and a retry is safe; true processes the request first (a send is accepted and recorded), then resets, the
    /// case that makes a retry deliver the message twice.
    /// </summary>
    public bool AfterProcessing { get; init; }

    /// <summary>HTTP 503 with <c>Retry-After</c>.</summary>
    /// <param name="retryAfter">The delay to announce; null for <see cref="SimulatedProviderOptions.FaultRetryAfter"/>.</param>
    /// <returns>The fault.</returns>
    public static SimulatedFault ServiceUnavailable(TimeSpan? retryAfter = null) => new(SimulatedFaultKind.ServiceUnavailable) { RetryAfter = retryAfter };

    /// <summary>HTTP 500 in the provider's error shape.</summary>
    /// <returns>The fault.</returns>
    public static SimulatedFault InternalServerError() => new(SimulatedFaultKind.InternalServerError);

    /// <summary>HTTP 502 with an HTML page from a "gateway".</summary>
    /// <returns>The fault.</returns>
    public static SimulatedFault BadGatewayHtml() => new(SimulatedFaultKind.BadGatewayHtml);

    /// <summary>The provider's throttling answer (429, or <c>E113</c> for MMS), whatever the token bucket says.</summary>
    /// <param name="retryAfter">The <c>Retry-After</c> of a 429; null for <see cref="SimulatedProviderOptions.FaultRetryAfter"/>.</param>
    /// <returns>The fault.</returns>
    public static SimulatedFault Throttled(TimeSpan? retryAfter = null) => new(SimulatedFaultKind.Throttled) { RetryAfter = retryAfter };

    /// <summary>A provider code in the provider's shape: <c>"999"</c> (or 1–4) for MaxMD, an E-code for MMS, an HTTP status for Maxemail.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The fault.</returns>
    public static SimulatedFault ProviderCode(string code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            throw new ArgumentException("A provider code is required.", nameof(code));
        }

        return new(SimulatedFaultKind.ProviderCode) { Code = code.Trim() };
    }

    /// <summary>MaxMD's code 999 (implementer configuration or business error; the service is up).</summary>
    /// <returns>The fault.</returns>
    public static SimulatedFault Code999() => ProviderCode("999");

    /// <summary>MMS <c>E113</c> (throughput exceeded). Same as <see cref="Throttled"/> for MMS.</summary>
    /// <returns>The fault.</returns>
    public static SimulatedFault E113() => ProviderCode("E113");

    /// <summary>Holds the request for <paramref name="duration"/>, then answers normally.</summary>
    /// <param name="duration">How long to hold it.</param>
    /// <returns>The fault.</returns>
    public static SimulatedFault Delay(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "The delay must not be negative.");
        }

        return new(SimulatedFaultKind.Delay) { Duration = duration };
    }

    /// <summary>Resets the connection without an answer.</summary>
    /// <param name="afterProcessing">False (default): before the request is processed. True: after (a send is accepted first).</param>
    /// <returns>The fault.</returns>
    public static SimulatedFault ConnectionReset(bool afterProcessing = false) => new(SimulatedFaultKind.ConnectionReset) { AfterProcessing = afterProcessing };

    /// <summary>A short description, for test output.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Kind switch
    {
        SimulatedFaultKind.ProviderCode => "ProviderCode " + Code,
        SimulatedFaultKind.Delay => "Delay " + Duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms",
        SimulatedFaultKind.ConnectionReset => AfterProcessing ? "ConnectionReset after processing" : "ConnectionReset",
        _ => Kind.ToString(),
    };
}
