using System;
using MessagingClients.Internal;
using MessagingClients.Maxemail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MessagingClients;

/// <summary>Registers the Maxemail client.</summary>
public static class MaxemailMessagingClientsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="MaxemailClient"/> (also as keyed <see cref="IMessageSender"/> <c>"maxemail"</c>), with options bound
    /// from <c>Messaging:Defaults</c> and then <c>Messaging:Maxemail</c>, then <paramref name="configure"/>; validated at start.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configuration in code (credentials, <see cref="MaxemailClientOptions.OnDeprecation"/> …), or null.</param>
    /// <returns>The builder.</returns>
    public static MessagingClientsBuilder AddMaxemail(this MessagingClientsBuilder builder, Action<MaxemailClientOptions>? configure = null)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        return builder.AddProvider<MaxemailClient, MaxemailClientOptions>(
            MaxemailClient.Name,
            MaxemailClient.SectionName,
            configure,
            (sp, options, transport, store) => new MaxemailClient(
                new ClientCore(transport, store, sp.GetService<ILoggerFactory>(), ownsTransport: false), options));
    }
}
