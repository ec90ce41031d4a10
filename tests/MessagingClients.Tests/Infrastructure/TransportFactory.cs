using MessagingClients.Transport;

namespace MessagingClients.Tests.Infrastructure;

/// <summary>Builds a transport over a <see cref="ScriptedHandler"/> on a <see cref="DrivenTimeProvider"/>.</summary>
internal static class TransportFactory
{
    public static (ProviderTransport Transport, ScriptedHandler Handler, DrivenTimeProvider Time) Create(Action<MessagingClientOptions>? configure = null, Func<double>? random = null)
    {
        var time = new DrivenTimeProvider();
        var options = new MessagingClientOptions { TimeProvider = time };
        configure?.Invoke(options);
        var handler = new ScriptedHandler(time);
        var client = new HttpClient(handler);
        return (new ProviderTransport("test", options, () => client, null, random, client), handler, time);
    }
}
