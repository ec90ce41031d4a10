using System.Net;
using System.Net.Sockets;
using MessagingClients.MaxMd;
using WireMock.ResponseBuilders;

namespace MessagingClients.Tests.MaxMd;

/// <summary>Every row of the MaxMD failure table in docs/providers/maxmd.md.</summary>
public sealed class MaxMdFailureTests
{
    [Theory]
    [InlineData(1, MessagingErrorKind.Authentication)]
    [InlineData(2, MessagingErrorKind.RecipientRejected)]
    [InlineData(3, MessagingErrorKind.ProviderError)]
    [InlineData(4, MessagingErrorKind.ProviderError)]
    [InlineData(999, MessagingErrorKind.Configuration)]
    [InlineData(17, MessagingErrorKind.ProviderError)]
    public async Task A_200_with_a_refusal_code_is_classified_and_never_retried(int code, MessagingErrorKind kind)
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json($"{{\"message\":\"provider says no ({code})\",\"code\":{code},\"success\":false}}"));

        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), error.ProviderCode);
        Assert.Equal(200, error.HttpStatus);
        Assert.False(error.IsTransient);
        Assert.Equal(1, error.Attempts);
        Assert.Single(h.Server.LogEntries);
        Assert.Equal("maxmd", error.ProviderName);
        Assert.Equal("Send", error.Operation);
        Assert.Contains($"provider says no ({code})", error.Message);
        Assert.DoesNotContain(MaxMdHarness.Password, error.ToString());
    }

    [Fact]
    public async Task Code_999_keeps_the_providers_message_and_is_a_configuration_error()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json("{\"code\": 999, \"message\": \"error\"}"));

        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(MessagingErrorKind.Configuration, error.Kind);
        Assert.Equal("999", error.ProviderCode);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("(code 999) while its service is up: error", error.Description);
        Assert.Single(h.Server.LogEntries);
    }

    [Fact]
    public async Task Code_2_names_the_addresses_sent()
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json("{\"message\":\"Invalid recipient\",\"code\":2,\"success\":false}"));
        var message = MaxMdHarness.Message();
        message.Cc.Add("cc@direct.example.org");

        var error = await h.Fails(c => c.SendMessageAsync(message));

        Assert.Equal(MessagingErrorKind.RecipientRejected, error.Kind);
        Assert.Contains("Invalid recipient", error.Message);
        Assert.Contains("sender sender@direct.example.com; recipients dr.a@direct.hospital.example (TO), cc@direct.example.org (CC)", error.Message);
    }

    [Fact]
    public async Task Code_1_says_whose_credentials_failed_without_the_password()
    {
        using var h = new MaxMdHarness();
        // Even a provider that echoes the password back does not get it into the exception.
        h.OnSend(MaxMdHarness.Json($"{{\"message\":\"Authentication failed for password {MaxMdHarness.Password}\",\"code\":1,\"success\":false}}"));

        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(MessagingErrorKind.Authentication, error.Kind);
        Assert.Contains("sender@direct.example.com", error.Message);
        Assert.Contains("Authentication failed for password ***", error.Message);
        Assert.DoesNotContain(MaxMdHarness.Password, error.ToString());
    }

    [Fact]
    public async Task Http_429_is_retried_after_1_2_4_seconds()
    {
        using var h = new MaxMdHarness();
        h.OnSend(Response.Create().WithStatusCode(429));

        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(MessagingErrorKind.Throttled, error.Kind);
        Assert.Equal("HTTP 429", error.ProviderCode);
        Assert.Equal(429, error.HttpStatus);
        Assert.True(error.IsTransient);
        Assert.Equal(4, error.Attempts);
        AssertGaps(h.Gaps(), 1, 2, 4);
        Assert.True(h.Client.Core.Transport.RateLimiter!.CurrentPermitsPerSecond < 100, "the adaptive limiter slowed down");
    }

    [Fact]
    public async Task Http_429_with_Retry_After_waits_as_asked()
    {
        using var h = new MaxMdHarness();
        h.OnSend(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "7"), MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        var result = await h.Run(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(2, result.Attempts);
        var gap = Assert.Single(h.Gaps());
        Assert.InRange(gap, 7, 7.1);
    }

    [Fact]
    public async Task Http_503_without_Retry_After_waits_30_to_60_seconds()
    {
        using var h = new MaxMdHarness();
        h.OnSend(Response.Create().WithStatusCode(503).WithBody("{\"message\":\"overloaded\"}"));

        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(503, error.HttpStatus);
        Assert.True(error.IsTransient);
        Assert.Equal(4, error.Attempts);
        var gaps = h.Gaps();
        Assert.Equal(3, gaps.Length);
        Assert.All(gaps, g => Assert.InRange(g, 30, 60.1));
        Assert.Contains("overloaded", error.Message);
    }

    [Fact]
    public async Task Http_503_with_Retry_After_waits_as_asked()
    {
        using var h = new MaxMdHarness();
        h.OnSend(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "5"), MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        var result = await h.Run(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(2, result.Attempts);
        Assert.InRange(Assert.Single(h.Gaps()), 5, 5.1);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Server_errors_are_retried_up_to_3_times_even_for_sends(int status)
    {
        using var h = new MaxMdHarness();
        h.OnSend(MaxMdHarness.Json("{\"message\":\"internal\",\"code\":3}", status));

        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(status, error.HttpStatus);
        Assert.Equal("3", error.ProviderCode);
        Assert.True(error.IsTransient);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(4, h.Server.LogEntries.Count);
        AssertGaps(h.Gaps(), 1, 2, 4);
    }

    [Fact]
    public async Task A_502_html_page_from_a_gateway_is_unavailable_with_a_truncated_snippet()
    {
        using var h = new MaxMdHarness();
        var page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
            + string.Concat(Enumerable.Repeat("<p>padding padding padding</p>", 100)) + "<p>THE-END-MARKER</p></body></html>";
        h.OnSend(
            Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody(page),
            MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        var result = await h.Run(c => c.SendMessageAsync(MaxMdHarness.Message()));
        Assert.Equal(2, result.Attempts);

        h.Server.ResetMappings();
        h.OnSend(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody(page));
        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(502, error.HttpStatus);
        Assert.Equal(4, error.Attempts);
        Assert.Contains("an HTML page", error.Message);
        Assert.Contains("502 Bad Gateway", error.Message);
        Assert.Contains("…", error.Message);
        Assert.DoesNotContain("THE-END-MARKER", error.Message);
        Assert.True(error.Message.Length < 1200, "the snippet is truncated");
        Assert.Contains(h.Logs.Lines, l => l.Contains("[2003]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_200_whose_body_is_not_json_is_unavailable_and_retried()
    {
        using var h = new MaxMdHarness();
        h.OnSend(
            Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody("Service Temporarily Unavailable"),
            MaxMdHarness.Json(MaxMdHarness.SuccessJson()));

        var result = await h.Run(c => c.SendMessageAsync(MaxMdHarness.Message()));
        Assert.Equal(2, result.Attempts);
        Assert.Equal(MaxMdHarness.SmtpId, result.SmtpId);

        h.Server.ResetMappings();
        h.OnSend(Response.Create().WithStatusCode(200).WithBody("Service Temporarily Unavailable"));
        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));
        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.Equal(200, error.HttpStatus);
        Assert.Equal(4, error.Attempts);
        Assert.Contains("a body that is not JSON", error.Message);
        Assert.Contains("Service Temporarily Unavailable", error.Message);
    }

    [Fact]
    public async Task A_refused_connection_is_unavailable_and_retried()
    {
        using var h = new MaxMdHarness(endpoint: MaxMdHarness.RefusingEndpoint());

        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Null(error.HttpStatus);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(4, h.Recorder.Requests.Count);
        AssertGaps(h.Gaps(), 1, 2, 4);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task A_connection_closed_without_an_answer_is_unavailable_and_retried()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource();
        var accepting = Task.Run(
            async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(cts.Token);
                var buffer = new byte[64 * 1024];
                await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                socket.LingerState = new LingerOption(true, 0); // reset, no answer
                socket.Close();
            }
        },
            TestContext.Current.CancellationToken);
        using var h = new MaxMdHarness(endpoint: new Uri($"http://127.0.0.1:{port}{MaxMdHarness.BasePath}"));

        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));
        await cts.CancelAsync();

        Assert.Equal(MessagingErrorKind.Unavailable, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal(4, error.Attempts);
        Assert.Contains("retried", error.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_4xx_html_page_says_to_check_the_endpoint_and_is_not_retried()
    {
        using var h = new MaxMdHarness();
        h.OnSend(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/html").WithBody("<html><body>Not Found</body></html>"));

        var error = await h.Fails(c => c.SendMessageAsync(MaxMdHarness.Message()));

        Assert.Equal(MessagingErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("Messaging:MaxMd:Endpoint", error.Message);
    }

    [Fact]
    public async Task An_attempt_timeout_of_a_send_is_a_timeout_and_not_retried()
    {
        var time = new Infrastructure.DrivenTimeProvider();
        var handler = new Infrastructure.ScriptedHandler(time).ThenHang();
        using var client = new MaxMdClient(
            new MaxMdClientOptions { Username = MaxMdHarness.Username, Password = MaxMdHarness.Password, TimeProvider = time },
            new HttpClient(handler));

        var error = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => client.SendMessageAsync(MaxMdHarness.Message())));

        Assert.Equal(MessagingErrorKind.Timeout, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Single(handler.Requests);
    }

    private static void AssertGaps(double[] gaps, params double[] expected)
    {
        Assert.Equal(expected.Length, gaps.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            // Jitter only lengthens (up to +20 %); the adaptive limiter may add a few milliseconds after a 429.
            Assert.InRange(gaps[i], expected[i], (expected[i] * 1.2) + 0.1);
        }
    }
}
