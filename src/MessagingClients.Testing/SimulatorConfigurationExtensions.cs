using System;
using MessagingClients.Testing;

namespace Microsoft.Extensions.Configuration;

/// <summary>Points configuration-bound MessagingClients at a <see cref="ProviderSimulator"/>.</summary>
public static class SimulatorConfigurationExtensions
{
    /// <summary>
    /// Adds the simulator's endpoints and credentials under <paramref name="sectionPath"/> (<c>Messaging:MaxMd:Endpoint</c> …),
    /// over whatever was added before, so <c>services.AddMessagingClients(configuration.GetSection("Messaging"))</c> talks to it.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="simulator">The running simulator.</param>
    /// <param name="sectionPath">The messaging section's path. Default <c>Messaging</c>.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddProviderSimulator(this IConfigurationBuilder builder, ProviderSimulator simulator, string sectionPath = "Messaging")
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        if (simulator is null)
        {
            throw new ArgumentNullException(nameof(simulator));
        }

        return builder.AddInMemoryCollection(simulator.ToConfiguration(sectionPath));
    }
}
