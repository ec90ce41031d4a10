using System.Diagnostics;
using System.Net;
using System.Text;

namespace MessagingClients.AspNetCore.Tests;

public sealed class LoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Count = 1000;
    private readonly TempDirectory _dir = new();
    private readonly RecordingHandler _handler = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Thousand_postbacks_with_redeliveries_on_the_test_server_are_each_handled_exactly_once()
    {
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler);

        // Every tenth postback is delivered twice, as the provider does after a lost acknowledgement.
        var bodies = Enumerable.Range(0, Count).SelectMany(i => i % 10 == 0 ? new[] { i, i } : new[] { i }).ToArray();
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            using var response = await host.PostAsync(Postbacks.Receipt(i));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        await Wait.UntilAsync(() => _handler.SuccessCount >= Count, what: "1000 postbacks to be handled");
        Assert.Equal(Count, _dir.Lines().Count(l => l.Contains("\"t\":\"add\"", StringComparison.Ordinal)));
        await host.DrainAsync(_handler);
        Assert.Equal(Count, _handler.CallCount);
        Assert.Equal(Count, _handler.Succeeded.Count);
        Assert.All(_handler.Succeeded.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Thousand_postbacks_over_a_real_Kestrel_are_each_handled_exactly_once_and_acknowledged_quickly()
    {
        // A slow handler: acknowledgements must not wait for it.
        _handler.Behavior = (_, _, ct) => Task.Delay(1, ct);
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler, kestrel: true);
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };

        // Warm up (JIT, connection), then measure.
        using (var warm = await client.PostAsync("/postbacks/mms", new StringContent(Postbacks.Receipt(-1), Encoding.UTF8, "text/xml")))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var latencies = new double[Count];
        var total = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var content = new StringContent(Postbacks.Receipt(i), Encoding.UTF8, "text/xml");
            var watch = Stopwatch.StartNew();
            using var response = await client.PostAsync("/postbacks/mms", content, ct);
            latencies[i] = watch.Elapsed.TotalMilliseconds;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        var posting = total.Elapsed;

        await Wait.UntilAsync(() => _handler.SuccessCount >= Count + 1, what: "1000 postbacks to be handled");
        await host.DrainAsync(_handler);
        Assert.Equal(Count + 1, _handler.CallCount);
        Assert.All(_handler.Succeeded.Values, n => Assert.Equal(1, n));

        Array.Sort(latencies);
        var p50 = latencies[(Count * 50 / 100) - 1];
        var p99 = latencies[(Count * 99 / 100) - 1];
        var line = $"Kestrel acknowledgement latency over {Count} postbacks (8 concurrent, fsync per batch): p50 {p50:F2} ms, p99 {p99:F2} ms, max {latencies[^1]:F2} ms; all posted in {posting.TotalMilliseconds:F0} ms";
        output.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
    }
}
