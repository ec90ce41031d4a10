using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MessagingClients.MaxMd;
using MessagingClients.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MessagingClients.Tests.MaxMd;

/// <summary>
/// A MaxMD client against a WireMock.Net server on loopback, on a <see cref="DrivenTimeProvider"/>, with every log line captured
/// and the fake time of each request recorded. Timeouts are off: real sockets and a jumping fake clock do not mix, and the
/// retry delays are what these tests measure.
/// </summary>
internal sealed class MaxMdHarness : IDisposable
{
    public const string Username = "sender@direct.example.com";
    public const string Password = "Pa55-w0rd-Secret!";
    public const string BasePath = "/message-rest/api/message/";
    public const string SmtpId = "<1006462692.13.1775588067812.JavaMail.root@1342438-rs5r8.max.md>";

    private readonly HttpClient _http;
    private readonly ILoggerFactory _loggerFactory;

    public MaxMdHarness(Action<MaxMdClientOptions>? configure = null, Uri? endpoint = null)
    {
        Server = WireMockServer.Start();
        Time = new DrivenTimeProvider();
        Recorder = new TimeStampingHandler(Time, new HttpClientHandler());
        _http = new HttpClient(Recorder);
        Logs = new CapturingLoggerProvider();
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        Options = new MaxMdClientOptions
        {
            Endpoint = endpoint ?? new Uri(Server.Url + BasePath),
            Username = Username,
            Password = Password,
            TimeProvider = Time,
        };
        Options.Timeouts.Attempt = Timeout.InfiniteTimeSpan;
        Options.Timeouts.Total = Timeout.InfiniteTimeSpan;
        configure?.Invoke(Options);
        Client = new MaxMdClient(Options, _http, _loggerFactory);
    }

    public WireMockServer Server { get; }

    public DrivenTimeProvider Time { get; }

    public TimeStampingHandler Recorder { get; }

    public CapturingLoggerProvider Logs { get; }

    public MaxMdClientOptions Options { get; }

    public MaxMdClient Client { get; }

    public static string SuccessJson(string smtpId = SmtpId) =>
        "{\"smtpId\":\"" + smtpId + "\",\"message\":\"Message sent. Message was sent and saved to INBOX.Sent folder\",\"code\":0,\"success\":true}";

    public static IResponseBuilder Json(string json, int status = 200) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(json);

    /// <summary>Answers the given responses in order to requests on <paramref name="operationPath"/>; the last one repeats.</summary>
    public void Sequence(string method, string operationPath, params IResponseBuilder[] responses)
    {
        var scenario = Guid.NewGuid().ToString("N");
        for (var i = 0; i < responses.Length; i++)
        {
            var request = Request.Create().WithPath(BasePath + operationPath).UsingMethod(method);
            var given = Server.Given(request).InScenario(scenario);
            if (i > 0)
            {
                given = given.WhenStateIs("step" + i);
            }

            if (i < responses.Length - 1)
            {
                given = given.WillSetStateTo("step" + (i + 1));
            }

            given.RespondWith(responses[i]);
        }
    }

    public void OnSend(params IResponseBuilder[] responses) => Sequence("PUT", "Send", responses);

    /// <summary>Gaps between consecutive requests, in fake seconds.</summary>
    public double[] Gaps()
    {
        var at = Recorder.Requests.Select(r => r.At).ToArray();
        return at.Zip(at.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
    }

    public Task<T> Run<T>(Func<MaxMdClient, Task<T>> operation) => Time.RunAsync(() => operation(Client));

    public async Task<MessagingException> Fails<T>(Func<MaxMdClient, Task<T>> operation) =>
        await Assert.ThrowsAsync<MessagingException>(() => Run(operation));

    public static DirectMessage Message() => DirectMessage.Text("dr.a@direct.hospital.example", "Referral", "Patient summary attached.");

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
        _loggerFactory.Dispose();
        Server.Stop();
        Server.Dispose();
    }

    /// <summary>A loopback port nothing listens on: connecting is refused at once.</summary>
    public static Uri RefusingEndpoint()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}{BasePath}");
    }
}

/// <summary>Stamps each request with the fake time it left at, and keeps its body and headers.</summary>
internal sealed class TimeStampingHandler : DelegatingHandler
{
    private readonly TimeProvider _time;

    public TimeStampingHandler(TimeProvider time, HttpMessageHandler inner)
        : base(inner) => _time = time;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, body, headers, _time.GetUtcNow()));
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Keeps every log line, formatted, with its exception and state values.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger : ILogger
    {
        private readonly CapturingLoggerProvider _owner;
        private readonly string _category;

        public Logger(CapturingLoggerProvider owner, string category)
        {
            _owner = owner;
            _category = category;
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => p.Key + "=" + p.Value)) : string.Empty;
            _owner.Lines.Enqueue($"{logLevel} {_category} [{eventId.Id}] {formatter(state, exception)} | {values} | {exception}");
        }
    }
}
