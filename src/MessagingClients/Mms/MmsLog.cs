using Microsoft.Extensions.Logging;

namespace MessagingClients.Mms;

/// <summary>The MMS client's log messages (EventIds 4000–4999). Never the API key, a request body or a full phone number.</summary>
internal static partial class MmsLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug,
        Message = "mms {Action} accepted: tracking id {TrackingId}, {Attempts} attempt(s)")]
    public static partial void Accepted(ILogger logger, string action, string? trackingId, int attempts);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug,
        Message = "mms {Action} succeeded after {Attempts} attempt(s)")]
    public static partial void CallSucceeded(ILogger logger, string action, int attempts);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "mms {Action} accepted without a TRACKINGID; delivery postbacks cannot be matched to this send")]
    public static partial void NoTrackingId(ILogger logger, string action);
}
