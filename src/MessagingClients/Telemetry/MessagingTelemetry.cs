using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace MessagingClients.Telemetry;

/// <summary>The SDK's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>MessagingClients</c>.</summary>
internal static class MessagingTelemetry
{
    public const string Name = "MessagingClients";

    public static readonly string Version =
        typeof(MessagingTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    public static readonly ActivitySource ActivitySource = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    public static readonly Counter<long> Operations = Meter.CreateCounter<long>(
        "messaging.client.operations", "{operation}", "Logical operations, by provider, operation and outcome kind.");

    public static readonly Counter<long> Attempts = Meter.CreateCounter<long>(
        "messaging.client.attempts", "{attempt}", "HTTP attempts, by provider, operation and outcome kind.");

    public static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        "messaging.client.throttled", "{answer}", "Throttling answers from the provider (429, E113, E106).");

    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "messaging.client.operation.duration", "s", "Duration of logical operations, retries and waits included.");

    public const string ProviderTag = "messaging.provider";
    public const string OperationTag = "messaging.operation";
    public const string OutcomeTag = "messaging.outcome";
    public const string AttemptsTag = "messaging.attempts";
    public const string AttemptTag = "messaging.attempt";
    public const string IdempotencyKeyTag = "messaging.idempotency_key";
    public const string ProviderCodeTag = "messaging.provider_code";
    public const string HttpStatusTag = "http.response.status_code";
    public const string RetryDelayTag = "messaging.retry_delay_ms";
    public const string SuccessOutcome = "Success";
}
