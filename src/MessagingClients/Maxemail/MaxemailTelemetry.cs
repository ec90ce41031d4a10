using System.Diagnostics.Metrics;
using MessagingClients.Telemetry;

namespace MessagingClients.Maxemail;

/// <summary>Maxemail's instruments on the shared <c>MessagingClients</c> meter.</summary>
internal static class MaxemailTelemetry
{
    /// <summary>Deprecation notices received, by provider and operation (<c>service.method</c>).</summary>
    public static readonly Counter<long> Deprecations = MessagingTelemetry.Meter.CreateCounter<long>(
        "messaging.client.deprecations", "{warning}", "Deprecation notices (HTTP Warning 299) in provider answers, by provider and operation.");
}
