using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingClients.Dispatch;

/// <summary>
/// Gives the one <see cref="MessageDispatcher"/> of each registered provider; registered by <c>AddDispatcher</c>.
/// The same dispatcher is also resolvable as the keyed service <c>GetRequiredKeyedService&lt;MessageDispatcher&gt;("maxmd")</c>.
/// </summary>
public interface IMessageDispatcherFactory
{
    /// <summary>The provider's dispatcher, created (and started) on first use and shared afterwards; stopped when the container is disposed.</summary>
    /// <param name="providerName">The provider: <c>"maxmd"</c>, <c>"maxemail"</c> or <c>"mms"</c>.</param>
    /// <returns>The dispatcher.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="IMessageSender"/> is registered for <paramref name="providerName"/>.</exception>
    MessageDispatcher GetDispatcher(string providerName);
}

/// <summary>The DI implementation: one dispatcher per provider over the keyed <see cref="IMessageSender"/>.</summary>
internal sealed class MessageDispatcherFactory : IMessageDispatcherFactory, IAsyncDisposable, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly ConcurrentDictionary<string, Lazy<MessageDispatcher>> _dispatchers = new(StringComparer.Ordinal);

    public MessageDispatcherFactory(IServiceProvider services) => _services = services;

    public MessageDispatcher GetDispatcher(string providerName)
    {
        if (string.IsNullOrEmpty(providerName))
        {
            throw new ArgumentException("The provider name is required.", nameof(providerName));
        }

        return _dispatchers.GetOrAdd(providerName, name => new Lazy<MessageDispatcher>(() => Create(name))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dispatcher in Created())
        {
            await dispatcher.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var dispatcher in Created())
        {
            dispatcher.Dispose();
        }
    }

    private MessageDispatcher[] Created() =>
        _dispatchers.Values.Where(l => l.IsValueCreated).Select(l => l.Value).ToArray();

    private MessageDispatcher Create(string providerName)
    {
        var sender = _services.GetKeyedService<IMessageSender>(providerName)
            ?? throw new InvalidOperationException(
                "No IMessageSender is registered for provider '" + providerName + "': register it first, for example with AddMaxMd(...), then resolve its dispatcher.");
        var options = _services.GetRequiredService<IOptions<DispatcherOptions>>().Value;
        var store = _services.GetRequiredService<IDeadLetterStore>();
        var logger = _services.GetService<ILoggerFactory>()?.CreateLogger("MessagingClients.Dispatch." + providerName);
        return new MessageDispatcher(sender, options, store, logger);
    }
}
