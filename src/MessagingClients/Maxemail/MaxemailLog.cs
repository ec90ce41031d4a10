using System;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Maxemail;

/// <summary>The Maxemail client's log messages (source-generated, EventIds 3000–3999). Never a credential, header or body.</summary>
internal static partial class MaxemailLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Maxemail {Service}.{Method} is deprecated ({Agent}): {Text}. This is logged once per method; every notice is on MaxemailResult.Warnings and the OnDeprecation callback")]
    public static partial void Deprecated(ILogger logger, string service, string method, string agent, string text);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error,
        Message = "The MaxemailClientOptions.OnDeprecation callback threw for {Service}.{Method}; the call itself succeeded")]
    public static partial void DeprecationCallbackFailed(ILogger logger, Exception exception, string service, string method);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "Maxemail {Operation} succeeded but its answer ({Kind}) could not be read as {Type}; MaxemailResult.Value is empty and the answer is in MaxemailResult.Json")]
    public static partial void ResultNotReadable(ILogger logger, string operation, string kind, string type);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug,
        Message = "Maxemail file upload: key {Key} initialised; streaming the file (replayable {Replayable})")]
    public static partial void Uploading(ILogger logger, string key, bool replayable);
}
