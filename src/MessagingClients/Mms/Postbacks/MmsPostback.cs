using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace MessagingClients.Mms;

/// <summary>
/// A postback (notification) the provider POSTs to the account's postback URL, parsed by <see cref="MmsPostbackParser"/>:
/// a <see cref="DeliveryReceipt"/>, an <see cref="InboundMessage"/>, a <see cref="SubscriptionChange"/>, or an
/// <see cref="UnknownPostback"/> for anything else. The raw XML is always kept.
/// </summary>
public abstract class MmsPostback
{
    private protected MmsPostback(PostbackFields fields)
    {
        Fields = fields.Values;
        Origin = fields.Get("ORIGIN");
        Code = fields.Get("CODE");
        RawXml = fields.RawXml;
        Timestamp = fields.Get("TIMESTAMP");
        DeduplicationKey = MakeKey(fields);
    }

    /// <summary>Where the postback comes from: <c>SMS_MT</c>, <c>MMS_MT</c>, <c>SMS_MO</c>, <c>MMS_MO</c>, <c>SUB</c> …</summary>
    public string? Origin { get; }

    /// <summary>The notification code: <c>N201</c>, <c>E202</c>, <c>N211</c>, <c>N301</c> …</summary>
    public string? Code { get; }

    /// <summary>True when <see cref="Code"/> is an error code (starts with <c>E</c>).</summary>
    public bool IsError => Code is { Length: > 0 } code && (code[0] == 'E' || code[0] == 'e');

    /// <summary>The <c>TIMESTAMP</c> as sent (formats vary, for example <c>2014-07-02T14:32:23-04</c>).</summary>
    public string? Timestamp { get; }

    /// <summary><see cref="Timestamp"/> parsed, when it could be.</summary>
    public DateTimeOffset? TimestampValue => ParseTime(Timestamp);

    /// <summary>Every top-level element that holds text, by name (case-insensitive; first occurrence wins). Unknown elements are here too.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The postback exactly as received (decoded as UTF-8). Store it before processing.</summary>
    public string RawXml { get; }

    /// <summary>
    /// The key redeliveries share: <c>ORIGIN|CODE|ID|TIMESTAMP</c>, where ID is <c>TRACKINGID</c>, else <c>TRANSACTIONID</c>,
    /// else (subscriptions) <c>MOBILE</c> or <c>EMAIL</c> with <c>:CAMPAIGNID</c>, else <c>MMSID</c>, and TIMESTAMP is
    /// <c>TIMESTAMP</c>, else <c>RECEIVED</c>. When neither an ID nor a time is present the key is <c>sha256:</c> and the hash of
    /// the raw XML. <c>%</c> and <c>|</c> inside values are percent-encoded.
    /// </summary>
    public string DeduplicationKey { get; }

    /// <inheritdoc />
    public override string ToString() => GetType().Name + " " + (Origin ?? "?") + " " + (Code ?? "?");

    internal static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string[] formats =
        {
            "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:sszz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzz",
            "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:sszz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzz",
        };
        var trimmed = text!.Trim();
        if (DateTimeOffset.TryParseExact(trimmed, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact))
        {
            return exact;
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var loose) ? loose : null;
    }

    private static string MakeKey(PostbackFields fields)
    {
        var id = fields.Get("TRACKINGID") ?? fields.Get("TRANSACTIONID");
        if (id is null && (fields.Get("MOBILE") ?? fields.Get("EMAIL")) is { } subscriber)
        {
            id = subscriber + ":" + fields.Get("CAMPAIGNID");
        }

        id ??= fields.Get("MMSID");
        var time = fields.Get("TIMESTAMP") ?? fields.Get("RECEIVED");
        if (id is null && time is null)
        {
#if NET8_0_OR_GREATER
            var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(fields.RawXml));
#else
            using var sha = System.Security.Cryptography.SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(fields.RawXml));
#endif
            var hex = new StringBuilder("sha256:", 7 + (hash.Length * 2));
            foreach (var b in hash)
            {
                hex.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }

            return hex.ToString();
        }

        return Escape(fields.Get("ORIGIN")) + "|" + Escape(fields.Get("CODE")) + "|" + Escape(id) + "|" + Escape(time);
    }

    private static string Escape(string? value) =>
        value is null ? string.Empty : value.Replace("%", "%25").Replace("|", "%7C");
}

/// <summary>
/// A delivery receipt for a message sent through the API: <c>ORIGIN</c> <c>SMS_MT</c> (<c>N201</c> sent, <c>N202</c>
/// delivered, <c>E201</c> send impossible, <c>E202</c> delivery failed) or <c>MMS_MT</c> (<c>N101</c>, <c>N102</c>,
/// <c>E101</c>, <c>E102</c>). Matched to the send by <see cref="TrackingId"/>.
/// </summary>
public sealed class DeliveryReceipt : MmsPostback
{
    internal DeliveryReceipt(PostbackFields fields)
        : base(fields)
    {
        Status = fields.Get("STATUS");
        From = fields.Get("FROM");
        FromMask = fields.Get("FROM_MASK");
        To = fields.Get("TO");
        TrackingId = fields.Get("TRACKINGID");
        Spid = fields.Get("SPID");
        AggregatorId = fields.Get("AGGREGATORID");
        StatusDetails = fields.Get("STATUSDETAILS");
        MmsId = fields.Get("MMSID");
        SentAs = fields.Get("SENTAS");
        Handset = fields.Get("HANDSET");
        OperatingSystem = fields.Get("OS");
    }

    /// <summary>True for an MMS receipt (<c>MMS_MT</c>), false for SMS (<c>SMS_MT</c>).</summary>
    public bool IsMms => string.Equals(Origin, "MMS_MT", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the carrier confirmed delivery (<c>N202</c>, <c>N102</c>) and the status does not say otherwise.</summary>
    public bool IsDelivered =>
        Code is { } code && (code.Equals("N202", StringComparison.OrdinalIgnoreCase) || code.Equals("N102", StringComparison.OrdinalIgnoreCase))
        && (Status is null || MmsXml.ContainsIgnoreCase(Status, "Delivered"));

    /// <summary>True when sending or delivery failed: an <c>E</c> code, or a status such as <c>Message Sent/Expired</c> or <c>…/Rejected</c>.</summary>
    public bool IsFailed => IsError || (Status is { } status && (MmsXml.ContainsIgnoreCase(status, "Failed")
        || MmsXml.ContainsIgnoreCase(status, "Expired") || MmsXml.ContainsIgnoreCase(status, "Rejected")));

    /// <summary>The status text (<c>Message Sent</c>, <c>Message Sent/Delivered</c>, <c>Message Failed</c> …).</summary>
    public string? Status { get; }

    /// <summary>The short code or long code the message was sent from.</summary>
    public string? From { get; }

    /// <summary>The alphanumeric sender ID, when one was used.</summary>
    public string? FromMask { get; }

    /// <summary>The recipient.</summary>
    public string? To { get; }

    /// <summary>The tracking id returned by the send (<see cref="MmsSendResult.TrackingId"/>).</summary>
    public string? TrackingId { get; }

    /// <summary>The carrier id.</summary>
    public string? Spid { get; }

    /// <summary>The aggregator's or carrier's transaction id.</summary>
    public string? AggregatorId { get; }

    /// <summary>Extra detail from the aggregator or carrier.</summary>
    public string? StatusDetails { get; }

    /// <summary>MMS only: the MMS content id.</summary>
    public string? MmsId { get; }

    /// <summary>MMS only: how it was delivered, <c>MMS</c> (binary) or <c>SMS</c> (link to an xHTML page).</summary>
    public string? SentAs { get; }

    /// <summary>MMS only (<c>N102</c>): the handset profile.</summary>
    public string? Handset { get; }

    /// <summary>MMS only (<c>N102</c>, binary): the handset's operating system (<c>OS</c>).</summary>
    public string? OperatingSystem { get; }
}

/// <summary>A message a mobile user sent to the account: <c>SMS_MO</c> (<c>N211</c>) or <c>MMS_MO</c> (<c>N401</c>, with content URLs).</summary>
public sealed class InboundMessage : MmsPostback
{
    internal InboundMessage(PostbackFields fields)
        : base(fields)
    {
        From = fields.Get("FROM");
        To = fields.Get("TO");
        Text = fields.GetRaw("TEXT");
        Received = fields.Get("RECEIVED");
        TransactionId = fields.Get("TRANSACTIONID");
        TrackingId = fields.Get("TRACKINGID");
        Keyword = fields.Get("KEYWORD");
        Spid = fields.Get("SPID");
        ContentUrls = fields.ContentFiles;
    }

    /// <summary>True for an MMS (<c>MMS_MO</c>), false for an SMS.</summary>
    public bool IsMms => string.Equals(Origin, "MMS_MO", StringComparison.OrdinalIgnoreCase);

    /// <summary>The sender's number, in international format.</summary>
    public string? From { get; }

    /// <summary>The short code or long code it was sent to.</summary>
    public string? To { get; }

    /// <summary>The text, as sent (not trimmed).</summary>
    public string? Text { get; }

    /// <summary>SMS: when the provider received it (<c>RECEIVED</c>).</summary>
    public string? Received { get; }

    /// <summary>SMS: the transaction id.</summary>
    public string? TransactionId { get; }

    /// <summary>MMS: the provider's tracking id.</summary>
    public string? TrackingId { get; }

    /// <summary>MMS: the campaign keyword recognized, if any.</summary>
    public string? Keyword { get; }

    /// <summary>MMS: the sender's carrier id.</summary>
    public string? Spid { get; }

    /// <summary>MMS: the URLs of the content files (<c>CONTENT/FILE</c>), hosted by the provider for a limited time.</summary>
    public IReadOnlyList<string> ContentUrls { get; }
}

/// <summary>A subscription change: <c>SUB</c> <c>N301</c> subscribed / <c>N302</c> unsubscribed (also <c>EMAIL_SUB</c> <c>N303</c>/<c>N304</c>).</summary>
public sealed class SubscriptionChange : MmsPostback
{
    internal SubscriptionChange(PostbackFields fields, bool isSubscribed)
        : base(fields)
    {
        IsSubscribed = isSubscribed;
        Mobile = fields.Get("MOBILE");
        Email = fields.Get("EMAIL");
        CampaignId = fields.Get("CAMPAIGNID");
        ShortCode = fields.Get("SHORTCODE");
        CampaignTitle = fields.Get("CAMPAIGNTITLE");
        BrandName = fields.Get("BRANDNAME");
        Source = fields.Get("SOURCE");
    }

    /// <summary>True for a subscription, false for an unsubscription.</summary>
    public bool IsSubscribed { get; }

    /// <summary>The subscriber's number (<c>SUB</c>).</summary>
    public string? Mobile { get; }

    /// <summary>The subscriber's email address (<c>EMAIL_SUB</c>).</summary>
    public string? Email { get; }

    /// <summary>The campaign id.</summary>
    public string? CampaignId { get; }

    /// <summary>The short code.</summary>
    public string? ShortCode { get; }

    /// <summary>The campaign's title.</summary>
    public string? CampaignTitle { get; }

    /// <summary>The brand name of the account or campaign.</summary>
    public string? BrandName { get; }

    /// <summary>Where the change came from: <c>MANAGER</c>, <c>API</c>, <c>MO</c>, <c>WEB</c>, <c>IMPORTED AS UNSUBSCRIBED</c>.</summary>
    public string? Source { get; }
}

/// <summary>A well-formed postback of a kind this version does not model (another origin or code). Never dropped: see <see cref="MmsPostback.Fields"/> and <see cref="MmsPostback.RawXml"/>.</summary>
public sealed class UnknownPostback : MmsPostback
{
    internal UnknownPostback(PostbackFields fields, string rootElement)
        : base(fields)
    {
        RootElement = rootElement;
    }

    /// <summary>The document's root element name (<c>POSTBACK</c> for current postbacks).</summary>
    public string RootElement { get; }
}
