using System;
using System.Collections.Generic;
using MessagingClients.Mms;

namespace MessagingClients.AspNetCore;

/// <summary>
/// Settings of the MMS postback receiver (configuration section <c>Messaging:MmsPostbacks</c>).
/// </summary>
public sealed class MmsPostbackReceiverOptions
{
    /// <summary>The configuration section the options are bound from: <c>Messaging:MmsPostbacks</c>.</summary>
    public const string SectionName = "Messaging:MmsPostbacks";

    /// <summary>
    /// The source addresses allowed to post, as IP addresses (<c>34.198.230.58</c>) or CIDR ranges (<c>10.0.0.0/8</c>,
    /// <c>2001:db8::/32</c>). Empty (the default): the provider's documented addresses,
    /// <see cref="MmsPostbackParser.DefaultSourceAddresses"/>. Setting any entry replaces them, so list the provider's
    /// addresses too. Loopback is not allowed unless listed. Anyone else gets 403.
    /// </summary>
    public IList<string> AllowedSources { get; set; } = new List<string>();

    /// <summary>
    /// Reverse proxies (IP addresses or CIDR ranges) whose <c>X-Forwarded-For</c> is believed. When set, the receiver
    /// configures <c>ForwardedHeadersOptions</c> to trust exactly these (the framework's default loopback trust is removed);
    /// call <c>app.UseForwardedHeaders()</c> before the endpoint. Empty (the default): no proxy is trusted by the receiver.
    /// </summary>
    public IList<string> TrustedProxies { get; set; } = new List<string>();

    /// <summary>
    /// The largest body accepted, in bytes (default 64 KiB; real postbacks are a few kilobytes). Larger bodies get 413 and
    /// are not read further.
    /// </summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Content types accepted (compared without parameters, case-insensitively). Default <c>text/xml</c> and
    /// <c>application/xml</c>; any <c>…+xml</c> type is accepted too. Others get 415.
    /// </summary>
    public IList<string> AcceptedContentTypes { get; set; } = new List<string>();

    /// <summary>Whether a request without a <c>Content-Type</c> header is accepted as XML (default <c>true</c>: the provider documents an XML body, not its header).</summary>
    public bool AcceptMissingContentType { get; set; } = true;

    /// <summary>
    /// Request headers kept with the stored postback (default <c>Content-Type</c>, <c>User-Agent</c>,
    /// <c>X-Forwarded-For</c>). Credentials (<c>Authorization</c>, <c>Cookie</c>, <c>Proxy-Authorization</c>) are never stored,
    /// even when listed.
    /// </summary>
    public IList<string> StoredHeaders { get; set; } = new List<string>();

    /// <summary>
    /// Directory of the default file store (<see cref="FilePostbackStore"/>), relative to the content root when not absolute.
    /// Default <c>App_Data/mms-postbacks</c>. One receiver process per directory.
    /// </summary>
    public string StoreDirectory { get; set; } = "App_Data/mms-postbacks";

    /// <summary>How many times the handler is called for one postback before it is kept as failed (default 8).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The delay before the second attempt; doubled for each further attempt (default 1 second).</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between attempts (default 5 minutes).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many postbacks are handed to handlers at the same time (default 1: in order of arrival).</summary>
    public int MaxConcurrency { get; set; } = 1;

    internal static readonly string[] DefaultContentTypes = { "text/xml", "application/xml" };

    internal static readonly string[] DefaultStoredHeaders = { "Content-Type", "User-Agent", "X-Forwarded-For" };

    internal IEnumerable<string> Validate(string prefix)
    {
        if (MaxBodyBytes < 1)
        {
            yield return prefix + ":MaxBodyBytes must be positive.";
        }

        if (MaxAttempts < 1)
        {
            yield return prefix + ":MaxAttempts must be at least 1.";
        }

        if (MaxConcurrency < 1)
        {
            yield return prefix + ":MaxConcurrency must be at least 1.";
        }

        if (InitialRetryDelay < TimeSpan.Zero)
        {
            yield return prefix + ":InitialRetryDelay must not be negative.";
        }

        if (MaxRetryDelay < InitialRetryDelay)
        {
            yield return prefix + ":MaxRetryDelay must not be less than InitialRetryDelay.";
        }

        if (string.IsNullOrWhiteSpace(StoreDirectory))
        {
            yield return prefix + ":StoreDirectory is required.";
        }

        for (var i = 0; i < AllowedSources.Count; i++)
        {
            if (!IpRange.TryParse(AllowedSources[i], out _))
            {
                yield return prefix + ":AllowedSources[" + i + "] is not an IP address or CIDR range: '" + AllowedSources[i] + "'.";
            }
        }

        for (var i = 0; i < TrustedProxies.Count; i++)
        {
            if (!IpRange.TryParse(TrustedProxies[i], out _))
            {
                yield return prefix + ":TrustedProxies[" + i + "] is not an IP address or CIDR range: '" + TrustedProxies[i] + "'.";
            }
        }
    }
}
