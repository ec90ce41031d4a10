using MessagingClients.Internal;
using MessagingClients.Transport;
using MessagingClients.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MessagingClients.Tests.DependencyInjection;

public sealed class TestClientOptions : MessagingClientOptions
{
    public string? ApiKey { get; set; }

    public override IEnumerable<string> Validate(string prefix)
    {
        foreach (var failure in base.Validate(prefix))
        {
            yield return failure;
        }

        if (string.IsNullOrEmpty(ApiKey))
        {
            yield return $"{prefix}:ApiKey is required.";
        }
    }
}

/// <summary>A provider client made of the foundation's parts only, to test DI wiring and ClientCore without a wire format.</summary>
public class TestClient : IMessageSender
{
    internal TestClient(string name, ClientCore core, TestClientOptions options)
    {
        ProviderName = name;
        Core = core;
        Options = options;
    }

    public string ProviderName { get; }

    internal ClientCore Core { get; }

    public TestClientOptions Options { get; }

    public Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        var key = MessagingClients.Idempotency.IdempotentSend.KeyFor(message.IdempotencyKey);
        return Core.SendOnceAsync(key, async ct =>
        {
            var sent = await Core.SendAsync(new TestCall(), key, ct);
            return new SendReceipt { ProviderName = ProviderName, IdempotencyKey = key, ProviderMessageId = sent.Value, Attempts = sent.Attempts, Elapsed = sent.Elapsed };
        }, cancellationToken);
    }
}

/// <summary>A second provider needs a client type of its own: clients are registered by type, as the real ones are.</summary>
public sealed class OtherTestClient : TestClient
{
    internal OtherTestClient(string name, ClientCore core, TestClientOptions options)
        : base(name, core, options)
    {
    }
}

internal static class TestProviderRegistration
{
    public static MessagingClientsBuilder AddTest(this MessagingClientsBuilder builder, string name, string section, Action<TestClientOptions>? configure = null, ScriptedHandler? handler = null) =>
        builder.AddTest<TestClient>(name, section, (n, core, o) => new TestClient(n, core, o), configure, handler);

    public static MessagingClientsBuilder AddOtherTest(this MessagingClientsBuilder builder, string name, string section, Action<TestClientOptions>? configure = null) =>
        builder.AddTest<OtherTestClient>(name, section, (n, core, o) => new OtherTestClient(n, core, o), configure, null);

    private static MessagingClientsBuilder AddTest<TClient>(this MessagingClientsBuilder builder, string name, string section, Func<string, ClientCore, TestClientOptions, TClient> create, Action<TestClientOptions>? configure, ScriptedHandler? handler)
        where TClient : class, IMessageSender
    {
        builder.AddProvider<TClient, TestClientOptions>(name, section, configure, (sp, options, transport, store) =>
            create(name, new ClientCore(transport, store, sp.GetService<ILoggerFactory>(), ownsTransport: false), options));
        if (handler is not null)
        {
            builder.Services.AddHttpClient(ProviderRegistration.HttpClientName(name)).ConfigurePrimaryHttpMessageHandler(() => handler);
        }

        return builder;
    }
}
