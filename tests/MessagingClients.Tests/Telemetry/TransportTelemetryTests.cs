using System.Diagnostics;
using System.Net;
using MessagingClients.Telemetry;
using MessagingClients.Tests.Infrastructure;
using MessagingClients.Transport;

namespace MessagingClients.Tests.Telemetry;

public sealed class TransportTelemetryTests
{
    private static (ProviderTransport Transport, ScriptedHandler Handler, DrivenTimeProvider Time, string Provider) Create(Action<MessagingClientOptions>? configure = null)
    {
        var provider = "otel" + Guid.NewGuid().ToString("N")[..8];
        var time = new DrivenTimeProvider();
        var options = new MessagingClientOptions { TimeProvider = time };
        options.Timeouts.Attempt = Timeout.InfiniteTimeSpan;
        options.Timeouts.Total = Timeout.InfiniteTimeSpan;
        configure?.Invoke(options);
        var handler = new ScriptedHandler(time);
        var client = new HttpClient(handler);
        return (new ProviderTransport(provider, options, () => client, null, () => 0, client), handler, time, provider);
    }

    [Fact]
    public async Task A_send_with_retries_makes_one_operation_span_with_a_child_per_attempt_and_counts_everything()
    {
        using var capture = new TelemetryCapture();
        var (transport, handler, time, provider) = Create();
        handler.Then(HttpStatusCode.TooManyRequests, "slow down", r => r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(3)))
            .Then(HttpStatusCode.ServiceUnavailable, "busy")
            .Then(HttpStatusCode.OK, "ok");

        using var root = TelemetryCapture.TestSource.StartActivity("test root")!;
        var result = await time.RunAsync(() => transport.SendAsync(new TestCall(), "key-123", CancellationToken.None));
        root.Stop();

        Assert.Equal(3, result.Attempts);
        var spans = capture.SpansOf(root.TraceId);
        var operation = Assert.Single(spans, s => s.OperationName == provider + " Send");
        Assert.Equal(ActivityKind.Client, operation.Kind);
        Assert.Equal(root.SpanId, operation.ParentSpanId);
        Assert.Equal(provider, operation.GetTagItem("messaging.system"));
        Assert.Equal("Send", operation.GetTagItem("messaging.operation.name"));
        Assert.Equal("key-123", operation.GetTagItem("messagingclients.idempotency_key"));
        Assert.Equal(3, operation.GetTagItem("messagingclients.attempts"));
        Assert.Equal("Success", operation.GetTagItem("messagingclients.outcome"));
        Assert.Null(operation.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, operation.Status);
        var retryEvents = operation.Events.Where(e => e.Name == "retry").ToList();
        Assert.Equal(2, retryEvents.Count);

        var attempts = spans.Where(s => s.OperationName == provider + " Send attempt").OrderBy(s => (int)s.GetTagItem("messagingclients.attempt")!).ToList();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a =>
        {
            Assert.Equal(operation.SpanId, a.ParentSpanId);
            Assert.Equal("POST", a.GetTagItem("http.request.method"));
            Assert.Equal("provider.test", a.GetTagItem("server.address"));
            Assert.Equal(80, a.GetTagItem("server.port"));
            Assert.Equal("http://provider.test/send", a.GetTagItem("url.full"));
        });
        Assert.Equal(new object?[] { 429, 503, 200 }, attempts.Select(a => a.GetTagItem("http.response.status_code")));
        Assert.Equal(new object?[] { "Throttled", "Unavailable", null }, attempts.Select(a => a.GetTagItem("error.type")));
        Assert.Equal(new object?[] { "Throttled", "Unavailable", "Success" }, attempts.Select(a => a.GetTagItem("messagingclients.outcome")));
        Assert.Equal(new object?[] { "HTTP 429", "HTTP 503", null }, attempts.Select(a => a.GetTagItem("messagingclients.provider_code")));

        // Retry-After 3 s beats the 1 s backoff; then the 2 s backoff (no jitter with random 0). The last attempt has no delay.
        Assert.Equal(new object?[] { 3.0, 2.0, null }, attempts.Select(a => a.GetTagItem("messagingclients.retry_delay")));
        Assert.Equal(new object?[] { null, 1, 2 }, attempts.Select(a => a.GetTagItem("http.request.resend_count")));
        Assert.Equal(new[] { ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Unset }, attempts.Select(a => a.Status));

        var operations = Assert.Single(capture.Of("messaging.client.operations", provider));
        Assert.Equal(1, operations.Value);
        Assert.Equal("Success", operations.Tag("messagingclients.outcome"));
        Assert.Equal("Send", operations.Tag("messaging.operation.name"));

        var duration = Assert.Single(capture.Of("messaging.client.operation.duration", provider));
        Assert.Equal("s", duration.Unit);
        Assert.Equal(5.0, duration.Value, 3);

        var attemptCounts = capture.Of("messaging.client.attempts", provider);
        Assert.Equal(new[] { "Throttled", "Unavailable", "Success" }, attemptCounts.Select(m => (string)m.Tag("messagingclients.outcome")!));

        var retries = capture.Of("messaging.client.retries", provider);
        Assert.Equal(new[] { "Throttled", "Unavailable" }, retries.Select(m => (string)m.Tag("error.type")!));

        Assert.Equal(1, capture.Of("messaging.client.throttled", provider).Sum(m => m.Value));

        var waits = capture.Of("messaging.client.rate_limiter.wait", provider);
        Assert.Equal(3, waits.Count);
        Assert.All(waits, w => Assert.Equal(true, w.Tag("messagingclients.lease.acquired")));
        Assert.All(waits, w => Assert.Equal("s", w.Unit));

        capture.Observe();
        var rate = Assert.Single(capture.Of("messaging.client.rate_limiter.rate", provider));
        Assert.InRange(rate.Value, 79.9, 81); // lowered by the 429 (×0.8), raised a little by one success
        Assert.Equal(0, Assert.Single(capture.Of("messaging.client.rate_limiter.queued", provider)).Value);

        transport.Dispose();
        capture.Measurements.Clear();
        capture.Observe();
        Assert.Empty(capture.Of("messaging.client.rate_limiter.rate", provider));
    }

    [Fact]
    public async Task A_failed_operation_carries_error_type_on_its_span_and_its_measurements()
    {
        using var capture = new TelemetryCapture();
        var (transport, handler, time, provider) = Create();
        using var _ = transport;
        handler.Then(HttpStatusCode.BadRequest, "no");

        using var root = TelemetryCapture.TestSource.StartActivity("test root")!;
        var error = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => transport.SendAsync(new TestCall(), null, CancellationToken.None)));
        root.Stop();

        Assert.Equal(MessagingErrorKind.InvalidRequest, error.Kind);
        var operation = Assert.Single(capture.SpansOf(root.TraceId), s => s.OperationName == provider + " Send");
        Assert.Equal(ActivityStatusCode.Error, operation.Status);
        Assert.Equal("InvalidRequest", operation.GetTagItem("error.type"));
        Assert.Equal("HTTP 400", operation.GetTagItem("messagingclients.provider_code"));
        Assert.Equal(400, operation.GetTagItem("http.response.status_code"));
        Assert.Null(operation.GetTagItem("messagingclients.idempotency_key"));

        var operations = Assert.Single(capture.Of("messaging.client.operations", provider));
        Assert.Equal("InvalidRequest", operations.Tag("error.type"));
        Assert.Empty(capture.Of("messaging.client.retries", provider));
    }

    [Fact]
    public async Task Circuit_state_changes_are_counted()
    {
        using var capture = new TelemetryCapture();
        var (transport, handler, time, provider) = Create(o =>
        {
            o.Retry.MaxRetries = 0;
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.FailureRatio = 0.5;
        });
        using var _ = transport;
        handler.Then(HttpStatusCode.ServiceUnavailable, "busy").Then(HttpStatusCode.ServiceUnavailable, "busy");

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => transport.SendAsync(new TestCall(), null, CancellationToken.None)));
        }

        var open = Assert.Single(capture.Of("messaging.client.circuit.state_changes", provider));
        Assert.Equal("open", open.Tag("messagingclients.circuit.state"));
        var rejected = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => transport.SendAsync(new TestCall(), null, CancellationToken.None)));
        Assert.Equal(MessagingErrorKind.CircuitOpen, rejected.Kind);
        Assert.Equal("CircuitOpen", capture.Of("messaging.client.operations", provider).Last().Tag("error.type"));
    }

    [Fact]
    public void Dead_letters_and_deprecations_have_their_instruments()
    {
        using var capture = new TelemetryCapture();
        var provider = "otel" + Guid.NewGuid().ToString("N")[..8];

        MessagingTelemetry.RecordDeadLetter(provider, MessagingErrorKind.RecipientRejected);
        MessagingTelemetry.RecordDeprecation(provider, "recipient.find");

        var dead = Assert.Single(capture.Of("messaging.client.dead_letters", provider));
        Assert.Equal("RecipientRejected", dead.Tag("error.type"));
        Assert.Equal("{message}", dead.Unit);
        Assert.Equal("recipient.find", Assert.Single(capture.Of("messaging.client.deprecations", provider)).Tag("messaging.operation.name"));
    }

    [Fact]
    public void Every_instrument_is_documented()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "observability.md"));
        var names = new List<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "MessagingClients")
                {
                    lock (names)
                    {
                        names.Add(instrument.Name);
                    }
                }
            },
        };
        MessagingTelemetry.EnsureInitialized();
        listener.Start();

        Assert.True(names.Count >= 11, string.Join(", ", names));
        Assert.All(names, name => Assert.Contains("`" + name + "`", doc, StringComparison.Ordinal));
        foreach (var id in typeof(TransportLog).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Log", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttributes(typeof(Microsoft.Extensions.Logging.LoggerMessageAttribute), false).Cast<Microsoft.Extensions.Logging.LoggerMessageAttribute>().FirstOrDefault())
            .Where(a => a is not null)
            .Select(a => a!.EventId))
        {
            Assert.Contains("| " + id + " |", doc, StringComparison.Ordinal);
        }
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MessagingClients.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root (MessagingClients.sln) was not found above " + AppContext.BaseDirectory);
    }
}
