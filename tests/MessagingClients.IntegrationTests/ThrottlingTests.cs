using System.Diagnostics;
using MessagingClients.IntegrationTests.Infrastructure;
using MessagingClients.Testing;

namespace MessagingClients.IntegrationTests;

/// <summary>The simulator's token bucket against the clients' limiters.</summary>
public sealed class ThrottlingTests
{
    [Fact]
    public async Task At_the_default_rate_no_429_reaches_the_caller()
    {
        // Simulator and client both at MaxMD's guideline (100/s, burst 150): 300 concurrent sends all succeed.
        await using var sim = await Sim.StartAsync();
        using var sender = Sender.For(sim, "maxmd");

        var receipts = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => sender.SendAsync(i)));

        Assert.Equal(300, receipts.Length);
        Assert.Equal(300, sim.MaxMd.AcceptedSends.Count);
        Assert.Equal(0, sim.MaxMd.DuplicateCount);
    }

    [Theory]
    [InlineData("maxemail")]
    [InlineData("mms")]
    public async Task Matching_limits_send_everything(string provider)
    {
        await using var sim = await Sim.StartAsync(o =>
        {
            o.Maxemail.PermitsPerSecond = o.Mms.PermitsPerSecond = 50;
            o.Maxemail.Burst = o.Mms.Burst = 50;
        });
        using var sender = Sender.For(sim, provider, o =>
        {
            o.RateLimit.PermitsPerSecond = 50;
            o.RateLimit.Burst = 50;
        });

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => sender.SendAsync(i)));

        Assert.Equal(100, sender.Provider.AcceptedSends.Count);
        Assert.Equal(0, sender.Provider.DuplicateCount);
    }

    [Fact]
    public async Task A_client_faster_than_the_provider_is_throttled_slows_down_and_still_sends_everything()
    {
        await using var sim = await Sim.StartAsync(o => o.Mms.SendRetryAfterWhenThrottled = false);
        sim.Mms.SetRateLimit(permitsPerSecond: 40, burst: 5);
        using var sender = Sender.For(sim, "mms", o =>
        {
            o.Retry.MaxRetries = 10;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(50);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(400);
            o.CircuitBreaker.Enabled = false;
        });
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => sender.SendAsync(i)));

        Assert.Equal(40, sim.Mms.AcceptedSends.Count);
        Assert.True(sim.Mms.ThrottledCount > 0);
        Assert.True(((Mms.MmsClient)sender.Client).Transport.RateLimiter!.CurrentPermitsPerSecond < 100);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task The_bucket_answers_429_with_Retry_After_to_a_raw_burst()
    {
        await using var sim = await Sim.StartAsync();
        sim.MaxMd.SetRateLimit(permitsPerSecond: 1, burst: 2);
        using var http = new HttpClient();

        var statuses = new List<(int Status, string? RetryAfter)>();
        for (var i = 0; i < 3; i++)
        {
            using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PutAsync(new Uri(sim.MaxMd.Endpoint, "Send"), content, Sim.Token);
            statuses.Add(((int)response.StatusCode, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.Equal(200, statuses[0].Status); // answered by MaxMD (code 1: no credentials), a token was taken
        Assert.Equal(200, statuses[1].Status);
        Assert.Equal((429, "1"), statuses[2]);
        Assert.Equal(SimulatedOutcome.Throttled, sim.MaxMd.Requests[2].Outcome);
    }
}
