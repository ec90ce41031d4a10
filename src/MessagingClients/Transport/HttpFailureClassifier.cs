using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;

namespace MessagingClients.Transport;

/// <summary>
/// The HTTP-level rules shared by every provider: what a status or a network failure means and whether repeating it is safe.
/// Codecs start from these and apply their provider's own rules on top.
/// </summary>
internal static class HttpFailureClassifier
{
    /// <summary>Classifies an HTTP status that carried no provider-specific meaning.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="isIdempotent">Whether the call is read-only (ambiguous server errors may then be retried).</param>
    /// <param name="description">What the provider said, already free of secrets.</param>
    public static ProviderFailure FromStatus(int status, bool isIdempotent, string description)
    {
        var code = "HTTP " + status.ToString(CultureInfo.InvariantCulture);
        return status switch
        {
            429 => new ProviderFailure
            {
                Kind = MessagingErrorKind.Throttled, Description = description, ProviderCode = code, HttpStatus = status,
                IsTransient = true, IsSafeToRepeat = true,
                Advice = "The client slowed down and retried; if this persists, lower RateLimit:PermitsPerSecond or spread the load.",
            },
            503 => new ProviderFailure
            {
                Kind = MessagingErrorKind.Unavailable, Description = description, ProviderCode = code, HttpStatus = status,
                IsTransient = true, IsSafeToRepeat = true,
                Advice = "The provider is temporarily overloaded or in maintenance; try again later.",
            },
            401 or 403 => new ProviderFailure
            {
                Kind = MessagingErrorKind.Authentication, Description = description, ProviderCode = code, HttpStatus = status,
                Advice = "Check the configured credentials and the account's API access.",
            },
            408 => new ProviderFailure
            {
                Kind = MessagingErrorKind.Timeout, Description = description, ProviderCode = code, HttpStatus = status,
                IsTransient = true, IsSafeToRepeat = isIdempotent,
                Advice = "The provider timed out reading the request; try again.",
            },
            >= 400 and < 500 => new ProviderFailure
            {
                Kind = MessagingErrorKind.InvalidRequest, Description = description, ProviderCode = code, HttpStatus = status,
                Advice = "The provider refused the request as invalid; correct it before sending again.",
            },
            _ => new ProviderFailure
            {
                Kind = MessagingErrorKind.Unavailable, Description = description, ProviderCode = code, HttpStatus = status,
                IsTransient = true, IsSafeToRepeat = isIdempotent,
                Advice = isIdempotent
                    ? "The provider had a server error; try again later."
                    : "The provider had a server error after receiving the request, so it may have been processed; check before sending again.",
            },
        };
    }

    /// <summary>Classifies a failure with no HTTP answer.</summary>
    public static ProviderFailure FromException(HttpRequestException exception, bool isIdempotent)
    {
        var notSent = IsConnectFailure(exception);
        return new ProviderFailure
        {
            Kind = MessagingErrorKind.Unavailable,
            Description = notSent
                ? "Could not connect to the provider: " + exception.Message
                : "The connection failed before an answer arrived: " + exception.Message,
            IsTransient = true,
            IsSafeToRepeat = notSent || isIdempotent,
            Exception = exception,
            Advice = notSent
                ? "Check the endpoint, DNS and network; the request was not sent."
                : "The request may have reached the provider; check before sending again.",
        };
    }

    /// <summary>Classifies an attempt that did not finish within the attempt timeout.</summary>
    public static ProviderFailure AttemptTimedOut(TimeSpan timeout, bool isIdempotent) => new()
    {
        Kind = MessagingErrorKind.Timeout,
        Description = "No answer within the attempt timeout of " + timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s",
        IsTransient = true,
        IsSafeToRepeat = isIdempotent,
        Advice = isIdempotent
            ? "Raise Timeouts:Attempt if the provider is slow."
            : "The request may have been processed; check the message's status before sending again, or raise Timeouts:Attempt.",
    };

    /// <summary>True when the request certainly did not reach the server (connection refused, DNS failure, TLS handshake failure).</summary>
    public static bool IsConnectFailure(HttpRequestException exception)
    {
#if NET8_0_OR_GREATER
        if (exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
        {
            return true;
        }
#endif
        for (Exception? inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData;
            }
        }

        return false;
    }
}
