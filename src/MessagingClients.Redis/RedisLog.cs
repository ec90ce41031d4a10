using System;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Redis;

/// <summary>The package's log messages; event ids 6000–6099.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning,
        Message = "Redis is unreachable for the {Provider} rate limiter (account {AccountId}); falling back to a local bucket of {Rate} requests/s, burst {Burst} (the account's rate / ExpectedInstanceCount {Instances}) until Redis answers again")]
    public static partial void RateLimiterFallback(ILogger logger, string provider, string accountId, double rate, int burst, int instances, Exception exception);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error,
        Message = "Redis is unreachable for the {Provider} rate limiter (account {AccountId}) and WhenUnavailable is FailFast: sends fail until Redis answers again")]
    public static partial void RateLimiterFailFast(ILogger logger, string provider, string accountId, Exception exception);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information,
        Message = "Redis answers again: the {Provider} rate limiter shares the account's bucket (account {AccountId}) again")]
    public static partial void RateLimiterRecovered(ILogger logger, string provider, string accountId);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning,
        Message = "Redis is unreachable for the {Scope} idempotency store (account {AccountId}); keys are remembered in this process only until Redis answers again")]
    public static partial void StoreFallback(ILogger logger, string scope, string accountId, Exception exception);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Error,
        Message = "Redis is unreachable for the {Scope} idempotency store (account {AccountId}) and WhenUnavailable is FailFast: sends fail until Redis answers again")]
    public static partial void StoreFailFast(ILogger logger, string scope, string accountId, Exception exception);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning,
        Message = "The receipt of idempotency key {Key} ({Scope}) could not be stored in Redis; it is kept in this process only, so another instance could send that key again")]
    public static partial void CompleteFailed(ILogger logger, string scope, string key, Exception exception);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning,
        Message = "Idempotency key {Key} ({Scope}) could not be released in Redis; its in-flight marker expires after IdempotencyLease")]
    public static partial void ReleaseFailed(ILogger logger, string scope, string key, Exception exception);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Information,
        Message = "Redis answers again: the {Scope} idempotency store (account {AccountId}) uses Redis again")]
    public static partial void StoreRecovered(ILogger logger, string scope, string accountId);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Error, Message = "The shared rate could not be updated in Redis after a provider answer")]
    public static partial void AdaptiveUpdateFailed(ILogger logger, Exception exception);
}
