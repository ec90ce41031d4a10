using MessagingClients.Testing;

namespace MessagingClients.IntegrationTests.Infrastructure;

/// <summary>Starts simulators and configures clients for fast, deterministic integration tests.</summary>
internal static class Sim
{
    /// <summary>A simulator whose injected 503/429 carry <c>Retry-After: 0</c>, so retries wait only the client's small backoff.</summary>
    public static Task<ProviderSimulator> StartAsync(Action<ProviderSimulatorOptions>? configure = null)
    {
        var options = new ProviderSimulatorOptions();
        options.MaxMd.FaultRetryAfter = TimeSpan.Zero;
        options.Maxemail.FaultRetryAfter = TimeSpan.Zero;
        options.Mms.FaultRetryAfter = TimeSpan.Zero;
        configure?.Invoke(options);
        return ProviderSimulator.StartAsync(options, TestContext.Current.CancellationToken);
    }

    /// <summary>Small backoff (10 ms, no jitter) so that retries are quick; everything else at its default.</summary>
    public static T Fast<T>(this T options)
        where T : MessagingClientOptions
    {
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(200);
        options.Retry.JitterRatio = 0;
        options.Timeouts.Attempt = TimeSpan.FromSeconds(10);
        options.Timeouts.Total = TimeSpan.FromSeconds(30);
        return options;
    }

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static OutgoingMessage Direct(int i, string? key = null) => new()
    {
        To = { $"patient{i}@direct.example.org" },
        Subject = "Referral " + i,
        Text = "Please see the referral.",
        IdempotencyKey = key,
    };

    public static OutgoingMessage Email(int i, string? key = null) => new()
    {
        To = { $"reader{i}@example.com" },
        Subject = "Hello " + i,
        Text = "Hello from the integration tests.",
        IdempotencyKey = key,
    };

    public static OutgoingMessage Sms(int i, string? key = null) => new()
    {
        To = { "1774319" + (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        Text = "Hello " + i,
        IdempotencyKey = key,
    };
}
