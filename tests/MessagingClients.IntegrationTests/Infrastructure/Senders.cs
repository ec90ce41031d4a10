using MessagingClients.Maxemail;
using MessagingClients.MaxMd;
using MessagingClients.Mms;
using MessagingClients.Testing;

namespace MessagingClients.IntegrationTests.Infrastructure;

/// <summary>One provider's client against the simulator, with a message factory.</summary>
internal sealed class Sender : IDisposable
{
    private Sender(IMessageSender client, SimulatedProvider provider, Func<int, string?, OutgoingMessage> message)
    {
        Client = client;
        Provider = provider;
        Message = message;
    }

    public IMessageSender Client { get; }

    public SimulatedProvider Provider { get; }

    public Func<int, string?, OutgoingMessage> Message { get; }

    public static Sender For(ProviderSimulator sim, string provider, Action<MessagingClientOptions>? configure = null) => provider switch
    {
        "maxmd" => new Sender(new MaxMdClient(Configure(sim.MaxMd.CreateClientOptions().Fast(), configure)), sim.MaxMd, Sim.Direct),
        "maxemail" => new Sender(new MaxemailClient(Configure(sim.Maxemail.CreateClientOptions().Fast(), configure)), sim.Maxemail, Sim.Email),
        "mms" => new Sender(new MmsClient(Configure(sim.Mms.CreateClientOptions().Fast(), configure)), sim.Mms, Sim.Sms),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public Task<SendReceipt> SendAsync(int i, string? key = null) => Client.SendAsync(Message(i, key), Sim.Token);

    public void Dispose() => ((IDisposable)Client).Dispose();

    private static T Configure<T>(T options, Action<MessagingClientOptions>? configure)
        where T : MessagingClientOptions
    {
        configure?.Invoke(options);
        return options;
    }
}
