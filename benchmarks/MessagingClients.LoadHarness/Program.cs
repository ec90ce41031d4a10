// The load harness: the SDK's clients against the provider simulator, measured from the simulator's side.
//
//   dotnet run -c Release --project benchmarks/MessagingClients.LoadHarness -- --quick          # CI gate, ~20 s
//   dotnet run -c Release --project benchmarks/MessagingClients.LoadHarness                     # all three scenarios
//   dotnet run -c Release --project benchmarks/MessagingClients.LoadHarness -- --scenario adaptive --seconds 30 \
//       --decrease 0.8 --recovery 0.2 --cooldown 1
//
// Scenarios: rate (client 100/s burst 150 = simulator 100/s burst 150, all three providers at once), adaptive (simulator
// 60/s burst 90, MaxMD client configured 100/s burst 150, adaptive on), throughput (limits off, client vs raw HttpClient).
using System.Globalization;
using MessagingClients.LoadHarness;

var settings = HarnessSettings.Parse(args);
if (settings is null)
{
    Console.Error.WriteLine("Usage: LoadHarness [--quick] [--scenario rate|adaptive|throughput|all] [--seconds N] "
        + "[--decrease F] [--recovery PERMITS_PER_S_PER_SUCCESS] [--cooldown SECONDS] [--concurrency N] [--client-burst N] [--adaptive on|off] [--providers maxmd,maxemail,mms]");
    return 2;
}

if (settings.Quick)
{
    return await Quick.RunAsync();
}

if (settings.Scenario is "rate" or "all")
{
    // As the issue asks (client burst = provider burst), then with the client's burst a second of permits below the provider's.
    foreach (var (burst, adaptive) in settings.ClientBurst is { } b ? new[] { (b, settings.Adaptive) } : new[] { (150, true), (150, false), (100, true) })
    {
        var results = await Scenarios.RateAsync(settings.Seconds ?? 20, warmup: 2, burst, adaptive, settings.Providers);
        foreach (var r in results)
        {
            Console.WriteLine(r);
        }
    }
}

if (settings.Scenario is "adaptive" or "all")
{
    var result = await Scenarios.AdaptiveAsync(settings.Seconds ?? 30, settings.Decrease, settings.Recovery, settings.Cooldown, verbose: true);
    Console.WriteLine(result);
}

if (settings.Scenario is "throughput" or "all")
{
    foreach (var provider in new[] { "maxmd", "maxemail", "mms" })
    {
        var (client, raw) = await Scenarios.ThroughputAsync(provider, settings.Seconds ?? 5, settings.Concurrency);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput {provider,-8} concurrency {settings.Concurrency}: client {client,8:0} sends/s, raw HttpClient {raw,8:0} requests/s, ratio {client / raw:0.00}"));
    }
}

return 0;

internal sealed record HarnessSettings(bool Quick, string Scenario, int? Seconds, double? Decrease, double? Recovery, double? Cooldown, int Concurrency, int? ClientBurst, bool Adaptive, string[] Providers)
{
    public static HarnessSettings? Parse(string[] args)
    {
        var quick = false;
        var scenario = "all";
        int? seconds = null;
        double? decrease = null, recovery = null, cooldown = null;
        var concurrency = 32;
        int? clientBurst = null;
        var adaptive = true;
        var providers = new[] { "maxmd", "maxemail", "mms" };
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            bool Number(out double value) => double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0;
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--scenario" when Next() is "rate" or "adaptive" or "throughput" or "all":
                    scenario = args[i];
                    break;
                case "--seconds" when Number(out var s):
                    seconds = (int)s;
                    break;
                case "--concurrency" when Number(out var c):
                    concurrency = (int)c;
                    break;
                case "--decrease" when Number(out var d) && d < 1:
                    decrease = d;
                    break;
                case "--recovery" when Number(out var r):
                    recovery = r;
                    break;
                case "--client-burst" when Number(out var cb):
                    clientBurst = (int)cb;
                    break;
                case "--adaptive" when Next() is "on" or "off":
                    adaptive = args[i] == "on";
                    break;
                case "--providers" when Next() is { } list:
                    providers = list.Split(',');
                    break;
                case "--cooldown" when Number(out var cd):
                    cooldown = cd;
                    break;
                default:
                    return null;
            }
        }

        return new HarnessSettings(quick, scenario, seconds, decrease, recovery, cooldown, concurrency, clientBurst, adaptive, providers);
    }
}
