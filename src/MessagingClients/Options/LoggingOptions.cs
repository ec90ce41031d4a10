using System;
using System.Collections.Generic;
using System.Globalization;

namespace MessagingClients;

/// <summary>
/// What the transport writes about each HTTP attempt. Method, URL (without query or user info), status and duration are
/// logged at <c>Debug</c>; headers on the allow-list and, when enabled, the request body with its credentials redacted,
/// at <c>Trace</c>. Credentials are never logged, whatever these settings say.
/// </summary>
public sealed class LoggingOptions
{
    /// <summary>The headers logged by default.</summary>
    public static IReadOnlyList<string> DefaultAllowedHeaders { get; } = new[]
    {
        "Content-Type", "Content-Length", "Content-Encoding", "Retry-After", "Warning", "Date", "Server",
        "Location", "Idempotency-Key", "User-Agent", "Accept", "X-Request-Id",
    };

    /// <summary>
    /// Whether request bodies are logged (at <c>Trace</c>, category <c>MessagingClients.Transport</c>). Default false.
    /// When true, each provider redacts its credentials first (MaxMD's password, the MMS API key); a call whose body
    /// cannot be redacted safely (a streamed upload) is never logged. Bodies may hold personal or health data: enable this
    /// only where such logs are allowed.
    /// </summary>
    public bool LogRequestBodies { get; set; }

    /// <summary>The most characters of a body that are logged; the rest is cut with a note of its length. Default 4096.</summary>
    public int MaxBodyLength { get; set; } = 4096;

    /// <summary>
    /// Headers (request and response) whose values may be logged, case-insensitive; every other header is left out.
    /// Defaults to <see cref="DefaultAllowedHeaders"/>; values bound from configuration are added to it.
    /// <c>Authorization</c>, <c>Proxy-Authorization</c>, cookies and any header whose name speaks of a key, token, secret,
    /// password or auth (other than <c>Idempotency-Key</c>) are never logged, even when listed.
    /// </summary>
    public IList<string> AllowedHeaders { get; set; } = new List<string>(DefaultAllowedHeaders);

    internal IEnumerable<string> Validate(string prefix)
    {
        if (MaxBodyLength < 0)
        {
            yield return $"{prefix}:MaxBodyLength must not be negative (got {MaxBodyLength.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (AllowedHeaders is null)
        {
            yield return $"{prefix}:AllowedHeaders must not be null.";
        }
    }
}
