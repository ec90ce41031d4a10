namespace MessagingClients;

/// <summary>What kind of failure a <see cref="MessagingException"/> reports; decides what the caller should do.</summary>
public enum MessagingErrorKind
{
    /// <summary>The provider could not be classified further; see the provider code and message.</summary>
    ProviderError = 0,

    /// <summary>Credentials were rejected, or the account may not use this API (check user name, password, API key, IP allow-list).</summary>
    Authentication,

    /// <summary>The request was malformed or refused as invalid; fix it before sending again.</summary>
    InvalidRequest,

    /// <summary>One or more recipients were refused (bad address, invalid or blacklisted number).</summary>
    RecipientRejected,

    /// <summary>The account or integration is configured wrongly (MaxMD 999, MMS shortcode, billing or campaign).</summary>
    Configuration,

    /// <summary>The provider, or the client's own rate limiter queue, refused because of rate or quota.</summary>
    Throttled,

    /// <summary>The provider could not be reached or answered with a server or gateway failure.</summary>
    Unavailable,

    /// <summary>An attempt or the whole operation ran out of time.</summary>
    Timeout,

    /// <summary>The circuit breaker is open after sustained failures: the call failed fast without reaching the provider.</summary>
    CircuitOpen,
}
