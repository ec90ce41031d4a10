using System.Net;
using MessagingClients.Tests.Infrastructure;
using Polly.CircuitBreaker;

namespace MessagingClients.Tests.Transport;

public sealed class CircuitBreakerTests
{
    [Fact]
    public async Task Opens_after_sustained_failures_fails_fast_then_half_opens_and_closes()
    {
        var (transport, handler, time) = TransportFactory.Create(o =>
        {
            o.Retry.MaxRetries = 0;
            o.CircuitBreaker.MinimumThroughput = 4;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
        });
        handler.Fallback = _ => ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, "down");

        for (var i = 0; i < 4; i++)
        {
            var failure = await Assert.ThrowsAsync<MessagingException>(() => transport.SendAsync(new TestCall(), null, CancellationToken.None));
            Assert.Equal(MessagingErrorKind.Unavailable, failure.Kind);
        }

        Assert.Equal(CircuitState.Open, transport.CircuitState);
        var open = await Assert.ThrowsAsync<MessagingException>(() => transport.SendAsync(new TestCall(), null, CancellationToken.None));
        Assert.Equal(MessagingErrorKind.CircuitOpen, open.Kind);
        Assert.Equal(0, open.Attempts);
        Assert.Equal(4, handler.Requests.Count); // failed fast: nothing sent

        time.Advance(TimeSpan.FromSeconds(5));
        handler.Fallback = _ => ScriptedHandler.Respond(HttpStatusCode.OK, "ok");
        var result = await transport.SendAsync(new TestCall(), null, CancellationToken.None);

        Assert.Equal("ok", result.Value);
        Assert.Equal(CircuitState.Closed, transport.CircuitState);
    }

    [Fact]
    public async Task Half_open_trial_failure_opens_again()
    {
        var (transport, handler, time) = TransportFactory.Create(o =>
        {
            o.Retry.MaxRetries = 0;
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
        });
        handler.Fallback = _ => ScriptedHandler.Respond(HttpStatusCode.BadGateway, "<html>bad gateway</html>");
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<MessagingException>(() => transport.SendAsync(new TestCall(), null, CancellationToken.None));
        }

        time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<MessagingException>(() => transport.SendAsync(new TestCall(), null, CancellationToken.None));

        Assert.Equal(CircuitState.Open, transport.CircuitState);
    }

    [Fact]
    public async Task Throttling_and_permanent_refusals_do_not_open_the_circuit()
    {
        var (transport, handler, time) = TransportFactory.Create(o =>
        {
            o.Retry.MaxRetries = 0;
            o.CircuitBreaker.MinimumThroughput = 2;
        });
        handler.Then(HttpStatusCode.TooManyRequests).Then(HttpStatusCode.BadRequest).Then(HttpStatusCode.Unauthorized).Then(HttpStatusCode.TooManyRequests);

        // A 429 empties the adaptive bucket, so the next call waits for a permit on the fake clock: drive it.
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => transport.SendAsync(new TestCall(), null, CancellationToken.None)));
        }

        Assert.Equal(CircuitState.Closed, transport.CircuitState);
    }
}
