using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MessagingClients.Tests.Telemetry;

/// <summary>
/// Captures spans and measurements in-process (no OpenTelemetry package): an <see cref="ActivityListener"/> for the
/// <c>MessagingClients</c> source (and, optionally, HttpClient's own) and a <see cref="MeterListener"/> for the
/// <c>MessagingClients</c> meter (and Polly's). Tests run in parallel, so filter what you assert on by trace id or by a
/// provider name of your own.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    public TelemetryCapture(bool allSources = false)
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MessagingClients" || (allSources && source.Name.StartsWith("System.Net.Http", StringComparison.Ordinal)) || source.Name == "telemetry-tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Spans.Enqueue(activity),
        };
        ActivitySource.AddActivityListener(_activities);

        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "MessagingClients" || (allSources && instrument.Meter.Name.StartsWith("Polly", StringComparison.Ordinal)))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _meters.SetMeasurementEventCallback<int>((i, v, t, _) => Add(i, v, t));
        _meters.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _meters.Start();
    }

    public static ActivitySource TestSource { get; } = new("telemetry-tests");

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public ConcurrentQueue<Measured> Measurements { get; } = new();

    /// <summary>Spans of one trace (started under a test root activity), in the order they stopped.</summary>
    public List<Activity> SpansOf(ActivityTraceId traceId) => Spans.Where(s => s.TraceId == traceId).ToList();

    /// <summary>Measurements of one instrument whose <c>messaging.system</c> tag is <paramref name="provider"/>.</summary>
    public List<Measured> Of(string instrument, string provider) =>
        Measurements.Where(m => m.Instrument == instrument && Equals(m.Tag("messaging.system"), provider)).ToList();

    /// <summary>Reads the observable gauges now.</summary>
    public void Observe() => _meters.RecordObservableInstruments();

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        Measurements.Enqueue(new Measured(instrument.Name, instrument.Unit, value, tags.ToArray()));

    internal sealed record Measured(string Instrument, string? Unit, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public object? Tag(string name) => Tags.FirstOrDefault(t => t.Key == name).Value;
    }
}
