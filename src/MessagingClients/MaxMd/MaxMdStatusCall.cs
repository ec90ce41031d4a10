using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Transport;
using Microsoft.Extensions.Logging;

namespace MessagingClients.MaxMd;

/// <summary>
/// <c>POST {Endpoint}GetMessageStatus/{smtpId}</c> with <c>{"auth":{"username","password"}}</c>: the per-recipient status
/// records of a sent message. Read-only, so ambiguous failures (a timeout) may be retried too.
/// </summary>
internal sealed class MaxMdStatusCall : MaxMdCall<MaxMdMessageStatus>
{
    public const string StatusOperation = "GetMessageStatus";

    private static readonly string[] RecipientNames = { "recipient", "recipientAddress", "recipientEmail", "email", "address", "to" };
    private static readonly string[] StatusNames = { "status", "messageStatus", "deliveryStatus", "state" };

    private readonly string _smtpId;

    public MaxMdStatusCall(MaxMdClientOptions options, string smtpId, ILogger logger)
        : base(
            HttpMethod.Post,
            new Uri(options.BaseUri(), StatusOperation + "/" + Uri.EscapeDataString(Checked(smtpId))),
            JsonSerializer.SerializeToUtf8Bytes(
                new MaxMdStatusRequestDto { Auth = new MaxMdAuthDto { Username = options.Username, Password = options.Password } },
                MaxMdJsonContext.Wire.MaxMdStatusRequestDto),
            options,
            logger)
    {
        _smtpId = smtpId;
    }

    public override string Operation => StatusOperation;

    public override bool IsIdempotent => true;

    private static char[] ControlCharacters { get; } = { '\r', '\n', '\0', '\t' };

    // Runs before anything is built: a bad id is the caller's ArgumentException, never a request.
    private static string Checked(string smtpId)
    {
        if (smtpId is null)
        {
            throw new ArgumentNullException(nameof(smtpId));
        }

        if (string.IsNullOrWhiteSpace(smtpId) || smtpId.Length > 1000 || smtpId.IndexOfAny(ControlCharacters) >= 0)
        {
            throw new ArgumentException("smtpId must be the SMTP id a send returned, like <123.456.JavaMail.root@host.max.md>.", nameof(smtpId));
        }

        return smtpId;
    }

    public override async ValueTask<ProviderOutcome> DecodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var (answer, readFailure) = await MaxMdCodec.TryReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (readFailure is not null)
        {
            return ProviderOutcome.Failed(readFailure);
        }

        using var document = MaxMdCodec.TryParse(answer);
        if (document is null || document.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return ProviderOutcome.Failed(MaxMdCodec.Unreadable(Logger, Operation, answer, IsIdempotent, Password));
        }

        var root = document.RootElement;
        var (code, message) = MaxMdCodec.ReadCodeAndMessage(root);
        if (!answer.IsSuccessStatus)
        {
            var description = $"MaxMD answered HTTP {answer.Status.ToString(CultureInfo.InvariantCulture)}: {MaxMdCodec.Clean(message, Password)}";
            return ProviderOutcome.Failed(MaxMdCodec.ForStatus(answer.Status, IsIdempotent, description, code?.ToString(CultureInfo.InvariantCulture)));
        }

        if (code is { } refused && refused != 0)
        {
            var failure = MaxMdCodec.ForCode(refused, answer.Status, MaxMdCodec.Clean(message, Password), Username, addresses: null);
            MaxMdLog.CodeRefused(Logger, Operation, answer.Status, refused, failure.Kind);
            return ProviderOutcome.Failed(failure);
        }

        JsonElement? logs = root.ValueKind == JsonValueKind.Array ? root : null;
        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject())
            {
                if (string.Equals(property.Name, "messageLogs", StringComparison.OrdinalIgnoreCase))
                {
                    logs = property.Value;
                }
            }
        }

        if (logs is null && code is null)
        {
            return ProviderOutcome.Failed(new ProviderFailure
            {
                Kind = MessagingErrorKind.ProviderError,
                Description = "MaxMD answered HTTP " + answer.Status.ToString(CultureInfo.InvariantCulture) + " with JSON that has neither messageLogs nor a code",
                HttpStatus = answer.Status,
                Advice = "Check Messaging:MaxMd:Endpoint; the answer did not look like a status report.",
            });
        }

        var records = new List<MaxMdMessageLog>();
        if (logs is { ValueKind: JsonValueKind.Array } array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object)
                {
                    records.Add(ReadLog(item));
                }
            }
        }
        else if (logs is { ValueKind: JsonValueKind.Object } single)
        {
            // Some JSON encoders write a one-element list as the element itself.
            records.Add(ReadLog(single));
        }

        return ProviderOutcome.Success(new MaxMdMessageStatus
        {
            SmtpId = _smtpId,
            MessageLogs = records,
            Code = code is { } c ? (MaxMdResultCode)c : null,
            Message = message,
        });
    }

    public override ProviderFailure ClassifyException(HttpRequestException exception) => MaxMdCodec.ForException(exception);

    private static MaxMdMessageLog ReadLog(JsonElement item)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in item.EnumerateObject())
        {
            fields[property.Name] = property.Value.Clone();
        }

        return new MaxMdMessageLog
        {
            Recipient = FirstText(fields, RecipientNames),
            Status = FirstText(fields, StatusNames),
            Fields = fields,
        };
    }

    private static string? FirstText(Dictionary<string, JsonElement> fields, string[] names)
    {
        foreach (var name in names)
        {
            if (fields.TryGetValue(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            }
        }

        return null;
    }
}
