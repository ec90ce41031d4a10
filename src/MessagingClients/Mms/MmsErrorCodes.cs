using System;
using MessagingClients.Transport;

namespace MessagingClients.Mms;

/// <summary>
/// The MMS/SMS API's error codes (<c>ERRORCODE</c>) the client classifies, and what each one becomes. Any other E-code is a
/// <see cref="MessagingErrorKind.ProviderError"/> carrying the code and the provider's text, not retried.
/// </summary>
public static class MmsErrorCodes
{
    /// <summary>Invalid request. <see cref="MessagingErrorKind.InvalidRequest"/>.</summary>
    public const string InvalidRequest = "E100";

    /// <summary>API key invalid. <see cref="MessagingErrorKind.Authentication"/>.</summary>
    public const string InvalidApiKey = "E104";

    /// <summary>No API rights. <see cref="MessagingErrorKind.Authentication"/>.</summary>
    public const string NoApiRights = "E105";

    /// <summary>Called too often. <see cref="MessagingErrorKind.Throttled"/>, retried after backoff.</summary>
    public const string CalledTooOften = "E106";

    /// <summary>Action not allowed. <see cref="MessagingErrorKind.Authentication"/>.</summary>
    public const string ActionNotAllowed = "E107";

    /// <summary>XML parse error. <see cref="MessagingErrorKind.InvalidRequest"/>.</summary>
    public const string XmlParseError = "E108";

    /// <summary>API not activated. <see cref="MessagingErrorKind.Authentication"/>.</summary>
    public const string ApiNotActivated = "E109";

    /// <summary>Invalid receiver number. <see cref="MessagingErrorKind.RecipientRejected"/>.</summary>
    public const string InvalidReceiver = "E110";

    /// <summary>Invalid shortcode. <see cref="MessagingErrorKind.Configuration"/>.</summary>
    public const string InvalidShortCode = "E111";

    /// <summary>Caller's IP not allow-listed. <see cref="MessagingErrorKind.Authentication"/>.</summary>
    public const string IpNotAllowed = "E112";

    /// <summary>Throughput exceeded. <see cref="MessagingErrorKind.Throttled"/>, retried with backoff; the client lowers its rate.</summary>
    public const string ThroughputExceeded = "E113";

    /// <summary>Number blacklisted. <see cref="MessagingErrorKind.RecipientRejected"/>.</summary>
    public const string NumberBlacklisted = "E114";

    /// <summary>Account request limit reached (a quota). <see cref="MessagingErrorKind.Throttled"/>, not retried.</summary>
    public const string RequestLimitReached = "E120";

    /// <summary>Internal error. <see cref="MessagingErrorKind.Unavailable"/>; not retried by default, since the send may have happened.</summary>
    public const string InternalError = "E503";

    /// <summary>Billing problem. <see cref="MessagingErrorKind.Configuration"/>.</summary>
    public const string BillingProblem = "E713";

    /// <summary>Bad campaign. <see cref="MessagingErrorKind.Configuration"/>.</summary>
    public const string BadCampaign = "E714";

    /// <summary>The kind of failure an error code stands for.</summary>
    /// <param name="code">The code, for example <c>E113</c> (case-insensitive).</param>
    /// <returns>The kind; <see cref="MessagingErrorKind.ProviderError"/> for codes not in the table.</returns>
    public static MessagingErrorKind KindOf(string? code) => Rule(code).Kind;

    /// <summary>The classified failure of a response carrying <paramref name="code"/>.</summary>
    internal static ProviderFailure Classify(string code, string? info, int httpStatus, bool isIdempotent, bool retryInternalErrors)
    {
        var rule = Rule(code);
        var description = code + " (" + rule.Meaning + ")" + (string.IsNullOrWhiteSpace(info) ? string.Empty : ": " + info!.Trim());
        return rule.Retry switch
        {
            RetryRule.Throttle => new ProviderFailure
            {
                Kind = rule.Kind, Description = description, ProviderCode = code, HttpStatus = httpStatus,
                IsTransient = true, IsSafeToRepeat = true, Advice = rule.Advice,
            },
            RetryRule.InternalError => new ProviderFailure
            {
                Kind = rule.Kind, Description = description, ProviderCode = code, HttpStatus = httpStatus,
                IsTransient = true, IsSafeToRepeat = isIdempotent || retryInternalErrors,
                Advice = isIdempotent || retryInternalErrors
                    ? rule.Advice
                    : "The provider failed internally and may have sent the message anyway, so it was not retried; check delivery postbacks before sending again (or set RetryInternalErrors to retry such failures).",
            },
            _ => new ProviderFailure
            {
                Kind = rule.Kind, Description = description, ProviderCode = code, HttpStatus = httpStatus, Advice = rule.Advice,
            },
        };
    }

    private static (MessagingErrorKind Kind, string Meaning, RetryRule Retry, string Advice) Rule(string? code) =>
        code?.Trim().ToUpperInvariant() switch
        {
            "E104" => (MessagingErrorKind.Authentication, "API key invalid", RetryRule.None, "Check the configured ApiKey against the account's API settings."),
            "E105" => (MessagingErrorKind.Authentication, "no API rights", RetryRule.None, "Ask the provider to grant the account API rights."),
            "E107" => (MessagingErrorKind.Authentication, "action not allowed", RetryRule.None, "The account may not call this action; ask the provider to enable it."),
            "E109" => (MessagingErrorKind.Authentication, "API not activated", RetryRule.None, "Ask the provider to activate the API on the account."),
            "E112" => (MessagingErrorKind.Authentication, "IP address not allow-listed", RetryRule.None, "Allow-list this machine's public IP address in the account's API settings."),
            "E100" => (MessagingErrorKind.InvalidRequest, "invalid request", RetryRule.None, "The request was refused as invalid; correct it before sending again."),
            "E108" => (MessagingErrorKind.InvalidRequest, "XML parse error", RetryRule.None, "The provider could not parse the request XML; this is a bug worth reporting."),
            "E113" => (MessagingErrorKind.Throttled, "throughput exceeded", RetryRule.Throttle, "The client slowed down and retried; if this persists, lower RateLimit:PermitsPerSecond to the account's throughput."),
            "E106" => (MessagingErrorKind.Throttled, "called too often", RetryRule.Throttle, "The client slowed down and retried; if this persists, call less often or lower RateLimit:PermitsPerSecond."),
            "E120" => (MessagingErrorKind.Throttled, "account request limit reached", RetryRule.None, "The account's request quota is used up; retrying will not help until the provider raises or resets it."),
            "E110" => (MessagingErrorKind.RecipientRejected, "invalid receiver number", RetryRule.None, "Check the recipient's number; it must be a valid mobile number in international format."),
            "E114" => (MessagingErrorKind.RecipientRejected, "number blacklisted", RetryRule.None, "The recipient opted out or is blocked; do not send to this number again."),
            "E111" => (MessagingErrorKind.Configuration, "invalid shortcode", RetryRule.None, "Check From / DefaultFrom: the short code must belong to the account."),
            "E713" => (MessagingErrorKind.Configuration, "billing problem", RetryRule.None, "Resolve the account's billing with the provider."),
            "E714" => (MessagingErrorKind.Configuration, "bad campaign", RetryRule.None, "Check the campaign reference and the campaign's configuration."),
            "E503" => (MessagingErrorKind.Unavailable, "internal error", RetryRule.InternalError, "The provider failed internally; try again later."),
            _ => (MessagingErrorKind.ProviderError, "provider error", RetryRule.None, "See the provider's error code reference."),
        };

    private enum RetryRule
    {
        None,
        Throttle,
        InternalError,
    }
}
