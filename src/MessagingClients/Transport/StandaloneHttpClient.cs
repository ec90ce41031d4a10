using System;
using System.Net;
using System.Net.Http;
using System.Threading;

namespace MessagingClients.Transport;

/// <summary>
/// The <see cref="HttpClient"/> a client creates for itself when used without dependency injection: pooled connections with
/// keep-alive, DNS changes picked up by recycling connections, and no <see cref="HttpClient.Timeout"/> (the pipeline's
/// timeouts, on the configured clock, are the only ones).
/// </summary>
internal static class StandaloneHttpClient
{
    public static HttpMessageHandler CreateHandler()
    {
#if NET8_0_OR_GREATER
        return new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            MaxConnectionsPerServer = 64,
        };
#else
        return new HttpClientHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        };
#endif
    }

    public static HttpClient Create() => Configure(new HttpClient(CreateHandler(), disposeHandler: true));

    public static HttpClient Configure(HttpClient client)
    {
        client.Timeout = Timeout.InfiniteTimeSpan;
        return client;
    }
}
