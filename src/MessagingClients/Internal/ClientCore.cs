using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Idempotency;
using MessagingClients.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MessagingClients.Internal;

/// <summary>
/// What every provider client holds: its transport, its idempotency store and its logger, built either by DI or by the
/// client's own public constructor. Composition rather than a base class keeps the public clients free of internal types.
/// </summary>
internal sealed class ClientCore : IDisposable
{
    private readonly bool _ownsTransport;

    public ClientCore(ProviderTransport transport, IIdempotencyStore store, ILoggerFactory? loggerFactory, bool ownsTransport)
    {
        Transport = transport ?? throw new ArgumentNullException(nameof(transport));
        Store = store ?? throw new ArgumentNullException(nameof(store));
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger("MessagingClients." + transport.ProviderName);
        _ownsTransport = ownsTransport;
    }

    public ProviderTransport Transport { get; }

    public IIdempotencyStore Store { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Logger { get; }

    public string ProviderName => Transport.ProviderName;

    /// <summary>
    /// A client made without DI: validates the options (ArgumentException naming each setting), then uses the caller's
    /// <paramref name="httpClient"/> (not disposed by us) or a pooled one of its own.
    /// </summary>
    public static ClientCore Standalone(string providerName, string configurationPath, MessagingClientOptions options, HttpClient? httpClient, ILoggerFactory? loggerFactory)
    {
        OptionsGuard.ThrowIfInvalid(options, configurationPath);
        var client = httpClient ?? StandaloneHttpClient.Create();
        var transport = new ProviderTransport(providerName, options, () => client, loggerFactory, ownedHttpClient: httpClient is null ? client : null);
        var store = options.IdempotencyStore ?? new InMemoryIdempotencyStore(options.TimeProvider);
        return new ClientCore(transport, store, loggerFactory, ownsTransport: true);
    }

    public Task<TransportResult<T>> SendAsync<T>(ProviderCall<T> call, string? idempotencyKey, CancellationToken cancellationToken) =>
        Transport.SendAsync(call, idempotencyKey, cancellationToken);

    /// <summary>Runs a send once per idempotency key (see <see cref="IdempotentSend"/>).</summary>
    public Task<SendReceipt> SendOnceAsync(string idempotencyKey, Func<CancellationToken, Task<SendReceipt>> send, CancellationToken cancellationToken) =>
        IdempotentSend.RunAsync(Store, ProviderName, idempotencyKey, Logger, send, cancellationToken);

    public void Dispose()
    {
        if (_ownsTransport)
        {
            Transport.Dispose();
        }
    }
}
