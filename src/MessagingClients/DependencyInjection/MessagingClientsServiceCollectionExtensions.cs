using System;
using MessagingClients;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MessagingClients provider clients.</summary>
public static class MessagingClientsServiceCollectionExtensions
{
    /// <summary>
    /// Registers every provider whose section is present in <paramref name="configuration"/> (the <c>Messaging</c> section:
    /// <c>MaxMd</c>, <c>Maxemail</c>, <c>Mms</c>), with <c>Defaults</c> merged under each provider's own values.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>Messaging</c> configuration section.</param>
    /// <param name="configure">Further registration or configuration in code, applied after the sections.</param>
    /// <returns>The builder, for further registration.</returns>
    public static MessagingClientsBuilder AddMessagingClients(this IServiceCollection services, IConfiguration configuration, Action<MessagingClientsBuilder>? configure = null)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        var builder = new MessagingClientsBuilder(services, configuration);
        foreach (var provider in KnownProviders.All)
        {
            if (configuration.GetSection(provider.SectionName).Exists())
            {
                provider.Register(builder);
            }
        }

        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>Registers providers in code: <c>services.AddMessagingClients(b => b.AddMaxMd(o => …).AddMms(o => …))</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds the providers.</param>
    /// <returns>The builder, for further registration.</returns>
    public static MessagingClientsBuilder AddMessagingClients(this IServiceCollection services, Action<MessagingClientsBuilder> configure)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        if (configure is null)
        {
            throw new ArgumentNullException(nameof(configure));
        }

        var builder = new MessagingClientsBuilder(services, null);
        configure(builder);
        return builder;
    }
}
