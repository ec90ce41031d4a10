using System.Diagnostics;
using System.Text;
using MessagingClients.Maxemail;
using MessagingClients.MaxMd;
using MessagingClients.Mms;
using MessagingClients.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using CapturingLoggerProvider = MessagingClients.Tests.MaxMd.CapturingLoggerProvider;

namespace MessagingClients.Tests.Telemetry;

/// <summary>
/// Every client, every kind of outcome, logging at Trace with request bodies on: no log line, exception, span, measurement
/// or options <c>ToString()</c> carries a credential, in any encoding.
/// </summary>
public sealed class SecretsAcrossClientsTests : IDisposable
{
    private const string MaxMdUser = "sender@direct.example.com";
    private const string MaxMdPassword = "MaxMd-S3cret-pw!x";
    private const string MaxemailUser = "otel@example.com";
    private const string MaxemailPassword = "Mxm-S3cret-pw?y";
    private const string MmsApiKey = "mms-K3y-s3cret-z";
    private const string MaxMdPath = "/message-rest/api/message/";
    private const string MmsPath = "/API/wxml/1.3/index.php";

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly DrivenTimeProvider _time = new();
    private readonly TelemetryCapture _capture = new(allSources: true);
    private readonly List<Exception> _errors = new();
    private readonly List<string> _optionsText = new();

    public SecretsAcrossClientsTests() =>
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));

    public void Dispose()
    {
        _capture.Dispose();
        _loggerFactory.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    private static IEnumerable<string> Forbidden()
    {
        foreach (var secret in new[] { MaxMdPassword, MaxemailPassword, MmsApiKey })
        {
            yield return secret;
            yield return Uri.EscapeDataString(secret);
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
        }

        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(MaxMdUser + ":" + MaxMdPassword));
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(MaxemailUser + ":" + MaxemailPassword));
    }

    [Fact]
    public async Task No_credential_reaches_a_log_line_exception_span_measurement_or_options_text()
    {
        using var root = TelemetryCapture.TestSource.StartActivity("secrets root")!;
        await MaxMdScenarios();
        await MaxemailScenarios();
        await MmsScenarios();
        root.Stop();

        var lines = _logs.Lines.ToList();
        var spans = _capture.Spans.Where(s => s.TraceId == root.TraceId).ToList();

        // The scenarios really ran and really logged what is allowed.
        Assert.True(_errors.Count >= 12, "errors: " + _errors.Count);
        Assert.Contains(lines, l => l.Contains("[1010]", StringComparison.Ordinal) && l.Contains("\"password\":\"***\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[1010]", StringComparison.Ordinal) && l.Contains("<API_KEY>***</API_KEY>", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[1010]", StringComparison.Ordinal) && l.Contains("maxemail", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[1013]", StringComparison.Ordinal) && l.Contains("Content-Type: application/x-www-form-urlencoded", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[1014]", StringComparison.Ordinal) && l.Contains("Retry-After: 1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[1001]", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Authorization", StringComparison.OrdinalIgnoreCase) && l.Contains("Basic ", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Source.Name == "MessagingClients" && s.GetTagItem("messaging.system") is "maxmd");
        Assert.Contains(spans, s => s.Source.Name == "MessagingClients" && s.GetTagItem("messaging.system") is "maxemail");
        Assert.Contains(spans, s => s.Source.Name == "MessagingClients" && s.GetTagItem("messaging.system") is "mms");
        Assert.NotEmpty(_capture.Measurements);

        var texts = new List<(string Where, string Text)>();
        texts.AddRange(lines.Select(l => ("log", l)));
        foreach (var error in _errors)
        {
            texts.Add(("exception", error.ToString()));
            texts.Add(("exception message", error.Message));
            if (error is MessagingException m)
            {
                texts.Add(("exception fields", $"{m.Description} {m.Advice} {m.ProviderCode}"));
            }
        }

        foreach (var span in spans)
        {
            texts.Add(("span " + span.OperationName, span.DisplayName + " " + span.StatusDescription + " "
                + string.Join(";", span.TagObjects.Select(t => t.Key + "=" + t.Value))
                + string.Join(";", span.Events.SelectMany(e => e.Tags.Select(t => e.Name + ":" + t.Key + "=" + t.Value)))));
        }

        foreach (var measurement in _capture.Measurements)
        {
            texts.Add(("measurement " + measurement.Instrument, string.Join(";", measurement.Tags.Select(t => t.Key + "=" + t.Value))));
        }

        texts.AddRange(_optionsText.Select(t => ("options", t)));

        foreach (var (where, text) in texts)
        {
            foreach (var secret in Forbidden())
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"A credential ({secret}) is in a {where}: {text}");
            }
        }
    }

    private async Task Capture(Func<Task> action)
    {
        try
        {
            await _time.RunAsync(async () =>
            {
                await action();
                return 0;
            });
        }
        catch (Exception ex)
        {
            _errors.Add(ex);
        }
    }

    private T Configure<T>(T options)
        where T : MessagingClientOptions
    {
        options.TimeProvider = _time;
        options.Timeouts.Attempt = Timeout.InfiniteTimeSpan;
        options.Timeouts.Total = Timeout.InfiniteTimeSpan;
        options.Logging.LogRequestBodies = true;
        options.Logging.AllowedHeaders.Add("Authorization"); // listed on purpose: it must still never be logged
        options.Logging.AllowedHeaders.Add("X-Api-Key");
        return options;
    }

    private void Sequence(IRequestBuilder request, params IResponseBuilder[] responses)
    {
        _server.ResetMappings();
        var scenario = Guid.NewGuid().ToString("N");
        for (var i = 0; i < responses.Length; i++)
        {
            var given = _server.Given(request).InScenario(scenario);
            if (i > 0)
            {
                given = given.WhenStateIs("s" + i);
            }

            if (i < responses.Length - 1)
            {
                given = given.WillSetStateTo("s" + (i + 1));
            }

            given.RespondWith(responses[i]);
        }
    }

    private static IResponseBuilder Answer(int status, string contentType, string body, int? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body);
        return retryAfter is { } seconds ? response.WithHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)) : response;
    }

    private async Task MaxMdScenarios()
    {
        var options = Configure(new MaxMdClientOptions { Endpoint = new Uri(_server.Url + MaxMdPath), Username = MaxMdUser, Password = MaxMdPassword });
        _optionsText.Add(options.ToString());
        using var client = new MaxMdClient(options, loggerFactory: _loggerFactory);
        var request = Request.Create().WithPath(MaxMdPath + "Send").UsingPut();
        var message = DirectMessage.Text("dr.a@direct.hospital.example", "Referral", "Patient summary attached.");
        const string json = "application/json";
        var success = Answer(200, json, "{\"smtpId\":\"<1.2@max.md>\",\"message\":\"Message sent\",\"code\":0,\"success\":true}");

        Sequence(request, success);
        await Capture(() => client.SendMessageAsync(message));
        Sequence(request, Answer(200, json, $"{{\"message\":\"bad login {MaxMdPassword}\",\"code\":1}}"));
        await Capture(() => client.SendMessageAsync(message));
        Sequence(request, Answer(429, json, "{\"message\":\"slow down\",\"code\":999}", retryAfter: 1), success);
        await Capture(() => client.SendMessageAsync(message));
        Sequence(request, Answer(502, "text/html", $"<html>proxy error for {MaxMdPassword}</html>"));
        await Capture(() => client.SendMessageAsync(message));
        Sequence(Request.Create().WithPath(MaxMdPath + "GetMessageStatus/*").UsingPost(), Answer(500, json, $"{{\"message\":\"oops {MaxMdPassword}\",\"code\":999}}"));
        await Capture(() => client.GetMessageStatusAsync("<1.2@max.md>"));
        await Capture(() => client.SendMessageAsync(DirectMessage.Text("not an address", "x", "y")));
        await Capture(() => Task.FromResult(new MaxMdClient(new MaxMdClientOptions { Username = "bad user", Password = MaxMdPassword })));
    }

    private async Task MaxemailScenarios()
    {
        var options = Configure(new MaxemailClientOptions { Endpoint = new Uri(_server.Url + "/"), Username = MaxemailUser, Password = MaxemailPassword });
        _optionsText.Add(options.ToString());
        using var client = new MaxemailClient(options, loggerFactory: _loggerFactory);
        var request = Request.Create().WithPath("/api/json/recipient").UsingPost();
        const string json = "application/json; charset=utf-8";
        var success = Answer(200, json, "{\"recipient_id\":1,\"email_address\":\"a@example.com\"}");
        Task Find() => client.CallAsync("recipient", "find", new object?[] { 1 });

        Sequence(request, success);
        await Capture(Find);
        Sequence(request, Answer(401, json, $"{{\"success\":false,\"msg\":\"Authentication failed for {MaxemailPassword}\",\"code\":401}}"));
        await Capture(Find);
        Sequence(request, Answer(429, json, "{\"success\":false,\"msg\":\"Too many requests\",\"code\":429}", retryAfter: 1), success);
        await Capture(Find);
        Sequence(request, Answer(500, json, "{\"success\":false,\"msg\":\"Internal error\"}"));
        await Capture(Find);
        await Capture(() => client.CallAsync("", "find", Array.Empty<object?>()));
        await Capture(() => Task.FromResult(new MaxemailClient(new MaxemailClientOptions { Username = MaxemailUser, Password = MaxemailPassword, Endpoint = new Uri("ftp://x/") })));
    }

    private async Task MmsScenarios()
    {
        var options = Configure(new MmsClientOptions { Endpoint = new Uri(_server.Url + MmsPath), ApiKey = MmsApiKey, DefaultFrom = "60856" });
        _optionsText.Add(options.ToString());
        using var client = new MmsClient(options, loggerFactory: _loggerFactory);
        var request = Request.Create().WithPath(MmsPath).UsingPost();
        const string xml = "text/xml";
        var success = Answer(200, xml, "<RESPONSE><STATUS>Success</STATUS><TRACKINGID>U01TXzgwNjc4</TRACKINGID><TO>17743199144</TO></RESPONSE>");
        var sms = new SmsMessage { To = "+17743199144", Text = "hello" };

        Sequence(request, success);
        await Capture(() => client.SendSmsAsync(sms));
        Sequence(request, Answer(200, xml, $"<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E104</ERRORCODE><ERRORINFO>Invalid key {MmsApiKey}</ERRORINFO></RESPONSE>"));
        await Capture(() => client.SendSmsAsync(sms));
        Sequence(request, Answer(200, xml, "<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>E113</ERRORCODE><ERRORINFO>Too fast</ERRORINFO></RESPONSE>"), success);
        await Capture(() => client.SendSmsAsync(sms));
        Sequence(request, Answer(503, "text/html", $"<html>down {MmsApiKey}</html>"), Answer(500, "text/html", "<html>error</html>"));
        await Capture(() => client.SendSmsAsync(sms));
        await Capture(() => client.SendSmsAsync(new SmsMessage { To = "not a number", Text = "hello" }));
        await Capture(() => Task.FromResult(new MmsClient(new MmsClientOptions { ApiKey = MmsApiKey, Endpoint = new Uri("ftp://x/") })));
    }
}
