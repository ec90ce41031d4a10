using System;

namespace MessagingClients;

/// <summary>
/// Makes the rate limiter of a provider's transport, in place of the SDK's local token bucket. Register one in DI
/// (<c>services.AddSingleton&lt;IRateLimiterFactory, …&gt;()</c>) or set <see cref="MessagingClientOptions.RateLimiterFactory"/>;
/// the options' value wins. Not called when <see cref="RateLimitOptions.Enabled"/> is false.
/// </summary>
public interface IRateLimiterFactory
{
    /// <summary>Creates the limiter for one provider's transport. The transport owns it and disposes it with itself.</summary>
    /// <param name="providerName">The provider's short name (<c>"maxmd"</c>, <c>"mms"</c>, <c>"maxemail"</c>).</param>
    /// <param name="options">The validated rate-limit settings of that provider.</param>
    /// <param name="timeProvider">The clock of that provider's options.</param>
    /// <returns>A new limiter, never null.</returns>
    AdaptiveRateLimiter Create(string providerName, RateLimitOptions options, TimeProvider timeProvider);
}
