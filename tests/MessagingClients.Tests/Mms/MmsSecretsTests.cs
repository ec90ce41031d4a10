using System.Collections.Concurrent;
using MessagingClients.Mms;
using MessagingClients.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Tests.Mms;

public sealed class MmsSecretsTests : IDisposable
{
    private readonly MmsTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task Neither_logs_nor_exceptions_carry_the_api_key_or_the_request_body()
    {
        _kit.Sequence((200, MmsTestKit.Failure("E113")), (200, MmsTestKit.Failure("E104", "bad key")));
        var sink = new CollectingProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(sink));
        var time = new DrivenTimeProvider();
        MmsClientOptions options = null!;
        using var client = _kit.Client(o => options = o, time, factory);

        var error = await Assert.ThrowsAsync<MessagingException>(() => time.RunAsync(() => client.SendSmsAsync(new SmsMessage { To = "+17743199144", Text = "secret text" })));

        Assert.Equal(MessagingErrorKind.Authentication, error.Kind);
        Assert.NotEmpty(sink.Lines);
        foreach (var text in sink.Lines.Append(error.ToString()).Append(options.ToString()))
        {
            Assert.DoesNotContain(MmsTestKit.ApiKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("<REQUEST>", text, StringComparison.Ordinal);
            Assert.DoesNotContain("secret text", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Predefined_and_character_entities_still_work_in_postbacks()
    {
        var inbound = Assert.IsType<InboundMessage>(MmsPostbackParser.Parse(
            "<POSTBACK><ORIGIN>SMS_MO</ORIGIN><CODE>N211</CODE><TEXT>Fish &amp; chips &lt;3 &#x263A; &#233;</TEXT></POSTBACK>"));

        Assert.Equal("Fish & chips <3 ☺ é", inbound.Text);
    }

    private sealed class CollectingProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CollectingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
