namespace MessagingClients.Tests.Errors;

public sealed class MessagingExceptionTests
{
    [Fact]
    public void The_message_says_provider_operation_kind_code_status_attempts_and_advice()
    {
        var error = new MessagingException("mms", "sendSMS", MessagingErrorKind.Throttled, "Throughput exceeded")
        {
            ProviderCode = "E113",
            HttpStatus = 200,
            IsTransient = true,
            Attempts = 4,
            RetryAfter = TimeSpan.FromSeconds(2.5),
            Advice = "Lower RateLimit:PermitsPerSecond.",
        };

        Assert.Equal(
            "mms sendSMS failed: Throttled, provider code E113, HTTP 200, transient, after 4 attempts, retry after 2.5 s. Throughput exceeded. Lower RateLimit:PermitsPerSecond.",
            error.Message);
    }

    [Fact]
    public void The_inner_exception_is_kept()
    {
        var inner = new HttpRequestException("refused");

        var error = new MessagingException("maxmd", "Send", MessagingErrorKind.Unavailable, "Could not connect", inner) { Attempts = 1 };

        Assert.Same(inner, error.InnerException);
        Assert.Contains("after 1 attempt.", error.Message, StringComparison.Ordinal);
    }
}
