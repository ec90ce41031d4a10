using MessagingClients.MaxMd;
using WireMock.ResponseBuilders;

namespace MessagingClients.Tests.MaxMd;

public sealed class MaxMdSecretTests
{
    [Fact]
    public async Task The_password_appears_in_no_log_line_and_no_exception()
    {
        using var h = new MaxMdHarness();
        var errors = new List<Exception>();
        async Task Capture(Func<MaxMdClient, Task> action)
        {
            try
            {
                await h.Time.RunAsync(() => action(h.Client));
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        }

        var echo = $"{{\"message\":\"bad login {MaxMdHarness.Password}\",\"code\":1}}";
        h.OnSend(MaxMdHarness.Json(echo));
        await Capture(c => c.SendMessageAsync(MaxMdHarness.Message()));

        h.Server.ResetMappings();
        h.OnSend(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody($"<html>proxy error for {MaxMdHarness.Password}</html>"));
        await Capture(c => c.SendMessageAsync(MaxMdHarness.Message()));

        h.Server.ResetMappings();
        h.OnSend(MaxMdHarness.Json(echo.Replace("\"code\":1", "\"code\":999", StringComparison.Ordinal), 500));
        await Capture(c => c.SendMessageAsync(MaxMdHarness.Message()));

        h.Server.ResetMappings();
        h.OnSend(Response.Create().WithStatusCode(200).WithBody("not json " + MaxMdHarness.Password));
        await Capture(c => c.SendMessageAsync(MaxMdHarness.Message()));

        h.Server.ResetMappings();
        h.Sequence("POST", "GetMessageStatus/*", MaxMdHarness.Json(echo));
        await Capture(c => c.GetMessageStatusAsync(MaxMdHarness.SmtpId));

        h.Server.ResetMappings();
        h.OnSend(MaxMdHarness.Json(MaxMdHarness.SuccessJson()));
        await Capture(c => c.SendMessageAsync(MaxMdHarness.Message()));

        await Capture(_ => Task.FromException(Assert.Throws<ArgumentException>(() => new MaxMdClient(new MaxMdClientOptions { Username = "x", Password = MaxMdHarness.Password }))));

        Assert.Equal(6, errors.Count);
        Assert.NotEmpty(h.Logs.Lines);
        Assert.Contains(h.Logs.Lines, l => l.Contains("[2001]", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Lines, l => l.Contains("[1001]", StringComparison.Ordinal));
        foreach (var line in h.Logs.Lines)
        {
            Assert.DoesNotContain(MaxMdHarness.Password, line, StringComparison.Ordinal);
            Assert.DoesNotContain("\"authentication\"", line, StringComparison.Ordinal);
        }

        foreach (var error in errors)
        {
            Assert.DoesNotContain(MaxMdHarness.Password, error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("\"authentication\"", error.ToString(), StringComparison.Ordinal);
            if (error is MessagingException messaging)
            {
                Assert.DoesNotContain(MaxMdHarness.Password, messaging.Description, StringComparison.Ordinal);
                Assert.DoesNotContain(MaxMdHarness.Password, messaging.Advice ?? string.Empty, StringComparison.Ordinal);
            }
        }
    }
}
