using System.Net;
using System.Net.Http.Headers;
using MessagingClients.Tests.Infrastructure;
using MessagingClients.Transport;

namespace MessagingClients.Tests.Transport;

public sealed class RetryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static double[] Gaps(ScriptedHandler handler)
    {
        var at = handler.Requests.Select(r => r.At).ToArray();
        return at.Zip(at.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
    }

    [Fact]
    public async Task Throttled_answers_are_retried_after_1_2_4_seconds_within_jitter_bounds()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Then(HttpStatusCode.TooManyRequests).Then(HttpStatusCode.TooManyRequests).Then(HttpStatusCode.TooManyRequests);

        var result = await time.RunAsync(() => transport.SendAsync(new TestCall(), null, None));

        Assert.Equal("ok", result.Value);
        Assert.Equal(4, result.Attempts);
        var gaps = Gaps(handler);
        double[] expected = [1, 2, 4];
        Assert.Equal(3, gaps.Length);
        for (var i = 0; i < 3; i++)
        {
            Assert.InRange(gaps[i], expected[i], (expected[i] * 1.2) + 0.001);
        }
    }

    [Fact]
    public async Task Every_attempt_sends_the_same_bytes_and_idempotency_key()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.TooManyRequests);

        await time.RunAsync(() => transport.SendAsync(new TestCall("{\"to\":\"a@b.example\",\"n\":1}"), "key-123", None));

        Assert.Equal(3, handler.Requests.Count);
        Assert.Single(handler.Requests.Select(r => Convert.ToBase64String(r.Body)).Distinct());
        Assert.All(handler.Requests, r => Assert.Equal("key-123", r.Headers[ProviderTransport.IdempotencyKeyHeader]));
    }

    [Fact]
    public async Task Retry_after_in_seconds_is_honoured_when_longer_than_the_backoff()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Then(HttpStatusCode.TooManyRequests, configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)));

        await time.RunAsync(() => transport.SendAsync(new TestCall(), null, None));

        Assert.Equal(7, Gaps(handler).Single(), 3);
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_honoured()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Then(_ =>
        {
            var response = ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, "busy");
            response.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(12));
            return response;
        });

        await time.RunAsync(() => transport.SendAsync(new TestCall(), null, None));

        Assert.Equal(12, Gaps(handler).Single(), 3);
    }

    [Fact]
    public async Task A_shorter_retry_after_never_makes_the_retry_come_earlier_than_the_backoff()
    {
        var (transport, handler, time) = TransportFactory.Create(random: () => 0);
        handler.Then(HttpStatusCode.TooManyRequests)
            .Then(HttpStatusCode.TooManyRequests, configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1)));

        await time.RunAsync(() => transport.SendAsync(new TestCall(), null, None));

        Assert.Equal([1.0, 2.0], Gaps(handler));
    }

    [Fact]
    public async Task A_retry_after_beyond_the_total_budget_fails_at_once_with_kind_and_retry_after()
    {
        var (transport, handler, time) = TransportFactory.Create(o => o.Timeouts.Total = TimeSpan.FromSeconds(30));
        handler.Then(HttpStatusCode.TooManyRequests, configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120)));
        var start = time.GetUtcNow();

        var error = await Assert.ThrowsAsync<MessagingException>(() => transport.SendAsync(new TestCall(), null, None));

        Assert.Equal(MessagingErrorKind.Throttled, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Equal(1, error.Attempts);
        Assert.Equal("HTTP 429", error.ProviderCode);
        Assert.Contains("Timeouts:Total", error.Message, StringComparison.Ordinal);
        Assert.Equal(start, time.GetUtcNow());
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Exhausted_retries_report_every_attempt()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Fallback = _ => ScriptedHandler.Respond(HttpStatusCode.TooManyRequests, "slow down");

        var error = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => transport.SendAsync(new TestCall(), null, None)));

        Assert.Equal(4, error.Attempts);
        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(MessagingErrorKind.Throttled, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal(429, error.HttpStatus);
        Assert.Equal("test", error.ProviderName);
        Assert.Equal("Send", error.Operation);
        Assert.Contains("after 4 attempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_retried()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.ThenHang();
        using var cts = new CancellationTokenSource();

        var send = transport.SendAsync(new TestCall(), null, cts.Token);
        while (handler.Requests.IsEmpty)
        {
            await Task.Yield();
        }

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_server_error_on_a_send_is_not_repeated_but_on_a_read_it_is()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Fallback = _ => ScriptedHandler.Respond(HttpStatusCode.InternalServerError, "boom");

        var error = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => transport.SendAsync(new TestCall(), null, None)));
        Assert.Equal(1, error.Attempts);
        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Contains("may have been processed", error.Message, StringComparison.Ordinal);

        var (readTransport, readHandler, readTime) = TransportFactory.Create();
        readHandler.Then(HttpStatusCode.InternalServerError).Then(HttpStatusCode.BadGateway);
        var result = await readTime.RunAsync(() => readTransport.SendAsync(new TestCall(idempotent: true), null, None));
        Assert.Equal(3, result.Attempts);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_because_nothing_was_sent()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (provider.test:443)"));

        var result = await time.RunAsync(() => transport.SendAsync(new TestCall(), null, None));

        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public async Task A_broken_connection_after_sending_is_not_repeated_for_a_send()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.ThenThrow(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));

        var error = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => transport.SendAsync(new TestCall(), null, None)));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task An_attempt_timeout_is_retried_for_a_read_and_reported_as_timeout_for_a_send()
    {
        var (transport, handler, time) = TransportFactory.Create(o => o.Timeouts.Attempt = TimeSpan.FromSeconds(5));
        handler.ThenHang();
        var result = await time.RunAsync(() => transport.SendAsync(new TestCall(idempotent: true), null, None));
        Assert.Equal(2, result.Attempts);

        var (sendTransport, sendHandler, sendTime) = TransportFactory.Create(o => o.Timeouts.Attempt = TimeSpan.FromSeconds(5));
        sendHandler.ThenHang();
        var error = await Assert.ThrowsAsync<MessagingException>(() => sendTime.RunAsync(() => sendTransport.SendAsync(new TestCall(), null, None)));
        Assert.Equal(MessagingErrorKind.Timeout, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Single(sendHandler.Requests);
    }

    [Fact]
    public async Task The_total_timeout_ends_the_operation()
    {
        var (transport, handler, time) = TransportFactory.Create(o =>
        {
            o.Timeouts.Attempt = Timeout.InfiniteTimeSpan;
            o.Timeouts.Total = TimeSpan.FromSeconds(10);
        });
        handler.ThenHang();

        var error = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => transport.SendAsync(new TestCall(), null, None)));

        Assert.Equal(MessagingErrorKind.Timeout, error.Kind);
        Assert.Contains("total timeout of 10 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_delay_rule_replaces_backoff_when_there_is_no_retry_after()
    {
        var rule = new RetryDelayRange(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        var call = new TestCall
        {
            Classify = (response, _) => response.StatusCode == HttpStatusCode.ServiceUnavailable
                ? HttpFailureClassifier.FromStatus(503, false, "overloaded") with { ProviderDelay = rule }
                : null,
        };
        var (transport, handler, time) = TransportFactory.Create();
        handler.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.ServiceUnavailable, configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)));

        await time.RunAsync(() => transport.SendAsync(call, null, None));

        var gaps = Gaps(handler);
        Assert.InRange(gaps[0], 30, 60);
        Assert.InRange(gaps[1], 3, 3.001);
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried()
    {
        var (transport, handler, time) = TransportFactory.Create();
        handler.Then(HttpStatusCode.Unauthorized, "bad credentials");

        var error = await Assert.ThrowsAsync<MessagingException>(() => transport.SendAsync(new TestCall(), null, None));

        Assert.Equal(MessagingErrorKind.Authentication, error.Kind);
        Assert.False(error.IsTransient);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task A_codec_that_throws_still_ends_in_a_classified_exception()
    {
        var call = new TestCall { Classify = (_, _) => throw new FormatException("unexpected token") };
        var (transport, _, _) = TransportFactory.Create();

        var error = await Assert.ThrowsAsync<MessagingException>(() => transport.SendAsync(call, null, None));

        Assert.Equal(MessagingErrorKind.ProviderError, error.Kind);
        Assert.IsType<FormatException>(error.InnerException);
    }
}
