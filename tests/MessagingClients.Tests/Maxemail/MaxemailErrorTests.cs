using MessagingClients.Maxemail;
using MessagingClients.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace MessagingClients.Tests.Maxemail;

public sealed class MaxemailErrorTests
{
    [Fact]
    public async Task Http_400_is_an_invalid_request_with_msg_in_the_message_and_the_body_code_as_provider_code()
    {
        using var h = new MaxemailHarness();
        h.Answer("email_send", "{\"success\":false,\"msg\":\"Invalid Method Call to triggerFolder. Requires 3, 0 given.\",\"code\":400}", 400);

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.CallAsync("email_send", "triggerFolder", Array.Empty<object?>())));

        Assert.Equal(MessagingErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("400", error.ProviderCode);
        Assert.Equal("maxemail", error.ProviderName);
        Assert.Equal("email_send.triggerFolder", error.Operation);
        Assert.Contains("Invalid Method Call to triggerFolder. Requires 3, 0 given.", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Equal(1, error.Attempts);
        Assert.Single(h.Requests);
    }

    [Fact]
    public async Task Errors_list_is_kept_in_the_message()
    {
        using var h = new MaxemailHarness();
        h.Answer("list", "{\"success\":false,\"msg\":\"Validation failed\",\"code\":422,\"errors\":[\"email_address is invalid\",\"name is required\"]}", 422);

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.CallAsync("list", "insert", Array.Empty<object?>())));

        Assert.Equal(MessagingErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("email_address is invalid; name is required", error.Message, StringComparison.Ordinal);
        Assert.Equal("422", error.ProviderCode);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Http_401_and_403_are_authentication_failures_not_retried_and_never_show_the_password(int status)
    {
        using var h = new MaxemailHarness();
        h.Answer("recipient", "{\"success\":false,\"msg\":\"Authentication failed\",\"code\":" + status + "}", status);

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.Recipients.FindAsync(1)));

        Assert.Equal(MessagingErrorKind.Authentication, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.DoesNotContain(MaxemailHarness.SeedPassword, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("dGVzdEBleGFtcGxl", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Logs.Entries, e => e.Message.Contains(MaxemailHarness.SeedPassword, StringComparison.Ordinal) || e.Message.Contains("Basic ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Http_404_is_an_invalid_request_not_retried()
    {
        using var h = new MaxemailHarness();
        h.Answer("nosuchservice", "{\"success\":false,\"msg\":\"Service not found\",\"code\":404}", 404);

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.CallAsync("nosuchservice", "find", Array.Empty<object?>())));

        Assert.Equal(MessagingErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(404, error.HttpStatus);
        Assert.Contains("Service not found", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Requests);
    }

    [Fact]
    public async Task Http_429_is_retried_after_Retry_After_even_for_a_write()
    {
        using var h = new MaxemailHarness();
        h.Sequence("transactional",
            MaxemailHarness.Json("{\"success\":false,\"msg\":\"Too many requests\",\"code\":429}", 429).WithHeader("Retry-After", "7"),
            MaxemailHarness.Json("\"key-1\""));
        var start = h.Time.GetUtcNow();

        var result = await h.RunAsync(() => h.Client.Transactional.SendAsync(new MaxemailTransactionalMessage
        {
            ToAddress = "to@example.com", FromAddress = "from@example.com", Subject = "s", HtmlContent = "<p>h</p>",
        }));

        Assert.Equal("key-1", result.Value);
        Assert.Equal(2, result.Attempts);
        var waited = h.Time.GetUtcNow() - start;
        Assert.InRange(waited.TotalSeconds, 7, 7.001);
        Assert.Equal(h.Body(0), h.Body(1));
    }

    [Fact]
    public async Task Http_429_that_persists_reports_throttled_with_retry_after()
    {
        using var h = new MaxemailHarness(o => o.Retry.MaxRetries = 1);
        h.Server.Given(MaxemailHarness.Post("recipient")).RespondWith(MaxemailHarness.Json("{\"success\":false,\"msg\":\"Too many requests\"}", 429).WithHeader("Retry-After", "3"));

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.Recipients.FindAsync(1)));

        Assert.Equal(MessagingErrorKind.Throttled, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal(2, error.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
    }

    [Fact]
    public async Task Http_500_on_a_read_is_retried()
    {
        using var h = new MaxemailHarness();
        h.Sequence("list", MaxemailHarness.Json("{\"success\":false,\"msg\":\"Internal error\"}", 500), MaxemailHarness.Json("[{\"list_id\":1,\"name\":\"A\"}]"));

        var result = await h.RunAsync(() => h.Client.Lists.FetchAllAsync());

        Assert.Equal(2, result.Attempts);
        Assert.Equal("A", Assert.Single(result.Value).Name);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Server_errors_on_a_write_are_not_retried(int status)
    {
        using var h = new MaxemailHarness();
        h.Sequence("email_send", MaxemailHarness.Json("{\"success\":false,\"msg\":\"Internal error\"}", status), MaxemailHarness.Json("true"));

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.EmailSend.TriggerAsync(5, "a@example.com")));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(status, error.HttpStatus);
        Assert.Equal(1, error.Attempts);
        Assert.Single(h.Requests);
        Assert.Contains("may have been processed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_is_retried_after_500_when_the_call_opts_in()
    {
        using var h = new MaxemailHarness();
        h.Sequence("email_send", MaxemailHarness.Json("{\"success\":false,\"msg\":\"Internal error\"}", 500), MaxemailHarness.Json("true"));

        var result = await h.RunAsync(() => h.Client.EmailSend.TriggerAsync(5, "a@example.com", callOptions: new MaxemailCallOptions { RetryNonIdempotent = true }));

        Assert.True(result.Value);
        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public async Task A_write_is_retried_after_502_when_the_options_opt_in_and_a_call_can_still_opt_out()
    {
        using var h = new MaxemailHarness(o => o.RetryNonIdempotentCalls = true);
        h.Sequence("email_send", MaxemailHarness.Json("{\"success\":false,\"msg\":\"Bad gateway\"}", 502), MaxemailHarness.Json("true"));

        var result = await h.RunAsync(() => h.Client.CallAsync("email_send", "trigger", new object?[] { 1, "a@example.com" }));
        Assert.Equal(2, result.Attempts);

        h.Server.Reset();
        h.Sequence("email_send", MaxemailHarness.Json("{\"success\":false,\"msg\":\"Bad gateway\"}", 502), MaxemailHarness.Json("true"));
        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() =>
            h.Client.CallAsync("email_send", "trigger", new object?[] { 1, "a@example.com" }, new MaxemailCallOptions { RetryNonIdempotent = false })));
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task Http_503_is_retried_for_a_write()
    {
        using var h = new MaxemailHarness();
        h.Sequence("transactional", MaxemailHarness.Json("{\"success\":false,\"msg\":\"Maintenance\"}", 503), MaxemailHarness.Json("\"k\""));

        var result = await h.RunAsync(() => h.Client.CallAsync("transactional", "send", new object?[] { "a@example.com" }));

        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public async Task An_error_body_that_is_not_json_gives_the_status_and_a_truncated_snippet()
    {
        using var h = new MaxemailHarness();
        var html = "<html><head><title>502 Bad Gateway</title></head><body>" + new string('x', 5000) + "</body></html>";
        h.Server.Given(MaxemailHarness.Post("recipient")).RespondWith(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody(html));

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.CallAsync("recipient", "update", new object?[] { 1 })));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(502, error.HttpStatus);
        Assert.Contains("502 Bad Gateway", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 1000, error.Message);
    }

    [Fact]
    public async Task A_success_body_that_is_not_json_is_a_provider_error_naming_the_endpoint()
    {
        using var h = new MaxemailHarness();
        h.Server.Given(MaxemailHarness.Post("recipient")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html>Welcome to nginx!</html>"));

        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => h.Client.Recipients.FindAsync(3)));

        Assert.Equal(MessagingErrorKind.ProviderError, error.Kind);
        Assert.Contains("Welcome to nginx!", error.Message, StringComparison.Ordinal);
        Assert.Contains("Endpoint", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task A_timeout_after_sending_is_retried_for_a_read_but_not_for_a_write()
    {
        using var h = new MaxemailHarness(o => o.Timeouts.Attempt = TimeSpan.FromMinutes(3));

        // Requests 1 (the read's first attempt) and 3 (the write) stall at the server. The client side tells the driven clock
        // so, and only for those, so the clock fires the attempt timeout exactly there, however loaded the machine is.
        h.Sequence("list", MaxemailHarness.Json("[]").WithDelay(TimeSpan.FromSeconds(3)), MaxemailHarness.Json("[]"));
        h.Server.Given(MaxemailHarness.Post("email_send")).RespondWith(MaxemailHarness.Json("true").WithDelay(TimeSpan.FromSeconds(3)));
        using var http = new HttpClient(new StallNotifyingHandler(h.Time, n => n is 1 or 3));
        using var client = new MaxemailClient(h.Options, http);

        var read = await h.RunAsync(() => client.Lists.FetchAllAsync());
        var error = await Assert.ThrowsAsync<MessagingException>(() => h.RunAsync(() => client.EmailSend.TriggerAsync(1, "a@example.com")));

        Assert.Equal(2, read.Attempts);
        Assert.Equal(MessagingErrorKind.Timeout, error.Kind);
        Assert.Equal(1, error.Attempts);
    }
}

/// <summary>Tells the driven clock that the n-th request will stall at the server, so its attempt timeout may fire.</summary>
internal sealed class StallNotifyingHandler(DrivenTimeProvider time, Func<int, bool> stalls) : DelegatingHandler(new HttpClientHandler())
{
    private int _count;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (stalls(Interlocked.Increment(ref _count)))
        {
            time.NotifyIdle();
        }

        return base.SendAsync(request, cancellationToken);
    }
}
