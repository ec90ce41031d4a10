using System;
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MessagingClients;

/// <summary>
/// Registers provider clients; returned by <c>services.AddMessagingClients(...)</c>. Each provider adds an extension method
/// (<c>AddMaxMd</c>, <c>AddMaxemail</c>, <c>AddMms</c>) that binds its configuration section, validates its options at start,
/// and registers its client, a named <see cref="System.Net.Http.HttpClient"/> and a keyed <see cref="IMessageSender"/>.
/// </summary>
public sealed class MessagingClientsBuilder
{
    internal MessagingClientsBuilder(IServiceCollection services, IConfiguration? configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The service collection the clients are registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The <c>Messaging</c> configuration section, when the builder was created from configuration.</summary>
    public IConfiguration? Configuration { get; }

    /// <summary>Providers registered so far, by provider name.</summary>
    internal HashSet<string> RegisteredProviders { get; } = new(StringComparer.Ordinal);

    /// <summary>The configuration path used in validation messages, for example <c>Messaging:MaxMd</c>.</summary>
    internal string PathOf(string sectionName) =>
        Configuration is IConfigurationSection section && !string.IsNullOrEmpty(section.Path)
            ? section.Path + ":" + sectionName
            : "Messaging:" + sectionName;
}
