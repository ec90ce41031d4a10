using System;
using Microsoft.Extensions.Logging;

namespace MessagingClients.AspNetCore;

/// <summary>
/// The receiver's log messages (EventIds 4500–4549; the file store uses 4550–4559). Never a body, a message text, a phone
/// number or a de-duplication key (it may hold a phone number): ids, origins, codes and sender addresses only.
/// </summary>
internal static partial class PostbackLog
{
    [LoggerMessage(EventId = 4501, Level = LogLevel.Warning, Message = "MMS postback refused with 403: source {RemoteIp} is not in AllowedSources")]
    public static partial void Forbidden(ILogger logger, string remoteIp);

    [LoggerMessage(EventId = 4502, Level = LogLevel.Warning, Message = "MMS postback refused with 415: content type {ContentType} from {RemoteIp} is not XML")]
    public static partial void UnsupportedMediaType(ILogger logger, string contentType, string remoteIp);

    [LoggerMessage(EventId = 4503, Level = LogLevel.Warning, Message = "MMS postback refused with 413: body from {RemoteIp} is larger than {MaxBodyBytes} bytes")]
    public static partial void TooLarge(ILogger logger, int maxBodyBytes, string remoteIp);

    [LoggerMessage(EventId = 4504, Level = LogLevel.Error, Message = "MMS postback {Id} from {RemoteIp} cannot be parsed ({Error}): stored as unparseable and acknowledged, not processed")]
    public static partial void Unparseable(ILogger logger, string id, string remoteIp, string error);

    [LoggerMessage(EventId = 4505, Level = LogLevel.Error, Message = "MMS postback from {RemoteIp} could not be stored: answered 503 so the provider delivers it again")]
    public static partial void StoreFailed(ILogger logger, string remoteIp, Exception exception);

    [LoggerMessage(EventId = 4506, Level = LogLevel.Debug, Message = "MMS postback {Origin} {Code} is a redelivery: acknowledged, not processed again")]
    public static partial void Redelivery(ILogger logger, string? origin, string? code);

    [LoggerMessage(EventId = 4507, Level = LogLevel.Debug, Message = "MMS postback {Id} ({Origin} {Code}) stored and acknowledged")]
    public static partial void Received(ILogger logger, string id, string? origin, string? code);

    [LoggerMessage(EventId = 4510, Level = LogLevel.Debug, Message = "MMS postback {Id} ({Origin} {Code}) handled on attempt {Attempt}")]
    public static partial void Handled(ILogger logger, string id, string? origin, string? code, int attempt);

    [LoggerMessage(EventId = 4511, Level = LogLevel.Warning, Message = "MMS postback {Id} ({Origin} {Code}): handler failed on attempt {Attempt}; retrying in {Delay}")]
    public static partial void WillRetry(ILogger logger, string id, string? origin, string? code, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 4512, Level = LogLevel.Error, Message = "MMS postback {Id} ({Origin} {Code}): handler failed on all {Attempt} attempts; kept as failed for inspection and replay")]
    public static partial void GaveUp(ILogger logger, string id, string? origin, string? code, int attempt, Exception exception);

    [LoggerMessage(EventId = 4513, Level = LogLevel.Error, Message = "MMS postback {Id}: its state could not be recorded; it stays pending and is processed again after a restart")]
    public static partial void StateNotRecorded(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 4514, Level = LogLevel.Information, Message = "Resuming {Count} stored MMS postback(s) not yet processed")]
    public static partial void Resuming(ILogger logger, int count);

    [LoggerMessage(EventId = 4515, Level = LogLevel.Information, Message = "Replaying {Count} MMS postback(s)")]
    public static partial void Replayed(ILogger logger, int count);
}
