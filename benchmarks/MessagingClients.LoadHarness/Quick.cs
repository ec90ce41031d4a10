using System.Diagnostics;
using System.Globalization;
using MessagingClients.Testing;

namespace MessagingClients.LoadHarness;

/// <summary>
/// The CI gate (<c>--quick</c>, about 20 s): rate accuracy at the matching rate for all three providers, then a burst of
/// sends with random faults; fails (exit 1) when the steady rate falls under 95 % of the configured 100/s, when the simulator
/// throttled anything at the matching rate, or when any send was delivered twice. Prints one summary line.
/// </summary>
internal static class Quick
{
    private const double Seconds = 8;
    private const double Warmup = 2;
    private const double MinimumShare = 0.95;
    private const int ClientBurst = 100;

    public static async Task<int> RunAsync()
    {
        var watch = Stopwatch.StartNew();
        var rate = await Scenarios.RateAsync(Seconds, Warmup, ClientBurst, adaptive: true, new[] { "maxmd", "maxemail", "mms" });
        var (faultSent, faultFailed, faultDuplicates) = await FaultsAsync();
        var worst = rate.MinBy(r => r.SteadyRate)!;
        var throttled = rate.Sum(r => r.Throttled);
        var duplicates = rate.Sum(r => r.Duplicates) + faultDuplicates;
        var failures = rate.Sum(r => r.ClientFailures);
        var ok = worst.SteadyRate >= MinimumShare * 100 && throttled == 0 && duplicates == 0 && failures == 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loadharness --quick: {(ok ? "PASS" : "FAIL")} rate {string.Join(" ", rate.Select(r => $"{r.Provider} {r.SteadyRate:0.0}/s"))} "
            + $"(need >= {MinimumShare * 100:0}/s), throttled {throttled} (need 0), client failures {failures} (need 0), "
            + $"duplicates {duplicates} (need 0; {faultSent} sent, {faultFailed} failed under 5 % faults), {watch.Elapsed.TotalSeconds:0.0} s"));
        return ok ? 0 : 1;
    }

    /// <summary>300 sends across the three providers while 5 % of requests get a fault; counts double deliveries.</summary>
    private static async Task<(int Sent, int Failed, int Duplicates)> FaultsAsync()
    {
        await using var simulator = await Scenarios.StartAsync(1000, 1500, enforce: true, faultRetryAfter: TimeSpan.Zero);
        var seed = 11;
        foreach (var provider in simulator.Providers)
        {
            provider.Faults.Random(0.05, seed++,
                SimulatedFault.ServiceUnavailable(TimeSpan.Zero), SimulatedFault.Throttled(), SimulatedFault.InternalServerError(),
                SimulatedFault.BadGatewayHtml(), SimulatedFault.ConnectionReset());
        }

        var providers = new[] { "maxmd", "maxemail", "mms" };
        var senders = providers.Select(p => Scenarios.Client(simulator, p, o =>
        {
            o.RateLimit.PermitsPerSecond = 1000;
            o.RateLimit.Burst = 1500;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(50);
        })).ToArray();
        var sent = 0;
        var failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var p = i % 3;
            try
            {
                await senders[p].SendAsync(Scenarios.Message(providers[p], "quick-fault-" + i.ToString(CultureInfo.InvariantCulture)), ct);
                Interlocked.Increment(ref sent);
            }
            catch (MessagingException)
            {
                Interlocked.Increment(ref failed); // a fault that may have been processed is not repeated: expected
            }
        });
        foreach (var sender in senders)
        {
            ((IDisposable)sender).Dispose();
        }

        return (sent, failed, simulator.Providers.Sum(p => p.DuplicateCount));
    }
}
