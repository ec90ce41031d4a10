using System;
using System.Collections.Generic;
using System.Globalization;

namespace MessagingClients.Redis;

/// <summary>
/// How the clients share a provider account through Redis: which account the keys belong to, and what happens while Redis
/// is unreachable. Bound from the <c>Messaging:Redis</c> section when the clients are registered from configuration.
/// </summary>
public sealed class RedisMessagingOptions
{
    /// <summary>
    /// Names the provider account whose limit the instances share; part of every key. Instances that use the same provider
    /// account must use the same value, and apps on different accounts sharing one Redis must use different values. Default <c>"default"</c>.
    /// </summary>
    public string AccountId { get; set; } = "default";

    /// <summary>The first part of every key. Default <c>"messagingclients"</c>; keys look like <c>messagingclients:maxmd:default:bucket</c>.</summary>
    public string KeyPrefix { get; set; } = "messagingclients";

    /// <summary>What happens while Redis is unreachable. Default <see cref="RedisUnavailableMode.FallBackToLocal"/>.</summary>
    public RedisUnavailableMode WhenUnavailable { get; set; } = RedisUnavailableMode.FallBackToLocal;

    /// <summary>
    /// How many instances normally share the account. While Redis is unreachable each instance sends at most
    /// <c>PermitsPerSecond / ExpectedInstanceCount</c> (burst likewise), so that together they stay within the account's limit.
    /// Default 1: set it to your instance count.
    /// </summary>
    public int ExpectedInstanceCount { get; set; } = 1;

    /// <summary>After Redis failed, how long the local fallback (or fail-fast) is used before Redis is tried again. Default 1 s.</summary>
    public TimeSpan ReconnectCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether the idempotency store is Redis too (default true), so a key sent by one instance is not sent again by another.</summary>
    public bool UseForIdempotency { get; set; } = true;

    /// <summary>How long the receipt of a completed send is kept. Default 24 h.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long an in-flight marker holds a key when its owner never completes or releases it (the process died). Keep it above
    /// <c>Timeouts:Total</c> (default 5 min), or a slow send could be started again elsewhere. Default 10 min.
    /// </summary>
    public TimeSpan IdempotencyLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Checks the settings and returns one message per problem, each naming the setting.</summary>
    /// <param name="prefix">The configuration path of these options, for example <c>Messaging:Redis</c>.</param>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public IEnumerable<string> Validate(string prefix)
    {
        if (string.IsNullOrWhiteSpace(AccountId))
        {
            yield return $"{prefix}:AccountId is required.";
        }

        if (string.IsNullOrWhiteSpace(KeyPrefix))
        {
            yield return $"{prefix}:KeyPrefix is required.";
        }

        if (!Enum.IsDefined(WhenUnavailable))
        {
            yield return $"{prefix}:WhenUnavailable must be FallBackToLocal or FailFast (got {WhenUnavailable}).";
        }

        if (ExpectedInstanceCount < 1)
        {
            yield return $"{prefix}:ExpectedInstanceCount must be at least 1 (got {ExpectedInstanceCount.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (ReconnectCheckInterval <= TimeSpan.Zero)
        {
            yield return $"{prefix}:ReconnectCheckInterval must be positive (got {ReconnectCheckInterval}).";
        }

        if (IdempotencyRetention <= TimeSpan.Zero)
        {
            yield return $"{prefix}:IdempotencyRetention must be positive (got {IdempotencyRetention}).";
        }

        if (IdempotencyLease <= TimeSpan.Zero)
        {
            yield return $"{prefix}:IdempotencyLease must be positive (got {IdempotencyLease}).";
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"RedisMessagingOptions {{ AccountId = {AccountId}, KeyPrefix = {KeyPrefix}, WhenUnavailable = {WhenUnavailable}, ExpectedInstanceCount = {ExpectedInstanceCount} }}";

    internal void ThrowIfInvalid(string prefix, string paramName)
    {
        var problems = string.Join(" ", Validate(prefix));
        if (problems.Length > 0)
        {
            throw new ArgumentException(problems, paramName);
        }
    }

    internal string Key(string scope, string suffix) => KeyPrefix + ":" + scope + ":" + AccountId + ":" + suffix;
}
