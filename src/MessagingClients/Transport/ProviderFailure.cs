using System;

namespace MessagingClients.Transport;

/// <summary>
/// A provider codec's classification of a failed attempt. The pipeline decides on it: an attempt is retried only when it is
/// both <see cref="IsTransient"/> and <see cref="IsSafeToRepeat"/>. Never holds a credential or a request body.
/// </summary>
internal sealed record ProviderFailure
{
    public required MessagingErrorKind Kind { get; init; }

    /// <summary>What happened, in the provider's terms (becomes <see cref="MessagingException.Description"/>).</summary>
    public required string Description { get; init; }

    public string? ProviderCode { get; init; }

    public int? HttpStatus { get; init; }

    /// <summary>The failure may pass (throttling, overload, network trouble).</summary>
    public bool IsTransient { get; init; }

    /// <summary>Sending the same bytes again cannot cause a duplicate: the request certainly was not processed, the operation is read-only, or the provider's rules say to retry.</summary>
    public bool IsSafeToRepeat { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Used instead of exponential backoff when there is no <see cref="RetryAfter"/>.</summary>
    public RetryDelayRange? ProviderDelay { get; init; }

    /// <summary>What the caller should do.</summary>
    public string? Advice { get; init; }

    public Exception? Exception { get; init; }

    public bool IsRetryable => IsTransient && IsSafeToRepeat;

    /// <summary>A throttling answer from the provider (429, E113, E106) lowers the adaptive rate; a quota refusal does not.</summary>
    public bool IsThrottling => Kind == MessagingErrorKind.Throttled && IsTransient;
}
