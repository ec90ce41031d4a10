using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;

namespace MessagingClients.Dispatch;

// The JSON-lines file format of JsonLinesDeadLetterStore: one DeadLetterLine per line.
//   {"op":"add","letter":{...}}                       a record (replaces an earlier one with the same provider and key)
//   {"op":"remove","provider":"maxmd","key":"..."}    a tombstone: the record was replayed successfully

/// <summary>One line of the file.</summary>
internal sealed class DeadLetterLine
{
    public const string AddOp = "add";
    public const string RemoveOp = "remove";

    public string? Op { get; set; }

    public DeadLetterDto? Letter { get; set; }

    public string? Provider { get; set; }

    public string? Key { get; set; }
}

internal sealed class DeadLetterDto
{
    public string? ProviderName { get; set; }

    public string? IdempotencyKey { get; set; }

    public string? ParentKey { get; set; }

    public DeadLetterReason Reason { get; set; }

    public MessagingErrorKind? ErrorKind { get; set; }

    public string? ProviderCode { get; set; }

    public int? HttpStatus { get; set; }

    public bool IsTransient { get; set; }

    public string? Error { get; set; }

    public string? ErrorType { get; set; }

    public string? ParamName { get; set; }

    public int Attempts { get; set; }

    public int ReplayCount { get; set; }

    public DateTimeOffset EnqueuedAt { get; set; }

    public DateTimeOffset DeadLetteredAt { get; set; }

    public StoredMessageDto? Message { get; set; }

    public static DeadLetterDto From(DeadLetter letter) => new()
    {
        ProviderName = letter.ProviderName,
        IdempotencyKey = letter.IdempotencyKey,
        ParentKey = letter.ParentKey,
        Reason = letter.Reason,
        ErrorKind = letter.ErrorKind,
        ProviderCode = letter.ProviderCode,
        HttpStatus = letter.HttpStatus,
        IsTransient = letter.IsTransient,
        Error = letter.Error,
        ErrorType = letter.ErrorType,
        ParamName = letter.ParamName,
        Attempts = letter.Attempts,
        ReplayCount = letter.ReplayCount,
        EnqueuedAt = letter.EnqueuedAt,
        DeadLetteredAt = letter.DeadLetteredAt,
        Message = StoredMessageDto.Of(letter.Message),
    };

    public DeadLetter ToDeadLetter() => new()
    {
        ProviderName = ProviderName ?? string.Empty,
        IdempotencyKey = IdempotencyKey ?? string.Empty,
        ParentKey = ParentKey,
        Reason = Reason,
        ErrorKind = ErrorKind,
        ProviderCode = ProviderCode,
        HttpStatus = HttpStatus,
        IsTransient = IsTransient,
        Error = Error,
        ErrorType = ErrorType,
        ParamName = ParamName,
        Attempts = Attempts,
        ReplayCount = ReplayCount,
        EnqueuedAt = EnqueuedAt,
        DeadLetteredAt = DeadLetteredAt,
        Message = (Message ?? new StoredMessageDto()).ToMessage(),
    };
}

internal sealed class StoredMessageDto
{
    public List<string>? To { get; set; }

    public string? From { get; set; }

    public string? Subject { get; set; }

    public string? Text { get; set; }

    public string? Html { get; set; }

    public List<StoredAttachmentDto>? Attachments { get; set; }

    public string? IdempotencyKey { get; set; }

    public Dictionary<string, string>? Metadata { get; set; }

    public static StoredMessageDto Of(OutgoingMessage message) => new()
    {
        To = message.To?.ToList(),
        From = message.From,
        Subject = message.Subject,
        Text = message.Text,
        Html = message.Html,
        Attachments = message.Attachments is { Count: > 0 } attachments
            ? attachments.Select(a => new StoredAttachmentDto
            {
                FileName = a.FileName,
                ContentType = a.ContentType,
                Content = a.Content?.ToArray(),
                Url = a.Url?.OriginalString,
            }).ToList()
            : null,
        IdempotencyKey = message.IdempotencyKey,
        Metadata = message.Metadata is { Count: > 0 } metadata ? new Dictionary<string, string>(metadata, StringComparer.Ordinal) : null,
    };

    public OutgoingMessage ToMessage() => new()
    {
        To = To ?? new List<string>(),
        From = From,
        Subject = Subject,
        Text = Text,
        Html = Html,
        Attachments = Attachments?.Select(a => new MessageAttachment(
            a.FileName ?? string.Empty,
            a.ContentType ?? string.Empty,
            a.Content is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(a.Content),
            a.Url is null ? null : new Uri(a.Url, UriKind.RelativeOrAbsolute))).ToList() ?? new List<MessageAttachment>(),
        IdempotencyKey = IdempotencyKey,
        Metadata = Metadata ?? new Dictionary<string, string>(),
    };
}

internal sealed class StoredAttachmentDto
{
    public string? FileName { get; set; }

    public string? ContentType { get; set; }

    /// <summary>Serialized as base64.</summary>
    public byte[]? Content { get; set; }

    public string? Url { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = false)]
[JsonSerializable(typeof(DeadLetterLine))]
internal sealed partial class DeadLetterJsonContext : JsonSerializerContext
{
}
