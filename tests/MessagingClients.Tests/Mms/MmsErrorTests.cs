using MessagingClients.Mms;
using MessagingClients.Tests.Infrastructure;

namespace MessagingClients.Tests.Mms;

public sealed class MmsErrorTests : IDisposable
{
    private readonly MmsTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    private static SmsMessage Sms() => new() { To = "+17743199144", Text = "Hi" };

    /// <summary>Every row of the E-code table: kind, transient, and how many attempts the client makes (MaxRetries 3).</summary>
    [Theory]
    [InlineData("E104", MessagingErrorKind.Authentication, false, 1)]
    [InlineData("E105", MessagingErrorKind.Authentication, false, 1)]
    [InlineData("E107", MessagingErrorKind.Authentication, false, 1)]
    [InlineData("E109", MessagingErrorKind.Authentication, false, 1)]
    [InlineData("E112", MessagingErrorKind.Authentication, false, 1)]
    [InlineData("E100", MessagingErrorKind.InvalidRequest, false, 1)]
    [InlineData("E108", MessagingErrorKind.InvalidRequest, false, 1)]
    [InlineData("E113", MessagingErrorKind.Throttled, true, 4)]
    [InlineData("E106", MessagingErrorKind.Throttled, true, 4)]
    [InlineData("E120", MessagingErrorKind.Throttled, false, 1)]
    [InlineData("E110", MessagingErrorKind.RecipientRejected, false, 1)]
    [InlineData("E114", MessagingErrorKind.RecipientRejected, false, 1)]
    [InlineData("E111", MessagingErrorKind.Configuration, false, 1)]
    [InlineData("E713", MessagingErrorKind.Configuration, false, 1)]
    [InlineData("E714", MessagingErrorKind.Configuration, false, 1)]
    [InlineData("E503", MessagingErrorKind.Unavailable, true, 1)]
    [InlineData("E628", MessagingErrorKind.ProviderError, false, 1)]
    [InlineData("E903", MessagingErrorKind.ProviderError, false, 1)]
    public async Task Every_error_code_is_classified_and_retried_only_where_the_rules_say(string code, MessagingErrorKind kind, bool transient, int attempts)
    {
        _kit.Reply(MmsTestKit.Failure(code, "Provider text for " + code));
        var time = new DrivenTimeProvider();
        using var client = _kit.Client(time: time);

        var error = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => client.SendSmsAsync(Sms())));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(code, error.ProviderCode);
        Assert.Equal(transient, error.IsTransient);
        Assert.Equal(attempts, error.Attempts);
        Assert.Equal(attempts, _kit.Requests.Count);
        Assert.Equal(200, error.HttpStatus);
        Assert.Equal("mms", error.ProviderName);
        Assert.Equal("sendSMS", error.Operation);
        Assert.Contains("Provider text for " + code, error.Message, StringComparison.Ordinal);
        Assert.Equal(kind, MmsErrorCodes.KindOf(code));
        Assert.DoesNotContain(MmsTestKit.ApiKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task E112_advises_allow_listing_the_callers_IP()
    {
        _kit.Reply(MmsTestKit.Failure("E112", "IP not allowed"));
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Contains("Allow-list", error.Advice, StringComparison.Ordinal);
        Assert.Contains("IP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ERRORCODE_is_a_failure_even_when_STATUS_says_Success()
    {
        _kit.Reply("<RESPONSE><STATUS>Success</STATUS><TRACKINGID>T</TRACKINGID><ERRORCODE>E110</ERRORCODE><ERRORINFO>Invalid receiver</ERRORINFO></RESPONSE>");
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.RecipientRejected, error.Kind);
    }

    [Fact]
    public async Task A_STATUS_other_than_Success_without_a_code_is_a_failure()
    {
        _kit.Reply("<RESPONSE><STATUS>Failure</STATUS><ERRORINFO>Hmm</ERRORINFO></RESPONSE>");
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.ProviderError, error.Kind);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task E113_twice_then_success_is_retried_with_backoff_and_lowers_the_adaptive_rate()
    {
        _kit.Sequence((200, MmsTestKit.Failure("E113", "API exceeded")), (200, MmsTestKit.Failure("E113", "API exceeded")), (200, MmsTestKit.Success("T-113")));
        var time = new DrivenTimeProvider();
        using var client = _kit.Client(o => o.RateLimit.PermitsPerSecond = 20, time);
        var limiter = client.Transport.RateLimiter!;
        Assert.Equal(20, limiter.CurrentPermitsPerSecond);
        var start = time.GetUtcNow();

        var result = await time.RunAsync(() => client.SendSmsAsync(Sms()));

        Assert.Equal("T-113", result.TrackingId);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, _kit.Requests.Count);
        Assert.True(limiter.CurrentPermitsPerSecond < 20, $"rate is {limiter.CurrentPermitsPerSecond}");
        // Backoff: 1 s then 2 s (up to +20 % jitter) on the fake clock.
        var waited = (time.GetUtcNow() - start).TotalSeconds;
        Assert.InRange(waited, 3, 3 * 1.2 + 0.01);
    }

    [Fact]
    public async Task E120_quota_is_not_retried_and_does_not_lower_the_rate()
    {
        _kit.Reply(MmsTestKit.Failure("E120", "Request limit reached"));
        using var client = _kit.Client(o => o.RateLimit.PermitsPerSecond = 20);

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.Throttled, error.Kind);
        Assert.False(error.IsTransient);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(20, client.Transport.RateLimiter!.CurrentPermitsPerSecond);
    }

    [Fact]
    public async Task E503_is_not_retried_by_default_and_says_why()
    {
        _kit.Reply(MmsTestKit.Failure("E503", "Internal error"));
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("RetryInternalErrors", error.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task E503_is_retried_when_opted_in()
    {
        _kit.Sequence((200, MmsTestKit.Failure("E503", "Internal error")), (200, MmsTestKit.Success()));
        var time = new DrivenTimeProvider();
        using var client = _kit.Client(o => o.RetryInternalErrors = true, time);

        var result = await time.RunAsync(() => client.SendSmsAsync(Sms()));

        Assert.Equal(2, result.Attempts);
    }

    [Fact]
    public async Task E503_is_retried_for_read_only_actions()
    {
        _kit.Sequence((200, MmsTestKit.Failure("E503", "Internal error")), (200, "<RESPONSE><STATUS>Success</STATUS></RESPONSE>"));
        var time = new DrivenTimeProvider();
        using var client = _kit.Client(time: time);

        await time.RunAsync(() => client.CallAsync("getSendingStatistics", new Dictionary<string, string?>()));

        Assert.Equal(2, _kit.Requests.Count);
    }

    [Fact]
    public async Task Http_429_is_throttled_retried_and_lowers_the_rate()
    {
        _kit.Sequence((429, "Too Many Requests"), (200, MmsTestKit.Success()));
        var time = new DrivenTimeProvider();
        using var client = _kit.Client(o => o.RateLimit.PermitsPerSecond = 20, time);

        var result = await time.RunAsync(() => client.SendSmsAsync(Sms()));

        Assert.Equal(2, result.Attempts);
        Assert.True(client.Transport.RateLimiter!.CurrentPermitsPerSecond < 20);
    }

    [Fact]
    public async Task Http_503_is_retried()
    {
        _kit.Sequence((503, "<html><body>Service Unavailable</body></html>"), (200, MmsTestKit.Success()));
        var time = new DrivenTimeProvider();
        using var client = _kit.Client(time: time);

        var result = await time.RunAsync(() => client.SendSmsAsync(Sms()));

        Assert.Equal(2, result.Attempts);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Other_5xx_are_unavailable_and_not_retried_for_sends(int status)
    {
        _kit.Reply("<html><body><h1>Bad gateway</h1>" + new string('x', 5000) + "</body></html>", status, "text/html");
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(status, error.HttpStatus);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("Bad gateway", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 1000, "the snippet is truncated");
    }

    [Fact]
    public async Task Http_401_is_authentication()
    {
        _kit.Reply("Unauthorized", 401, "text/plain");
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.Authentication, error.Kind);
    }

    [Fact]
    public async Task A_200_with_a_body_that_is_not_XML_is_unavailable_and_not_retried_for_sends()
    {
        _kit.Reply("<html><body>Maintenance</body>", 200, "text/html");
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("not XML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_response_with_a_DTD_is_refused()
    {
        _kit.Reply("<?xml version=\"1.0\"?><!DOCTYPE RESPONSE [<!ENTITY x \"y\">]><RESPONSE><STATUS>Success</STATUS><TRACKINGID>&x;</TRACKINGID></RESPONSE>");
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task A_response_over_the_size_cap_is_not_read()
    {
        _kit.Reply("<RESPONSE><STATUS>Success</STATUS><X>" + new string('a', 10_000) + "</X></RESPONSE>");
        using var client = _kit.Client(o => o.MaxResponseBytes = 4096);

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.ProviderError, error.Kind);
        Assert.Contains("MaxResponseBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_text_that_echoes_the_api_key_is_redacted()
    {
        _kit.Reply(MmsTestKit.Failure("E104", "Key " + MmsTestKit.ApiKey + " is invalid"));
        using var client = _kit.Client();

        var error = await Assert.ThrowsAsync<MessagingException>(() => client.SendSmsAsync(Sms(), TestContext.Current.CancellationToken));

        Assert.DoesNotContain(MmsTestKit.ApiKey, error.Message, StringComparison.Ordinal);
        Assert.Contains("***", error.Message, StringComparison.Ordinal);
    }
}
