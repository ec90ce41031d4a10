using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace MessagingClients.Telemetry;

/// <summary>
/// The SDK's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>MessagingClients</c>, every instrument on
/// that meter, and the tag names. <c>docs/observability.md</c> lists them all; keep the two in step.
/// Tag values never carry a credential, a request body or a message's content.
/// </summary>
internal static class MessagingTelemetry
{
    public const string Name = "MessagingClients";

    public static readonly string Version =
        typeof(MessagingTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    public static readonly ActivitySource ActivitySource = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    // ---- Tags: OpenTelemetry semantic conventions where they fit, the SDK's own under "messagingclients." ----

    /// <summary>The provider's short name (<c>maxmd</c>, <c>maxemail</c>, <c>mms</c>); the messaging semconv attribute.</summary>
    public const string ProviderTag = "messaging.system";

    /// <summary>The operation (<c>Send</c>, <c>recipient.find</c>, <c>sendSMS</c>); the messaging semconv attribute.</summary>
    public const string OperationTag = "messaging.operation.name";

    /// <summary><c>Success</c> or the <see cref="MessagingErrorKind"/> name (also <c>Cancelled</c>).</summary>
    public const string OutcomeTag = "messagingclients.outcome";

    /// <summary>The failure kind (a <see cref="MessagingErrorKind"/> name, or <c>Cancelled</c>); set on failures only.</summary>
    public const string ErrorTypeTag = "error.type";

    public const string AttemptsTag = "messagingclients.attempts";
    public const string AttemptTag = "messagingclients.attempt";
    public const string IdempotencyKeyTag = "messagingclients.idempotency_key";
    public const string ProviderCodeTag = "messagingclients.provider_code";

    /// <summary>The delay before the next attempt, in seconds, on an attempt span that is retried.</summary>
    public const string RetryDelayTag = "messagingclients.retry_delay";
    public const string CircuitStateTag = "messagingclients.circuit.state";
    public const string AcquiredTag = "messagingclients.lease.acquired";
    public const string DeadLetterReasonTag = "messagingclients.dead_letter.reason";

    public const string HttpMethodTag = "http.request.method";
    public const string HttpStatusTag = "http.response.status_code";
    public const string HttpResendCountTag = "http.request.resend_count";
    public const string ServerAddressTag = "server.address";
    public const string ServerPortTag = "server.port";
    public const string UrlFullTag = "url.full";

    public const string SuccessOutcome = "Success";
    public const string CancelledOutcome = "Cancelled";

    // ---- Instruments ----

    public static readonly Counter<long> Operations = Meter.CreateCounter<long>(
        "messaging.client.operations", "{operation}", "Logical operations, by provider, operation and outcome kind.");

    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "messaging.client.operation.duration", "s", "Duration of logical operations, retries and waits included.");

    public static readonly Counter<long> Attempts = Meter.CreateCounter<long>(
        "messaging.client.attempts", "{attempt}", "HTTP attempts, by provider, operation and outcome kind.");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "messaging.client.retries", "{retry}", "Retries scheduled after a failed attempt, by provider, operation and the failure kind that caused them.");

    public static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        "messaging.client.throttled", "{answer}", "Throttling answers from the provider (HTTP 429, MMS E113/E106), by provider and operation.");

    public static readonly Histogram<double> RateLimiterWait = Meter.CreateHistogram<double>(
        "messaging.client.rate_limiter.wait", "s", "Time an attempt waited for a permit from the client's rate limiter, by provider, operation and whether it got one.");

    public static readonly Counter<long> CircuitStateChanges = Meter.CreateCounter<long>(
        "messaging.client.circuit.state_changes", "{change}", "Circuit breaker transitions, by provider and the state entered (open, half_open, closed).");

    public static readonly Counter<long> Deprecations = Meter.CreateCounter<long>(
        "messaging.client.deprecations", "{warning}", "Deprecation notices (HTTP Warning 299) in provider answers, by provider and operation.");

    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "messaging.client.dead_letters", "{message}", "Messages the bulk dispatcher gave up on and dead-lettered, by provider and failure kind.");

    static MessagingTelemetry()
    {
        Meter.CreateObservableGauge(
            "messaging.client.rate_limiter.queued", static () => RateLimiterRegistry.Queued(), "{permit}",
            "Permits waited for in the clients' rate-limiter queues now, by provider (summed over that provider's clients).");
        Meter.CreateObservableGauge(
            "messaging.client.rate_limiter.rate", static () => RateLimiterRegistry.Rates(), "{request}/s",
            "The rate limiter's rate in force now (lowered after throttling answers in adaptive mode), by provider (summed over that provider's clients).");
    }

    /// <summary>Touches the class so its observable gauges exist before the first operation completes.</summary>
    public static void EnsureInitialized()
    {
    }

    /// <summary>Counts a deprecation notice for <paramref name="operation"/>.</summary>
    public static void RecordDeprecation(string provider, string operation) =>
        Deprecations.Add(1, new TagList { { ProviderTag, provider }, { OperationTag, operation } });

    /// <summary>Counts a message the dispatcher dead-lettered (gave up on), with the failure kind as the reason.</summary>
    /// <param name="provider">The provider's short name.</param>
    /// <param name="kind">Why: the final failure's kind.</param>
    public static void RecordDeadLetter(string provider, MessagingErrorKind kind) => RecordDeadLetter(provider, kind.ToString());

    /// <summary>Counts a dead letter whose cause is not a <see cref="MessagingErrorKind"/> (<c>Shutdown</c>, an unexpected exception type).</summary>
    public static void RecordDeadLetter(string provider, string errorType) =>
        DeadLetters.Add(1, new TagList { { ProviderTag, provider }, { ErrorTypeTag, errorType } });

    /// <summary>Counts a circuit breaker transition into <paramref name="state"/> (<c>open</c>, <c>half_open</c>, <c>closed</c>).</summary>
    public static void RecordCircuitState(string provider, string state) =>
        CircuitStateChanges.Add(1, new TagList { { ProviderTag, provider }, { CircuitStateTag, state } });
}
