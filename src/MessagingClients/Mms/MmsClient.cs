using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using MessagingClients.Idempotency;
using MessagingClients.Internal;
using MessagingClients.Transport;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Mms;

/// <summary>
/// The MMS/SMS XML API v1 client: <see cref="SendSmsAsync"/>, <see cref="SendMmsAsync"/>, <see cref="SubscribeAsync"/>,
/// <see cref="UnsubscribeAsync"/> and <see cref="CallAsync(string, IEnumerable{KeyValuePair{string, string}}, CancellationToken)"/>
/// for every other action, all through the shared resilience pipeline. Numbers are normalized to international format and
/// every argument is checked before anything is sent. Also an <see cref="IMessageSender"/> (<c>"mms"</c>).
/// </summary>
public sealed class MmsClient : IMessageSender, IDisposable
{
    /// <summary>The provider name: <c>"mms"</c>.</summary>
    public const string Name = "mms";

    /// <summary>The configuration section under <c>Messaging</c>: <c>"Mms"</c>.</summary>
    public const string SectionName = "Mms";

    private readonly ClientCore _core;
    private readonly MmsClientOptions _options;
    private readonly string? _country;

    /// <summary>Creates a client without dependency injection. The options are validated first.</summary>
    /// <param name="options">The settings; <see cref="MmsClientOptions.ApiKey"/> is required.</param>
    /// <param name="httpClient">An HTTP client to use (not disposed by this client), or null for a pooled one of its own.</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names each setting.</exception>
    public MmsClient(MmsClientOptions options, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
        : this(ClientCore.Standalone(Name, "Messaging:" + SectionName, options, httpClient, loggerFactory), options)
    {
    }

    internal MmsClient(ClientCore core, MmsClientOptions options)
    {
        _core = core ?? throw new ArgumentNullException(nameof(core));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        PhoneNumber.CountryCode(options.DefaultCountryCode, out _country);
    }

    /// <inheritdoc />
    public string ProviderName => Name;

    /// <summary>The transport, for tests and diagnostics (its rate limiter shows the adaptive rate).</summary>
    internal ProviderTransport Transport => _core.Transport;

    /// <summary>Sends an SMS (<c>sendSMS</c>). <c>E113</c>/<c>E106</c> throttling is retried with backoff and slows the client down.</summary>
    /// <param name="message">The SMS.</param>
    /// <param name="cancellationToken">Cancels the send; a cancelled send is never retried.</param>
    /// <returns>The tracking id and attempts. A repeated <see cref="SmsMessage.IdempotencyKey"/> returns the stored result without sending.</returns>
    /// <exception cref="ArgumentException">The message is invalid (a number that cannot be made international, no text …); nothing was sent.</exception>
    /// <exception cref="MessagingException">The provider refused the SMS or could not be reached within the retry budget.</exception>
    public Task<MmsSendResult> SendSmsAsync(SmsMessage message, CancellationToken cancellationToken = default)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        var call = BuildSms(message.To, message.From, message.Text, message.FromMask, message.OperatorId, message.CampaignRef);
        return SendOnceAsync(call, IdempotentSend.KeyFor(message.IdempotencyKey), cancellationToken);
    }

    /// <summary>Sends an MMS (<c>sendMMS</c>) of slides with media URLs and text.</summary>
    /// <param name="message">The MMS.</param>
    /// <param name="cancellationToken">Cancels the send; a cancelled send is never retried.</param>
    /// <returns>The tracking id, MMS id and attempts. A repeated <see cref="MmsMessage.IdempotencyKey"/> returns the stored result without sending.</returns>
    /// <exception cref="ArgumentException">The message is invalid (no slides, an unsupported MIME type, a URL that is not absolute http(s) …); nothing was sent.</exception>
    /// <exception cref="MessagingException">The provider refused the MMS or could not be reached within the retry budget.</exception>
    public Task<MmsSendResult> SendMmsAsync(MmsMessage message, CancellationToken cancellationToken = default)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        var call = BuildMms(message);
        return SendOnceAsync(call, IdempotentSend.KeyFor(message.IdempotencyKey), cancellationToken);
    }

    /// <summary>Subscribes a number to a campaign (<c>subscribe</c>).</summary>
    /// <param name="subscription">The campaign, number and options.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provider's response.</returns>
    /// <exception cref="ArgumentException">The subscription is invalid; nothing was sent.</exception>
    /// <exception cref="MessagingException">The provider refused the call.</exception>
    public async Task<MmsResponse> SubscribeAsync(MmsSubscription subscription, CancellationToken cancellationToken = default)
    {
        if (subscription is null)
        {
            throw new ArgumentNullException(nameof(subscription));
        }

        var (campaign, mobile) = CheckSubscription(subscription);
        using var body = new MmsRequestBuilder("subscribe", _options.ApiKey!);
        body.Field("CAMPAIGNID", campaign, nameof(MmsSubscription.CampaignId))
            .Field("MOBILE", mobile, nameof(MmsSubscription.Mobile));
        if (subscription.Data is { Count: > 0 } data)
        {
            body.Start("DATA");
            foreach (var field in data)
            {
                var param = "Data[" + field.Key + "]";
                MmsRequestBuilder.CheckName(field.Key, nameof(MmsSubscription.Data));
                body.Field(field.Key, field.Value ?? string.Empty, param);
            }

            body.End();
        }

        body.Field("NOTIFY", YesNo(subscription.Notify), nameof(MmsSubscription.Notify))
            .Field("SPID", subscription.Spid, nameof(MmsSubscription.Spid))
            .Field("CTA", YesNo(subscription.ConfirmOptIn), nameof(MmsSubscription.ConfirmOptIn))
            .Field("TIMEZONE", subscription.TimeZone, nameof(MmsSubscription.TimeZone));
        return await RunAsync(new MmsCall("subscribe", body.ToArray(), _options, isIdempotent: false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unsubscribes a number from a campaign (<c>unsubscribe</c>). Only <c>CampaignId</c>, <c>Mobile</c> and <c>Notify</c> are sent.</summary>
    /// <param name="subscription">The campaign and number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provider's response.</returns>
    /// <exception cref="ArgumentException">The subscription is invalid; nothing was sent.</exception>
    /// <exception cref="MessagingException">The provider refused the call.</exception>
    public async Task<MmsResponse> UnsubscribeAsync(MmsSubscription subscription, CancellationToken cancellationToken = default)
    {
        if (subscription is null)
        {
            throw new ArgumentNullException(nameof(subscription));
        }

        var (campaign, mobile) = CheckSubscription(subscription);
        using var body = new MmsRequestBuilder("unsubscribe", _options.ApiKey!);
        body.Field("CAMPAIGNID", campaign, nameof(MmsSubscription.CampaignId))
            .Field("MOBILE", mobile, nameof(MmsSubscription.Mobile))
            .Field("NOTIFY", YesNo(subscription.Notify), nameof(MmsSubscription.Notify));
        return await RunAsync(new MmsCall("unsubscribe", body.ToArray(), _options, isIdempotent: false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Calls any action with simple fields, written in the order given after <c>ACTION</c> and <c>API_KEY</c>; null values are
    /// left out. Values are sent as given (numbers are not normalized here). Actions whose name starts with <c>get</c> are
    /// treated as read-only, so ambiguous failures (timeouts, 5xx, <c>E503</c>) are retried for them; others are not.
    /// </summary>
    /// <param name="action">The action name, for example <c>getMmsIds</c>.</param>
    /// <param name="fields">The fields (element name → text).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The parsed response.</returns>
    /// <exception cref="ArgumentException">The action or a field name is invalid, or a field is <c>ACTION</c> / <c>API_KEY</c>; nothing was sent.</exception>
    /// <exception cref="MessagingException">The provider answered with an <c>ERRORCODE</c> or could not be reached.</exception>
    public Task<MmsResponse> CallAsync(string action, IEnumerable<KeyValuePair<string, string?>>? fields, CancellationToken cancellationToken = default)
    {
        var elements = new List<XElement>();
        foreach (var field in fields ?? Array.Empty<KeyValuePair<string, string?>>())
        {
            MmsRequestBuilder.CheckName(field.Key, nameof(fields));
            if (field.Value is not null)
            {
                MmsRequestBuilder.CheckText(field.Value, nameof(fields));
                elements.Add(new XElement(field.Key, field.Value));
            }
        }

        return CallAsync(action, elements, cancellationToken);
    }

    /// <summary>Calls any action with arbitrary content elements (for nested data), written after <c>ACTION</c> and <c>API_KEY</c>.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="content">The elements to send.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The parsed response.</returns>
    /// <exception cref="ArgumentException">The action is invalid, or an element is <c>ACTION</c> / <c>API_KEY</c>; nothing was sent.</exception>
    /// <exception cref="MessagingException">The provider answered with an <c>ERRORCODE</c> or could not be reached.</exception>
    public Task<MmsResponse> CallAsync(string action, IEnumerable<XElement> content, CancellationToken cancellationToken = default)
    {
        MmsRequestBuilder.CheckName(action, nameof(action));
        using var body = new MmsRequestBuilder(action, _options.ApiKey!);
        foreach (var element in content ?? Array.Empty<XElement>())
        {
            if (element is null)
            {
                throw new ArgumentException("content contains a null element.", nameof(content));
            }

            var name = element.Name.LocalName;
            if (string.Equals(name, "ACTION", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "API_KEY", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("content must not contain " + name + "; the client writes it.", nameof(content));
            }

            try
            {
                MmsRequestBuilder.CheckText(element.ToString(SaveOptions.DisableFormatting), nameof(content));
                body.Element(element);
            }
            catch (ArgumentException ex) when (ex.ParamName != nameof(content))
            {
                throw new ArgumentException("content has an element (" + name + ") that cannot be written as XML: " + ex.Message, nameof(content), ex);
            }
        }

        var readOnly = action.StartsWith("get", StringComparison.OrdinalIgnoreCase);
        return RunAsync(new MmsCall(action, body.ToArray(), _options, readOnly), cancellationToken);
    }

    /// <summary>
    /// Sends one message: with URL attachments as an MMS (one slide per attachment, <see cref="OutgoingMessage.Text"/> on
    /// the first, <see cref="OutgoingMessage.Subject"/> as the subject), otherwise as an SMS of <see cref="OutgoingMessage.Text"/>.
    /// Exactly one recipient. <see cref="SendReceipt.ProviderMessageId"/> is the <c>TRACKINGID</c>.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="ArgumentException">The message is invalid; nothing was sent.</exception>
    /// <exception cref="MessagingException">The provider refused the message or could not be reached.</exception>
    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        if (message.To is null || message.To.Count == 0)
        {
            throw Invalid(nameof(OutgoingMessage.To), "To is required: one phone number.");
        }

        if (message.To.Count > 1)
        {
            throw Invalid(nameof(OutgoingMessage.To), "To has " + message.To.Count.ToString(CultureInfo.InvariantCulture)
                + " recipients; an SMS or MMS goes to one number per call (send one message per recipient).");
        }

        var text = message.Text;
        if (text is null && message.Html is not null)
        {
            throw Invalid(nameof(OutgoingMessage.Html), "Html is not supported by SMS/MMS; put the plain text in Text.");
        }

        var attachments = message.Attachments ?? Array.Empty<MessageAttachment>();
        MmsCall call;
        if (attachments.Count == 0)
        {
            call = BuildSms(message.To[0], message.From, text, null, null, null);
        }
        else
        {
            var mms = new MmsMessage { To = message.To[0], From = message.From, Subject = message.Subject };
            for (var i = 0; i < attachments.Count; i++)
            {
                var attachment = attachments[i];
                var param = "Attachments[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                if (attachment is null)
                {
                    throw new ArgumentException(param + " is null.", param);
                }

                if (attachment.Url is null)
                {
                    throw new ArgumentException(param + " (" + attachment.FileName + ") has no URL; MMS media are fetched by the provider from an absolute http(s) URL, not sent as bytes.", param + ".Url");
                }

                mms.Slides.Add(new MmsSlide { Media = { new MmsMedia(attachment.Url, attachment.ContentType) }, Text = i == 0 ? text : null });
            }

            call = BuildMms(mms, slide => "Attachments[" + slide.ToString(CultureInfo.InvariantCulture) + "]");
        }

        var result = await SendOnceAsync(call, IdempotentSend.KeyFor(message.IdempotencyKey), cancellationToken).ConfigureAwait(false);
        return ReceiptOf(result);
    }

    /// <summary>Disposes the client's own HTTP client and limiter (not an HTTP client passed in, nor DI-owned ones).</summary>
    public void Dispose() => _core.Dispose();

    private MmsCall BuildSms(string? to, string? from, string? text, string? fromMask, string? operatorId, string? campaignRef)
    {
        var toNumber = MmsAddresses.To(to, _country, nameof(SmsMessage.To));
        var fromNumber = MmsAddresses.From(from, _options.DefaultFrom, _country, nameof(SmsMessage.From));
        var mask = MmsAddresses.FromMask(fromMask, nameof(SmsMessage.FromMask));
        if (string.IsNullOrEmpty(text))
        {
            throw Invalid(nameof(SmsMessage.Text), "Text is required for an SMS.");
        }

        using var body = new MmsRequestBuilder("sendSMS", _options.ApiKey!);
        body.Field("TO", toNumber, nameof(SmsMessage.To))
            .Field("FROM", fromNumber, nameof(SmsMessage.From))
            .Field("FROM_MASK", mask, nameof(SmsMessage.FromMask))
            .Field("OPERATORID", operatorId, nameof(SmsMessage.OperatorId))
            .Field("CAMPAIGNREF", campaignRef, nameof(SmsMessage.CampaignRef))
            .Field("TEXT", text, nameof(SmsMessage.Text));
        return new MmsCall("sendSMS", body.ToArray(), _options, isIdempotent: false);
    }

    private MmsCall BuildMms(MmsMessage message, Func<int, string>? slideName = null)
    {
        slideName ??= i => "Slides[" + i.ToString(CultureInfo.InvariantCulture) + "]";
        var toNumber = MmsAddresses.To(message.To, _country, nameof(MmsMessage.To));
        var fromNumber = MmsAddresses.From(message.From, _options.DefaultFrom, _country, nameof(MmsMessage.From));
        var slides = message.Slides ?? Array.Empty<MmsSlide>();
        if (slides.Count == 0)
        {
            throw Invalid(nameof(MmsMessage.Slides), "Slides must hold at least one slide.");
        }

        using var body = new MmsRequestBuilder("sendMMS", _options.ApiKey!);
        body.Field("TO", toNumber, nameof(MmsMessage.To))
            .Field("FROM", fromNumber, nameof(MmsMessage.From))
            .Field("OPERATORID", message.OperatorId, nameof(MmsMessage.OperatorId))
            .Field("CAMPAIGNREF", message.CampaignRef, nameof(MmsMessage.CampaignRef))
            .Field("SUBJECT", message.Subject, nameof(MmsMessage.Subject))
            .Field("NAME", message.Name, nameof(MmsMessage.Name));
        for (var i = 0; i < slides.Count; i++)
        {
            var slide = slides[i];
            var name = slideName(i);
            if (slide is null)
            {
                throw new ArgumentException(name + " is null.", name);
            }

            var media = slide.Media ?? Array.Empty<MmsMedia>();
            if (media.Count == 0 && string.IsNullOrEmpty(slide.Text))
            {
                throw new ArgumentException(name + " is empty: a slide needs media or text.", name);
            }

            if (slide.Duration is { } seconds && seconds <= 0)
            {
                throw new ArgumentException(name + ".Duration must be a positive number of seconds.", name + ".Duration");
            }

            body.Start("SLIDE");
            for (var m = 0; m < media.Count; m++)
            {
                var medium = media[m];
                var mediumName = name.StartsWith("Attachments", StringComparison.Ordinal)
                    ? name
                    : name + ".Media[" + m.ToString(CultureInfo.InvariantCulture) + "]";
                if (medium is null)
                {
                    throw new ArgumentException(mediumName + " is null.", mediumName);
                }

                var element = MmsMedia.SlideElementFor(medium.ContentType)
                    ?? throw new ArgumentException(mediumName + ".ContentType '" + medium.ContentType + "' is not supported for MMS; use image/*, audio/*, video/*, text/vcard, text/calendar, application/pdf or application/vnd.apple.pkpass.", mediumName + ".ContentType");
                var url = medium.Url;
                if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    throw new ArgumentException(mediumName + ".Url must be an absolute http(s) URL the provider can fetch.", mediumName + ".Url");
                }

                body.Start(element).Field("URL", url.AbsoluteUri, mediumName + ".Url").End();
            }

            body.Field("TEXT", string.IsNullOrEmpty(slide.Text) ? null : slide.Text, name + ".Text")
                .Field("DURATION", slide.Duration?.ToString(CultureInfo.InvariantCulture), name + ".Duration")
                .End();
        }

        body.Field("FALLBACKSMSTEXT", message.FallbackSmsText, nameof(MmsMessage.FallbackSmsText));
        return new MmsCall("sendMMS", body.ToArray(), _options, isIdempotent: false);
    }

    private (string Campaign, string Mobile) CheckSubscription(MmsSubscription subscription)
    {
        if (string.IsNullOrWhiteSpace(subscription.CampaignId))
        {
            throw Invalid(nameof(MmsSubscription.CampaignId), "CampaignId is required.");
        }

        var mobile = MmsAddresses.To(subscription.Mobile, _country, nameof(MmsSubscription.Mobile));
        return (subscription.CampaignId!.Trim(), mobile);
    }

    /// <summary>An <see cref="ArgumentException"/> whose ParamName is the message field at fault (not a method parameter).</summary>
    private static ArgumentException Invalid(string field, string message) => new(message, field);

    private static string? YesNo(bool? value) => value is null ? null : value.Value ? "yes" : "no";

    private async Task<MmsResponse> RunAsync(MmsCall call, CancellationToken cancellationToken)
    {
        var result = await _core.SendAsync(call, null, cancellationToken).ConfigureAwait(false);
        if (_core.Logger.IsEnabled(LogLevel.Debug))
        {
            MmsLog.CallSucceeded(_core.Logger, call.Operation, result.Attempts);
        }

        return result.Value;
    }

    private async Task<MmsSendResult> SendOnceAsync(MmsCall call, string key, CancellationToken cancellationToken)
    {
        MmsSendResult? fresh = null;
        var receipt = await _core.SendOnceAsync(key, async ct =>
        {
            var result = await _core.SendAsync(call, key, ct).ConfigureAwait(false);
            var response = result.Value;
            fresh = new MmsSendResult
            {
                TrackingId = response.Value("TRACKINGID"),
                MmsId = response.Value("MMSID"),
                To = response.Value("TO"),
                StatusDetails = response.Value("STATUSDETAILS"),
                IdempotencyKey = key,
                Attempts = result.Attempts,
                Elapsed = result.Elapsed,
            };
            if (fresh.TrackingId is null && _core.Logger.IsEnabled(LogLevel.Warning))
            {
                MmsLog.NoTrackingId(_core.Logger, call.Operation);
            }
            else if (_core.Logger.IsEnabled(LogLevel.Debug))
            {
                MmsLog.Accepted(_core.Logger, call.Operation, fresh.TrackingId, result.Attempts);
            }

            return ReceiptOf(fresh);
        }, cancellationToken).ConfigureAwait(false);

        return fresh ?? new MmsSendResult
        {
            TrackingId = receipt.ProviderMessageId,
            IdempotencyKey = receipt.IdempotencyKey,
            Attempts = receipt.Attempts,
            Elapsed = receipt.Elapsed,
            IsReplay = true,
        };
    }

    private static SendReceipt ReceiptOf(MmsSendResult result) => new()
    {
        ProviderName = Name,
        ProviderMessageId = result.TrackingId,
        IdempotencyKey = result.IdempotencyKey,
        Attempts = result.Attempts,
        Elapsed = result.Elapsed,
        IsReplay = result.IsReplay,
    };
}
