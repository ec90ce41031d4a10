using Microsoft.Extensions.Logging;

namespace MessagingClients.MaxMd;

/// <summary>
/// MaxMD's log messages (source-generated, EventIds 2000–2999). Never a request body (it holds the password), never a
/// password, never a message's content or its addresses.
/// </summary>
internal static partial class MaxMdLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "MaxMD {Operation} accepted: smtpId {SmtpId}, {RecipientCount} recipient(s), {Attempts} attempt(s)")]
    public static partial void SendAccepted(ILogger logger, string operation, string? smtpId, int recipientCount, int attempts);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug,
        Message = "MaxMD GetMessageStatus for {SmtpId}: {LogCount} status record(s), {Attempts} attempt(s)")]
    public static partial void StatusRetrieved(ILogger logger, string smtpId, int logCount, int attempts);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "MaxMD {Operation} answered HTTP {HttpStatus} with a body that is not JSON ({MediaType}, {Length} bytes read): a gateway or load balancer answered instead of the service")]
    public static partial void UnreadableAnswer(ILogger logger, string operation, int httpStatus, string? mediaType, int length);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "MaxMD {Operation} answered HTTP {HttpStatus} with code {Code} ({Kind})")]
    public static partial void CodeRefused(ILogger logger, string operation, int httpStatus, int code, MessagingErrorKind kind);
}
