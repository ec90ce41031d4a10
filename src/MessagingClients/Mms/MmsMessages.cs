using System;
using System.Collections.Generic;

namespace MessagingClients.Mms;

/// <summary>An SMS for <see cref="MmsClient.SendSmsAsync"/> (API action <c>sendSMS</c>).</summary>
public sealed class SmsMessage
{
    /// <summary>The recipient's phone number; normalized to international format (see <see cref="PhoneNumber"/>).</summary>
    public string? To { get; set; }

    /// <summary>The short code or long code to send from; <see cref="MmsClientOptions.DefaultFrom"/> when null.</summary>
    public string? From { get; set; }

    /// <summary>The message text (required).</summary>
    public string? Text { get; set; }

    /// <summary>An alphanumeric sender ID (<c>FROM_MASK</c>, up to 11 of a–z, A–Z, 0–9, <c>_</c>, <c>-</c>) where carriers allow one.</summary>
    public string? FromMask { get; set; }

    /// <summary>The operator (carrier) id (<c>OPERATORID</c>), when known.</summary>
    public string? OperatorId { get; set; }

    /// <summary>The campaign reference (<c>CAMPAIGNREF</c>), required by accounts that enforce campaign checks.</summary>
    public string? CampaignRef { get; set; }

    /// <summary>Makes this send happen at most once per idempotency store; generated when null.</summary>
    public string? IdempotencyKey { get; set; }
}

/// <summary>An MMS for <see cref="MmsClient.SendMmsAsync"/> (API action <c>sendMMS</c>): slides of media URLs and text.</summary>
public sealed class MmsMessage
{
    /// <summary>The recipient's phone number; normalized to international format (see <see cref="PhoneNumber"/>).</summary>
    public string? To { get; set; }

    /// <summary>The short code or long code to send from; <see cref="MmsClientOptions.DefaultFrom"/> when null.</summary>
    public string? From { get; set; }

    /// <summary>The MMS subject (<c>SUBJECT</c>).</summary>
    public string? Subject { get; set; }

    /// <summary>The name the content is stored under (<c>NAME</c>).</summary>
    public string? Name { get; set; }

    /// <summary>The slides, in order (at least one).</summary>
    public IList<MmsSlide> Slides { get; set; } = new List<MmsSlide>();

    /// <summary>The text of the SMS sent instead when the handset cannot receive MMS (<c>FALLBACKSMSTEXT</c>).</summary>
    public string? FallbackSmsText { get; set; }

    /// <summary>The operator (carrier) id (<c>OPERATORID</c>), when known.</summary>
    public string? OperatorId { get; set; }

    /// <summary>The campaign reference (<c>CAMPAIGNREF</c>).</summary>
    public string? CampaignRef { get; set; }

    /// <summary>Makes this send happen at most once per idempotency store; generated when null.</summary>
    public string? IdempotencyKey { get; set; }
}

/// <summary>One MMS slide: media (by URL) and text, shown for <see cref="Duration"/>.</summary>
public sealed class MmsSlide
{
    /// <summary>The media on this slide; the MIME type of each decides its element (<c>IMAGE</c>, <c>AUDIO</c>, …).</summary>
    public IList<MmsMedia> Media { get; set; } = new List<MmsMedia>();

    /// <summary>The slide's text.</summary>
    public string? Text { get; set; }

    /// <summary>How long the slide is shown, in whole seconds (<c>DURATION</c>). Audio and video length override it.</summary>
    public int? Duration { get; set; }

    /// <summary>A slide with one medium and optional text.</summary>
    /// <param name="url">The absolute http(s) URL the provider fetches the medium from.</param>
    /// <param name="contentType">The MIME type, for example <c>image/jpeg</c>.</param>
    /// <param name="text">The slide's text.</param>
    /// <returns>The slide.</returns>
    public static MmsSlide WithMedia(Uri url, string contentType, string? text = null) =>
        new() { Media = { new MmsMedia(url, contentType) }, Text = text };

    /// <summary>A slide with text only.</summary>
    /// <param name="text">The slide's text.</param>
    /// <returns>The slide.</returns>
    public static MmsSlide WithText(string text) => new() { Text = text };
}

/// <summary>A medium the provider fetches from a URL. Supported MIME types: <c>image/*</c>, <c>audio/*</c>, <c>video/*</c>,
/// <c>text/vcard</c>, <c>text/calendar</c>, <c>application/pdf</c>, <c>application/vnd.apple.pkpass</c>.</summary>
public sealed class MmsMedia
{
    /// <summary>Creates a medium.</summary>
    /// <param name="url">The absolute http(s) URL; query strings are allowed.</param>
    /// <param name="contentType">The MIME type; serve the file with the same <c>Content-Type</c>.</param>
    public MmsMedia(Uri url, string contentType)
    {
        Url = url;
        ContentType = contentType;
    }

    /// <summary>The absolute http(s) URL the provider fetches the medium from.</summary>
    public Uri Url { get; }

    /// <summary>The MIME type.</summary>
    public string ContentType { get; }

    private static readonly char[] Forbidden = { '/', '*', ' ', '\t' };

    /// <summary>The slide element for a MIME type (<c>IMAGE</c>, <c>AUDIO</c>, <c>VIDEO</c>, <c>VCARD</c>, <c>ICAL</c>,
    /// <c>PDF</c>, <c>PASSBOOK</c>), or null when the type is not supported. Parameters (<c>; charset=…</c>) are ignored.</summary>
    /// <param name="contentType">The MIME type.</param>
    /// <returns>The element name, or null.</returns>
    public static string? SlideElementFor(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';');
        var type = (semicolon >= 0 ? contentType.Substring(0, semicolon) : contentType).Trim().ToLowerInvariant();
        var slash = type.IndexOf('/');
        if (slash <= 0 || slash == type.Length - 1 || type.IndexOfAny(Forbidden, slash + 1) >= 0 || type.IndexOfAny(Forbidden, 0, slash) >= 0)
        {
            return null;
        }

        return type.Substring(0, slash) switch
        {
            "image" => "IMAGE",
            "audio" => "AUDIO",
            "video" => "VIDEO",
            _ => type switch
            {
                "text/vcard" or "text/x-vcard" => "VCARD",
                "text/calendar" => "ICAL",
                "application/pdf" => "PDF",
                "application/vnd.apple.pkpass" => "PASSBOOK",
                _ => null,
            },
        };
    }

    /// <inheritdoc />
    public override string ToString() => ContentType + " " + Url;
}

/// <summary>A subscription change for <see cref="MmsClient.SubscribeAsync"/> and <see cref="MmsClient.UnsubscribeAsync"/>.</summary>
public sealed class MmsSubscription
{
    /// <summary>The campaign id (<c>CAMPAIGNID</c>, required).</summary>
    public string? CampaignId { get; set; }

    /// <summary>The subscriber's phone number (<c>MOBILE</c>), normalized like a recipient.</summary>
    public string? Mobile { get; set; }

    /// <summary>Whether the provider notifies the subscriber (<c>NOTIFY</c> yes/no); provider default when null.</summary>
    public bool? Notify { get; set; }

    /// <summary>Subscribe only: ask the subscriber to confirm (double opt-in, <c>CTA</c> yes/no).</summary>
    public bool? ConfirmOptIn { get; set; }

    /// <summary>Subscribe only: the carrier id (<c>SPID</c>).</summary>
    public string? Spid { get; set; }

    /// <summary>Subscribe only: the subscriber's time zone abbreviation (<c>TIMEZONE</c>: EST, CST, PST …).</summary>
    public string? TimeZone { get; set; }

    /// <summary>Subscribe only: profile fields sent in <c>DATA</c> (<c>FIRST_NAME</c>, <c>LAST_NAME</c> …); names must be XML names.</summary>
    public IDictionary<string, string> Data { get; set; } = new Dictionary<string, string>();
}
