using System;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Telemetry;

/// <summary>
/// The transport's log messages (source-generated, EventIds 1001–1999, category <c>MessagingClients.Transport</c>).
/// Nothing here carries a credential: URLs lose their query and user info, headers pass an allow-list that never admits
/// <c>Authorization</c>, and a request body (1010, off by default) is logged only as its provider's redacted form.
/// </summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "{Provider} {Operation} attempt {Attempt} failed ({Kind}, code {ProviderCode}, HTTP {HttpStatus}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string provider, string operation, int attempt, MessagingErrorKind kind, string? providerCode, int? httpStatus, double delayMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error,
        Message = "{Provider} {Operation} failed after {Attempts} attempt(s): {Kind}, code {ProviderCode}, HTTP {HttpStatus}, transient {IsTransient}")]
    public static partial void OperationFailed(ILogger logger, string provider, string operation, int attempts, MessagingErrorKind kind, string? providerCode, int? httpStatus, bool isTransient);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug,
        Message = "{Provider} {Operation} succeeded after {Attempts} attempt(s) in {ElapsedMs} ms")]
    public static partial void OperationSucceeded(ILogger logger, string provider, string operation, int attempts, double elapsedMs);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "{Provider} adaptive rate lowered to {Rate} requests/s after a throttling answer")]
    public static partial void RateLowered(ILogger logger, string provider, double rate);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information,
        Message = "{Provider} send with idempotency key {IdempotencyKey} already completed; returning the stored receipt")]
    public static partial void IdempotentReplay(ILogger logger, string provider, string idempotencyKey);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning,
        Message = "{Provider} circuit breaker opened for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, string provider, TimeSpan breakDuration);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information,
        Message = "{Provider} circuit breaker closed")]
    public static partial void CircuitClosed(ILogger logger, string provider);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug,
        Message = "{Provider} {Operation} attempt {Attempt}: {Method} {Url}")]
    public static partial void Sending(ILogger logger, string provider, string operation, int attempt, string method, string url);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Debug,
        Message = "{Provider} {Operation} attempt {Attempt}: HTTP {HttpStatus} in {ElapsedMs} ms ({Outcome})")]
    public static partial void Answered(ILogger logger, string provider, string operation, int attempt, int httpStatus, double elapsedMs, string outcome);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Trace,
        Message = "{Provider} {Operation} request body (credentials redacted): {Body}")]
    public static partial void RequestBody(ILogger logger, string provider, string operation, string body);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Debug,
        Message = "{Provider} {Operation} attempt {Attempt} got no answer after {ElapsedMs} ms: {Kind}, {Description}")]
    public static partial void NoAnswer(ILogger logger, string provider, string operation, int attempt, double elapsedMs, string kind, string description);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information,
        Message = "{Provider} circuit breaker half-open: the next call is a trial")]
    public static partial void CircuitHalfOpened(ILogger logger, string provider);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Trace,
        Message = "{Provider} {Operation} attempt {Attempt} request headers: {Headers}")]
    public static partial void RequestHeaders(ILogger logger, string provider, string operation, int attempt, string headers);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Trace,
        Message = "{Provider} {Operation} attempt {Attempt} response headers: {Headers}")]
    public static partial void ResponseHeaders(ILogger logger, string provider, string operation, int attempt, string headers);
}
