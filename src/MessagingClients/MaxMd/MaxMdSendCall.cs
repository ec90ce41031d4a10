using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Transport;
using Microsoft.Extensions.Logging;

namespace MessagingClients.MaxMd;

/// <summary>
/// <c>PUT {Endpoint}Send</c> or <c>PUT {Endpoint}SendWithHeader</c>. The body (credentials included) is serialized once, in
/// <see cref="Create"/>, after validation; every attempt sends those bytes. The body is never logged or quoted.
/// </summary>
internal sealed class MaxMdSendCall : MaxMdCall<MaxMdSendResult>
{
    public const string SendOperation = "Send";
    public const string SendWithHeaderOperation = "SendWithHeader";

    /// <summary>How many addresses an address-error message lists before it says "and N more".</summary>
    private const int AddressesListed = 20;

    private readonly string _addresses;

    private MaxMdSendCall(string operation, Uri uri, byte[] body, string addresses, int recipientCount, MaxMdClientOptions options, ILogger logger)
        : base(HttpMethod.Put, uri, body, options, logger)
    {
        Operation = operation;
        _addresses = addresses;
        RecipientCount = recipientCount;
    }

    public override string Operation { get; }

    public int RecipientCount { get; }

    /// <summary>The request body's size in bytes.</summary>
    public int BodyLength => Body.Length;

    /// <summary>Validates the message (an <see cref="ArgumentException"/> naming the field; nothing is sent) and encodes it.</summary>
    /// <param name="options">The client's options (endpoint, credentials, size cap).</param>
    /// <param name="message">The message.</param>
    /// <param name="headers">Custom headers for <c>SendWithHeader</c>, or null for <c>Send</c>.</param>
    /// <param name="names">The field names to report, so that <see cref="IMessageSender"/> callers see their own (<c>From</c>).</param>
    /// <param name="logger">Where the codec reports unreadable answers.</param>
    public static MaxMdSendCall Create(MaxMdClientOptions options, DirectMessage message, IReadOnlyList<DirectMessageHeader>? headers, FieldNames names, ILogger logger)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        var sender = message.Sender ?? options.Username;
        if (!DirectAddress.IsValid(sender))
        {
            throw new ArgumentException(
                message.Sender is null
                    ? $"{names.Sender} is not set and Messaging:MaxMd:Username {DirectAddress.Quote(sender)} is not a valid Direct address."
                    : $"{names.Sender} {DirectAddress.Quote(sender)} is not a valid Direct address (like someone@domain.direct.example).",
                names.Sender);
        }

        var recipients = new List<MaxMdRecipientDto>();
        var listed = new StringBuilder("sender ").Append(sender);
        AddRecipients(message.To, "TO", names.To, recipients, listed);
        AddRecipients(message.Cc, "CC", "Cc", recipients, listed);
        AddRecipients(message.Bcc, "BCC", "Bcc", recipients, listed);
        if (recipients.Count == 0)
        {
            throw new ArgumentException($"At least one recipient is required in {names.RecipientFields}.", names.To);
        }

        if (recipients.Count > AddressesListed)
        {
            listed.Append(", and ").Append((recipients.Count - AddressesListed).ToString(CultureInfo.InvariantCulture)).Append(" more");
        }

        if (message.ReplyTo is not null && !DirectAddress.IsValid(message.ReplyTo))
        {
            throw Invalid($"ReplyTo {DirectAddress.Quote(message.ReplyTo)} is not a valid address.", nameof(DirectMessage.ReplyTo));
        }

        var attachments = EncodeAttachments(message.Attachments, names.Attachments, options.MaxRequestBytes);
        List<MaxMdHeaderDto>? headerList = null;
        if (headers is not null)
        {
            headerList = new List<MaxMdHeaderDto>(headers.Count);
            for (var i = 0; i < headers.Count; i++)
            {
                var header = headers[i] ?? throw new ArgumentException($"headers[{i}] is null.", nameof(headers));
                if (!DirectMessageHeader.IsValidName(header.Name))
                {
                    throw new ArgumentException($"headers[{i}].Name '{header.Name}' is not a valid header name (printable ASCII without ':' or spaces).", nameof(headers));
                }

                if (!DirectMessageHeader.IsValidValue(header.Value))
                {
                    throw new ArgumentException($"headers[{i}].Value of '{header.Name}' must be one line of text (no line breaks).", nameof(headers));
                }

                headerList.Add(new MaxMdHeaderDto { Name = header.Name, Value = header.Value });
            }
        }

        var request = new MaxMdSendRequestDto
        {
            Authentication = new MaxMdAuthDto { Username = options.Username, Password = options.Password },
            Message = new MaxMdMessageDto
            {
                Sender = sender,
                Recipients = recipients,
                Subject = message.Subject ?? string.Empty,
                Body = message.Body ?? string.Empty,
                HtmlBody = message.IsHtml,
                ReplyTo = message.ReplyTo,
                AttachmentList = attachments,
            },
            Headers = headerList,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(request, MaxMdJsonContext.Wire.MaxMdSendRequestDto);
        if (body.LongLength > options.MaxRequestBytes)
        {
            throw new ArgumentException(
                $"The request would be {body.LongLength.ToString(CultureInfo.InvariantCulture)} bytes, above Messaging:MaxMd:MaxRequestBytes ({options.MaxRequestBytes.ToString(CultureInfo.InvariantCulture)}). Send fewer or smaller {names.Attachments} or a shorter body.",
                attachments is null ? names.Body : names.Attachments);
        }

        var operation = headers is null ? SendOperation : SendWithHeaderOperation;
        return new MaxMdSendCall(operation, new Uri(options.BaseUri(), operation), body, listed.ToString(), recipients.Count, options, logger);
    }

    public override async ValueTask<ProviderOutcome> DecodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var (answer, readFailure) = await MaxMdCodec.TryReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (readFailure is not null)
        {
            return ProviderOutcome.Failed(readFailure);
        }

        using var document = MaxMdCodec.TryParse(answer);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return ProviderOutcome.Failed(MaxMdCodec.Unreadable(Logger, Operation, answer, IsIdempotent, Password));
        }

        var root = document.RootElement;
        if (!answer.IsSuccessStatus)
        {
            var (errorCode, errorMessage) = MaxMdCodec.ReadCodeAndMessage(root);
            var description = $"MaxMD answered HTTP {answer.Status.ToString(CultureInfo.InvariantCulture)}: {MaxMdCodec.Clean(errorMessage, Password)}";
            return ProviderOutcome.Failed(MaxMdCodec.ForStatus(answer.Status, IsIdempotent, description, errorCode?.ToString(CultureInfo.InvariantCulture)));
        }

        MaxMdSendResponseDto? dto;
        try
        {
            dto = root.Deserialize(MaxMdJsonContext.Wire.MaxMdSendResponseDto);
        }
        catch (JsonException)
        {
            dto = null;
        }

        if (dto is null || (dto.Code is null && dto.Success is not true))
        {
            return ProviderOutcome.Failed(new ProviderFailure
            {
                Kind = MessagingErrorKind.ProviderError,
                Description = "MaxMD answered HTTP " + answer.Status.ToString(CultureInfo.InvariantCulture) + " with JSON that has no usable code or success flag",
                HttpStatus = answer.Status,
                Advice = "The send may have been accepted; check the Sent folder or the message status before sending again.",
            });
        }

        var code = dto.Code ?? 0;
        if (code != 0)
        {
            var failure = MaxMdCodec.ForCode(code, answer.Status, MaxMdCodec.Clean(dto.Message, Password), Username, _addresses);
            MaxMdLog.CodeRefused(Logger, Operation, answer.Status, code, failure.Kind);
            return ProviderOutcome.Failed(failure);
        }

        return ProviderOutcome.Success(new MaxMdSendResult
        {
            SmtpId = dto.SmtpId,
            Message = dto.Message,
            Code = MaxMdResultCode.Success,
            Success = dto.Success ?? true,
        });
    }

    public override ProviderFailure ClassifyException(HttpRequestException exception) => MaxMdCodec.ForException(exception);

    /// <summary>An <see cref="ArgumentException"/> whose <c>ParamName</c> is the message's field, not a method parameter.</summary>
    internal static ArgumentException Invalid(string message, string field) => new(message, field);

    private static void AddRecipients(IList<string>? addresses, string type, string field, List<MaxMdRecipientDto> recipients, StringBuilder listed)
    {
        if (addresses is null)
        {
            return;
        }

        for (var i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i];
            if (!DirectAddress.IsValid(address))
            {
                throw new ArgumentException($"{field}[{i.ToString(CultureInfo.InvariantCulture)}] {DirectAddress.Quote(address)} is not a valid Direct address (like someone@domain.direct.example).", field);
            }

            recipients.Add(new MaxMdRecipientDto { Email = address, Type = type });
            if (recipients.Count <= AddressesListed)
            {
                listed.Append(recipients.Count == 1 ? "; recipients " : ", ").Append(address).Append(" (").Append(type).Append(')');
            }
        }
    }

    private static List<MaxMdAttachmentDto>? EncodeAttachments(IList<MessageAttachment>? attachments, string field, long maxRequestBytes)
    {
        if (attachments is null || attachments.Count == 0)
        {
            return null;
        }

        // Refuse an oversized message before copying or encoding anything: base64 makes every 3 bytes 4.
        long encoded = 0;
        for (var i = 0; i < attachments.Count; i++)
        {
            encoded += ((attachments[i]?.Content?.Length ?? 0) + 2L) / 3 * 4;
        }

        if (encoded > maxRequestBytes)
        {
            throw new ArgumentException(
                $"The attachments alone would be {encoded.ToString(CultureInfo.InvariantCulture)} bytes in base64, above Messaging:MaxMd:MaxRequestBytes ({maxRequestBytes.ToString(CultureInfo.InvariantCulture)}).",
                field);
        }

        var list = new List<MaxMdAttachmentDto>(attachments.Count);
        for (var i = 0; i < attachments.Count; i++)
        {
            var at = field + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var attachment = attachments[i] ?? throw new ArgumentException(at + " is null.", field);
            if (string.IsNullOrWhiteSpace(attachment.FileName))
            {
                throw new ArgumentException(at + ".FileName is required.", field);
            }

            if (string.IsNullOrWhiteSpace(attachment.ContentType))
            {
                throw new ArgumentException($"{at}.ContentType is required ('{attachment.FileName}').", field);
            }

            if (attachment.Content is not { } content)
            {
                throw new ArgumentException($"{at} ('{attachment.FileName}') has no content: MaxMD carries attachments inline, not as URLs.", field);
            }

            list.Add(new MaxMdAttachmentDto { Content = content.ToArray(), ContentType = attachment.ContentType, Filename = attachment.FileName });
        }

        return list;
    }

    /// <summary>The names validation reports: a <see cref="DirectMessage"/>'s own, or an <see cref="OutgoingMessage"/>'s.</summary>
    internal sealed record FieldNames(string Sender, string To, string Body, string Attachments, string RecipientFields)
    {
        public static FieldNames Direct { get; } = new("Sender", "To", "Body", "Attachments", "To, Cc or Bcc");

        public static FieldNames Outgoing { get; } = new("From", "To", "Text", "Attachments", "To");
    }
}
