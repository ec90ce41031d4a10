using System;
using MessagingClients.Internal;
using MessagingClients.MaxMd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MessagingClients;

/// <summary>Registers the MaxMD Direct client.</summary>
public static class MaxMdMessagingClientsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="MaxMdClient"/> (singleton), the keyed <see cref="IMessageSender"/> <c>"maxmd"</c> and a named
    /// <see cref="System.Net.Http.HttpClient"/>; options come from <c>Messaging:Defaults</c>, then <c>Messaging:MaxMd</c>, then
    /// <paramref name="configure"/>, and are validated at start-up.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddMessagingClients(...)</c>.</param>
    /// <param name="configure">Sets options in code (endpoint, credentials, limits).</param>
    /// <returns>The builder, for further registration.</returns>
    public static MessagingClientsBuilder AddMaxMd(this MessagingClientsBuilder builder, Action<MaxMdClientOptions>? configure = null)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        return builder.AddProvider<MaxMdClient, MaxMdClientOptions>(
            MaxMdClient.Name,
            MaxMdClient.SectionName,
            configure,
            (sp, options, transport, store) => new MaxMdClient(new ClientCore(transport, store, sp.GetService<ILoggerFactory>(), ownsTransport: false), options));
    }
}
