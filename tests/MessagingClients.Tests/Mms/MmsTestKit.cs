using System.Text;
using MessagingClients.Mms;
using MessagingClients.Tests.Infrastructure;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MessagingClients.Tests.Mms;

/// <summary>A WireMock server speaking the MMS API, and clients pointed at it.</summary>
public sealed class MmsTestKit : IDisposable
{
    public const string ApiKey = "test-key-Zq9";
    public const string Path = "/API/wxml/1.3/index.php";

    public MmsTestKit() => Server = WireMockServer.Start();

    public WireMockServer Server { get; }

    public static string Success(string trackingId = "U01TXzgwNjc4", string to = "17743199144", string extra = "") =>
        $"<RESPONSE><STATUS>Success</STATUS><TRACKINGID>{trackingId}</TRACKINGID><TO>{to}</TO>{extra}</RESPONSE>";

    public static string Failure(string code, string info = "Something") =>
        $"<RESPONSE><STATUS>Failure</STATUS><ERRORCODE>{code}</ERRORCODE><ERRORINFO>{info}</ERRORINFO></RESPONSE>";

    /// <summary>A client on the real clock with no retries delayed (single-attempt tests).</summary>
    internal MmsClient Client(Action<MmsClientOptions>? configure = null, TimeProvider? time = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        var options = new MmsClientOptions
        {
            Endpoint = new Uri(Server.Url + Path),
            ApiKey = ApiKey,
            DefaultFrom = "60856",
            TimeProvider = time ?? TimeProvider.System,
        };
        if (time is DrivenTimeProvider)
        {
            // No timeout timers on the driven clock: it jumps to a pending guard timer when a real HTTP round trip is slow,
            // which would time out an attempt that WireMock is still answering. RunAsync bounds the real time instead.
            options.Timeouts.Attempt = Timeout.InfiniteTimeSpan;
            options.Timeouts.Total = Timeout.InfiniteTimeSpan;
        }

        configure?.Invoke(options);
        return new MmsClient(options, loggerFactory: loggerFactory);
    }

    public void Reply(string body, int status = 200, string contentType = "text/xml") =>
        Server.Given(Request.Create().WithPath(Path).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

    /// <summary>Answers the given (status, body) pairs in order, then the last one forever.</summary>
    public void Sequence(params (int Status, string Body)[] answers)
    {
        for (var i = 0; i < answers.Length; i++)
        {
            var given = Server.Given(Request.Create().WithPath(Path).UsingPost()).InScenario("seq");
            var step = i == 0 ? given : given.WhenStateIs("s" + i);
            var respond = i < answers.Length - 1 ? step.WillSetStateTo("s" + (i + 1)) : step;
            respond.RespondWith(Response.Create().WithStatusCode(answers[i].Status).WithHeader("Content-Type", "text/xml").WithBody(answers[i].Body));
        }
    }

    public IReadOnlyList<ILogEntry> Requests => Server.LogEntries.ToList();

    public string BodyOf(int index) => Encoding.UTF8.GetString(Requests[index].RequestMessage!.BodyAsBytes ?? []);

    public void Dispose() => Server.Stop();
}
