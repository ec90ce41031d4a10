using System;
using StackExchange.Redis;

namespace MessagingClients.Redis;

/// <summary>The DI container's Redis connection: the caller's, or one made from a connection string (and disposed with the container).</summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly Lazy<IConnectionMultiplexer> _multiplexer;
    private readonly bool _owned;

    public RedisConnection(IConnectionMultiplexer multiplexer)
    {
        _multiplexer = new Lazy<IConnectionMultiplexer>(multiplexer);
    }

    public RedisConnection(ConfigurationOptions configuration)
    {
        _owned = true;
        _multiplexer = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(configuration));
    }

    public IConnectionMultiplexer Multiplexer => _multiplexer.Value;

    /// <summary>
    /// Parses a connection string for use by the clients: starting without Redis must not fail (abortConnect=false), and a
    /// command while disconnected must fail at once (so the fallback applies) rather than wait in a backlog.
    /// </summary>
    public static ConfigurationOptions Parse(string connectionString)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        return configuration;
    }

    public void Dispose()
    {
        if (_owned && _multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }
}
