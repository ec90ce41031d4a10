using System;
using System.Collections.Generic;
using System.Text.Json;

namespace MessagingClients.MaxMd;

/// <summary>
/// MaxMD's status report for one sent message (<c>DirectMessageStatusReportResponseType</c>): one log record per recipient.
/// </summary>
public sealed record MaxMdMessageStatus
{
    /// <summary>The SMTP message id that was looked up.</summary>
    public required string SmtpId { get; init; }

    /// <summary>The per-recipient status records (<c>messageLogs</c>); empty when MaxMD has none yet.</summary>
    public IReadOnlyList<MaxMdMessageLog> MessageLogs { get; init; } = Array.Empty<MaxMdMessageLog>();

    /// <summary>The answer's <c>code</c>, when it had one.</summary>
    public MaxMdResultCode? Code { get; init; }

    /// <summary>The answer's <c>message</c>, when it had one.</summary>
    public string? Message { get; init; }

    /// <summary>How many HTTP attempts the lookup took.</summary>
    public int Attempts { get; init; }
}

/// <summary>
/// One recipient's status record. The public documentation does not publish the record's fields, so it is read leniently:
/// <see cref="Recipient"/> and <see cref="Status"/> are taken from the usual field names, and every field is kept in
/// <see cref="Fields"/> as MaxMD sent it (timestamps included).
/// </summary>
public sealed record MaxMdMessageLog
{
    /// <summary>The recipient this record is about (from <c>recipient</c>, <c>recipientAddress</c>, <c>email</c>, <c>address</c> or <c>to</c>).</summary>
    public string? Recipient { get; init; }

    /// <summary>The recipient's delivery status (from <c>status</c>, <c>messageStatus</c>, <c>deliveryStatus</c> or <c>state</c>).</summary>
    public string? Status { get; init; }

    /// <summary>Every field of the record, by name, as MaxMD sent it.</summary>
    public IReadOnlyDictionary<string, JsonElement> Fields { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>A field as text (a string as is, a number or boolean as written), or null when absent or null.</summary>
    /// <param name="name">The field name; compared without regard to case.</param>
    /// <returns>The text, or null.</returns>
    public string? GetString(string name)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return field.Value.ValueKind switch
                {
                    JsonValueKind.String => field.Value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => field.Value.GetRawText(),
                };
            }
        }

        return null;
    }
}
