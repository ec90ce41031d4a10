using System;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Telemetry;

/// <summary>The transport's log messages (source-generated). Nothing here ever carries a credential or a request body.</summary>
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
}
