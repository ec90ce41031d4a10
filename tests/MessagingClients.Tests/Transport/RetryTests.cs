using System.Net;
using MessagingClients.Tests.Infrastructure;
using MessagingClients.Transport;

namespace MessagingClients.Tests.Transport;

public sealed class RetryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Throttled_answers_are_retried_after_1_2_4_seconds_within_jitter_bounds()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Then(HttpStatusCode.TooManyRequests).Then(HttpStatusCode.TooManyRequests).Then(HttpStatusCode.TooManyRequests);

        var result = await time.RunAsync(() => transport.SendAsync(new TestCall(), null, None));

        Assert.Equal("ok", result.Value);
        Assert.Equal(4, result.Attempts);
        var at = handler.Requests.Select(r => r.At).ToArray();
        var gaps = at.Zip(at.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
        Assert.Equal(3, gaps.Length);
        double[] expected = [1, 2, 4];
        for (var i = 0; i < 3; i++)
        {
            Assert.InRange(gaps[i], expected[i], expected[i] * 1.2 + 0.001);
        }
    }

    [Fact]
    public async Task Every_attempt_sends_the_same_bytes()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.TooManyRequests);

        await time.RunAsync(() => transport.SendAsync(new TestCall("{\"to\":\"a@b.example\",\"n\":1}"), null, None));

        var bodies = handler.Requests.Select(r => Convert.ToBase64String(r.Body)).Distinct().ToArray();
        Assert.Equal(3, handler.Requests.Count);
        Assert.Single(bodies);
    }
}
