using System;
using System.Collections.Generic;
using System.Globalization;

namespace MessagingClients.MaxMd;

/// <summary>
/// Settings of a <see cref="MaxMdClient"/>: the MaxMD Direct REST endpoint, the account's credentials and the request size cap,
/// plus the shared rate limit, retry, timeout and circuit breaker settings. Bound from the <c>Messaging:MaxMd</c> section.
/// </summary>
public sealed class MaxMdClientOptions : MessagingClientOptions
{
    /// <summary>The default endpoint of the MaxMD Direct Message REST API v3.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.directmdemail.com/message-rest/api/message/");

    /// <summary>The default cap on the size of one request body: 10 MB.</summary>
    public const long DefaultMaxRequestBytes = 10L * 1024 * 1024;

    /// <summary>
    /// The base URL the operation names (<c>Send</c>, <c>SendWithHeader</c>, <c>GetMessageStatus/{smtpId}</c>) are appended to.
    /// Default <c>https://api.directmdemail.com/message-rest/api/message/</c>; evaluation accounts use another host.
    /// A missing trailing slash is added.
    /// </summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>The account's Direct address (<c>someone@domain.direct.example</c>); also the sender when a message names none.</summary>
    public string? Username { get; set; }

    /// <summary>The account's password. Sent in the JSON body of every request; never logged, never in an exception or <see cref="ToString"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The largest request body the client sends, in bytes, attachments (base64) included. Default 10 MB. A larger message is
    /// refused with an <see cref="ArgumentException"/> before anything is sent.
    /// </summary>
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string prefix)
    {
        foreach (var failure in base.Validate(prefix))
        {
            yield return failure;
        }

        if (OptionsGuard.CheckEndpoint(prefix, Endpoint, null) is { } endpointFailure)
        {
            yield return endpointFailure;
        }

        if (string.IsNullOrWhiteSpace(Username))
        {
            yield return $"{prefix}:Username is required (the account's Direct address).";
        }
        else if (!DirectAddress.IsValid(Username))
        {
            yield return $"{prefix}:Username must be the account's Direct address, like someone@domain.direct.example (got '{Username}').";
        }

        if (string.IsNullOrEmpty(Password))
        {
            yield return $"{prefix}:Password is required.";
        }

        if (MaxRequestBytes <= 0)
        {
            yield return $"{prefix}:MaxRequestBytes must be positive (got {MaxRequestBytes.ToString(CultureInfo.InvariantCulture)}).";
        }
    }

    /// <summary>The endpoint and user name, with the password redacted.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        $"MaxMdClientOptions {{ Endpoint = {Endpoint}, Username = {Username}, Password = {(string.IsNullOrEmpty(Password) ? "(not set)" : "***")}, MaxRequestBytes = {MaxRequestBytes.ToString(CultureInfo.InvariantCulture)} }}";

    /// <summary>The endpoint with a trailing slash, so that operation names are appended rather than replacing its last segment.</summary>
    internal Uri BaseUri()
    {
        var text = Endpoint.AbsoluteUri;
        return text[text.Length - 1] == '/' ? Endpoint : new Uri(text + "/");
    }
}
