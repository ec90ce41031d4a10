using System;
using System.Collections.Generic;
using System.Globalization;

namespace MessagingClients.Mms;

/// <summary>
/// Settings of the MMS/SMS XML API v1 client (configuration section <c>Messaging:Mms</c>). The API key never appears in
/// <see cref="ToString"/>, a log line or an exception message.
/// </summary>
public sealed class MmsClientOptions : MessagingClientOptions
{
    /// <summary>The public API URL, used when <see cref="Endpoint"/> is not set.</summary>
    public static readonly Uri DefaultEndpoint = new("https://secure.skycore.com/API/wxml/1.3/index.php");

    /// <summary>The default cap on a response body, 1 MiB.</summary>
    public const int DefaultMaxResponseBytes = 1024 * 1024;

    /// <summary>
    /// The API URL from the account's API settings. Default <see cref="DefaultEndpoint"/>; the provider may announce a new
    /// URL, so set it from configuration rather than code.
    /// </summary>
    public Uri? Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>The account's API key (required). It travels inside the XML body, so request bodies are never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The sender used when a message has no <c>From</c>: a short code (3–8 digits, sent as given) or a long code (a phone
    /// number, normalized like <c>TO</c>).
    /// </summary>
    public string? DefaultFrom { get; set; }

    /// <summary>
    /// The country code (<c>1</c>, <c>44</c>, <c>64</c>; a leading <c>+</c> is allowed) for national numbers. Null (default):
    /// national and ambiguous numbers are refused with an <see cref="ArgumentException"/>. See <see cref="PhoneNumber"/>.
    /// </summary>
    public string? DefaultCountryCode { get; set; }

    /// <summary>
    /// Whether <c>E503</c> (provider internal error) is retried for sends. Default false: the provider may have sent the
    /// message before failing, so a retry could deliver it twice. Read-only actions (<c>get…</c>) are always retried.
    /// </summary>
    public bool RetryInternalErrors { get; set; }

    /// <summary>The largest response body read, in bytes (default 1 MiB). A larger answer fails instead of being read into memory.</summary>
    public int MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

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

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return $"{prefix}:ApiKey is required.";
        }

        var countryError = PhoneNumber.CountryCode(DefaultCountryCode, out var country);
        if (countryError is not null)
        {
            yield return $"{prefix}:DefaultCountryCode must be 1 to 3 digits not starting with 0, optionally after '+' (for example 1 or 44).";
        }

        if (DefaultFrom is not null && countryError is null && !MmsAddresses.TryFrom(DefaultFrom, country, out _, out _))
        {
            yield return $"{prefix}:DefaultFrom must be a short code (3–8 digits) or a phone number that can be made international (see DefaultCountryCode).";
        }

        if (MaxResponseBytes < 1024)
        {
            yield return $"{prefix}:MaxResponseBytes must be at least 1024 (got {MaxResponseBytes.ToString(CultureInfo.InvariantCulture)}).";
        }
    }

    /// <summary>The endpoint and settings, with the API key redacted.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        $"MmsClientOptions {{ Endpoint = {Endpoint}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(not set)" : "***")}, DefaultFrom = {DefaultFrom ?? "(not set)"}, DefaultCountryCode = {DefaultCountryCode ?? "(not set)"} }}";
}
