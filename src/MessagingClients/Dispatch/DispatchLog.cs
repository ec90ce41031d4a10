using System;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Dispatch;

/// <summary>The dispatcher's log messages (source-generated, EventIds 5000–5999). Keys and counts only: never a message's content or addresses.</summary>
internal static partial class DispatchLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning,
        Message = "Dispatch {Provider}: message {IdempotencyKey} dead-lettered ({Reason}, {Kind}, code {ProviderCode}, {Attempts} attempt(s))")]
    public static partial void DeadLettered(ILogger logger, string provider, string idempotencyKey, DeadLetterReason reason, MessagingErrorKind? kind, string? providerCode, int attempts);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error,
        Message = "Dispatch {Provider}: the dead-letter store could not record message {IdempotencyKey}; it is kept in memory in the summary")]
    public static partial void StoreFailed(ILogger logger, string provider, string idempotencyKey, Exception exception);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning,
        Message = "Dispatch {Provider} stopped with {Remaining} message(s) left (drained: {Drained}); they are in the dead-letter store with reason Shutdown")]
    public static partial void StoppedWithLeftovers(ILogger logger, string provider, long remaining, bool drained);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information,
        Message = "Dispatch {Provider} stopped: {Sent} sent, {Failed} dead-lettered, {Remaining} left")]
    public static partial void Stopped(ILogger logger, string provider, long sent, long failed, long remaining);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning,
        Message = "Dispatch {Provider}: the progress handler threw")]
    public static partial void ProgressHandlerFailed(ILogger logger, string provider, Exception exception);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information,
        Message = "Dispatch {Provider} replay: {Attempted} tried, {Sent} sent ({AlreadySent} had already gone out), {StillFailed} still failing")]
    public static partial void Replayed(ILogger logger, string provider, int attempted, int sent, int alreadySent, int stillFailed);
}
