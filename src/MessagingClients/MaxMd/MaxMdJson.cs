using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MessagingClients.MaxMd;

// The wire shapes of the MaxMD Direct REST API v3. Property order is the order on the wire.

/// <summary><c>{"username","password"}</c>: credentials travel in the body. Never logged.</summary>
internal sealed class MaxMdAuthDto
{
    public string? Username { get; set; }

    public string? Password { get; set; }
}

/// <summary>The body of <c>PUT Send</c> and <c>PUT SendWithHeader</c>.</summary>
internal sealed class MaxMdSendRequestDto
{
    public MaxMdAuthDto? Authentication { get; set; }

    public MaxMdMessageDto? Message { get; set; }

    /// <summary>Only on <c>SendWithHeader</c>.</summary>
    public List<MaxMdHeaderDto>? Headers { get; set; }
}

internal sealed class MaxMdMessageDto
{
    public string? Sender { get; set; }

    public List<MaxMdRecipientDto> Recipients { get; set; } = new();

    public string Subject { get; set; } = string.Empty;

    public string Body { get; set; } = string.Empty;

    public bool HtmlBody { get; set; }

    public string? ReplyTo { get; set; }

    public List<MaxMdAttachmentDto>? AttachmentList { get; set; }
}

internal sealed class MaxMdRecipientDto
{
    public string? Email { get; set; }

    /// <summary><c>TO</c>, <c>CC</c> or <c>BCC</c>.</summary>
    public string? Type { get; set; }
}

internal sealed class MaxMdAttachmentDto
{
    /// <summary>Serialized as standard base64.</summary>
    public byte[]? Content { get; set; }

    public string? ContentType { get; set; }

    public string? Filename { get; set; }
}

internal sealed class MaxMdHeaderDto
{
    public string? Name { get; set; }

    public string? Value { get; set; }
}

/// <summary>The body of <c>POST GetMessageStatus/{smtpId}</c>.</summary>
internal sealed class MaxMdStatusRequestDto
{
    public MaxMdAuthDto? Auth { get; set; }
}

/// <summary><c>SendMessageResponseType</c>: <c>{"smtpId","message","code","success"}</c>.</summary>
internal sealed class MaxMdSendResponseDto
{
    public string? SmtpId { get; set; }

    public string? Message { get; set; }

    public int? Code { get; set; }

    public bool? Success { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(MaxMdSendRequestDto))]
[JsonSerializable(typeof(MaxMdStatusRequestDto))]
[JsonSerializable(typeof(MaxMdSendResponseDto))]
internal sealed partial class MaxMdJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context the codec uses: the generated metadata with a relaxed encoder, so HTML bodies and non-ASCII text go on the wire
    /// as themselves rather than as <c>\u003C</c> escapes (the body is JSON for an API, never embedded in a page).
    /// </summary>
    public static MaxMdJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
