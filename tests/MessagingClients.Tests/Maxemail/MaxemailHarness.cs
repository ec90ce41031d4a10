using System.Collections.Concurrent;
using System.Text;
using MessagingClients.Maxemail;
using MessagingClients.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MessagingClients.Tests.Maxemail;

/// <summary>A WireMock server standing in for Maxemail, a client pointed at it on a driven fake clock, and captured logs.</summary>
internal sealed class MaxemailHarness : IDisposable
{
    /// <summary>The seed's example credentials (its Authorization header decodes to these).</summary>
    public const string SeedUsername = "test@example.com";
    public const string SeedPassword = "youThoughtIWouldIncludeRealCredentials?";

    public MaxemailHarness(Action<MaxemailClientOptions>? configure = null)
    {
        Server = WireMockServer.Start();
        Time = new DrivenTimeProvider();
        Options = new MaxemailClientOptions
        {
            Endpoint = new Uri(Server.Url! + "/"),
            Username = SeedUsername,
            Password = SeedPassword,
            TimeProvider = Time,
        };

        // Real HTTP is in flight while the fake clock is driven: no timeouts unless a test sets one (and then tells the clock,
        // with NotifyIdle, which request stalls), so a slow request on a loaded machine is never mistaken for a timeout.
        Options.Timeouts.Attempt = Timeout.InfiniteTimeSpan;
        Options.Timeouts.Total = Timeout.InfiniteTimeSpan;
        configure?.Invoke(Options);
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        Client = new MaxemailClient(Options, loggerFactory: LoggerFactory);
    }

    public WireMockServer Server { get; }

    public DrivenTimeProvider Time { get; }

    public MaxemailClientOptions Options { get; }

    public MaxemailClient Client { get; }

    public ILoggerFactory LoggerFactory { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(e => e.RequestMessage!).OrderBy(r => r.DateTime).ToList();

    public string Body(int index = 0) => Encoding.UTF8.GetString(Requests[index].BodyAsBytes ?? Array.Empty<byte>());

    public static IRequestBuilder Post(string service) => Request.Create().WithPath("/api/json/" + service).UsingPost();

    public static IResponseBuilder Json(string json, int status = 200) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(json);

    public void Answer(string service, string json, int status = 200) => Server.Given(Post(service)).RespondWith(Json(json, status));

    /// <summary>Answers <paramref name="service"/> with each response in turn; the last one repeats.</summary>
    public void Sequence(string service, params IResponseBuilder[] responses)
    {
        var scenario = Guid.NewGuid().ToString("N");
        for (var i = 0; i < responses.Length; i++)
        {
            var given = Server.Given(Post(service)).InScenario(scenario);
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

    public Task<T> RunAsync<T>(Func<Task<T>> operation) => Time.RunAsync(operation);

    public void Dispose()
    {
        Client.Dispose();
        LoggerFactory.Dispose();
        Server.Stop();
        Server.Dispose();
    }
}

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
    }
}
