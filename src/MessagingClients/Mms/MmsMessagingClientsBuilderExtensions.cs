using System;
using MessagingClients.Internal;
using MessagingClients.Mms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MessagingClients;

/// <summary>Registers the MMS/SMS client.</summary>
public static class MmsMessagingClientsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="MmsClient"/>, also as keyed (<c>"mms"</c>) and enumerable <see cref="IMessageSender"/>, with options
    /// bound from <c>Messaging:Defaults</c> then <c>Messaging:Mms</c> (when the builder has configuration), then
    /// <paramref name="configure"/>; validated at start.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddMessagingClients(...)</c>.</param>
    /// <param name="configure">Further settings in code.</param>
    /// <returns>The builder.</returns>
    public static MessagingClientsBuilder AddMms(this MessagingClientsBuilder builder, Action<MmsClientOptions>? configure = null)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        return builder.AddProvider<MmsClient, MmsClientOptions>(MmsClient.Name, MmsClient.SectionName, configure,
            (sp, options, transport, store) => new MmsClient(
                new ClientCore(transport, store, sp.GetService<ILoggerFactory>(), ownsTransport: false), options));
    }
}
