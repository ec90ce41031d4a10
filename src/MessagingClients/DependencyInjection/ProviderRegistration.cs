using System;
using System.Net.Http;
using MessagingClients.DependencyInjection;
using MessagingClients.Transport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessagingClients;

/// <summary>What every provider's <c>AddXxx</c> does; the provider supplies its names and how to make its client.</summary>
internal static class ProviderRegistration
{
    public static string HttpClientName(string providerName) => "MessagingClients." + providerName;

    /// <summary>
    /// Registers a provider: options bound from <c>Defaults</c> then the provider's section, then <paramref name="configure"/>;
    /// validated at start; a named <see cref="HttpClient"/>; one <see cref="ProviderTransport"/> keyed by provider name;
    /// the client; and the client as keyed and enumerable <see cref="IMessageSender"/>. Calling it again for the same provider
    /// only adds <paramref name="configure"/>.
    /// </summary>
    public static MessagingClientsBuilder AddProvider<TClient, TOptions>(
        this MessagingClientsBuilder builder,
        string providerName,
        string sectionName,
        Action<TOptions>? configure,
        Func<IServiceProvider, TOptions, ProviderTransport, IIdempotencyStore, TClient> createClient)
        where TClient : class, IMessageSender
        where TOptions : MessagingClientOptions, new()
    {
        var services = builder.Services;
        var options = services.AddOptions<TOptions>();
        if (!builder.RegisteredProviders.Add(providerName))
        {
            if (configure is not null)
            {
                options.Configure(configure);
            }

            return builder;
        }

        if (builder.Configuration is { } configuration)
        {
            // Defaults first, then the provider's own values over them. Bound before any Configure callback runs.
            services.AddSingleton<IConfigureOptions<TOptions>>(new ConfigureFromConfiguration<TOptions>(
                configuration.GetSection("Defaults"), configuration.GetSection(sectionName)));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddSingleton<IValidateOptions<TOptions>>(new MessagingOptionsValidator<TOptions>(builder.PathOf(sectionName)));
        options.ValidateOnStart();

        var httpClientName = HttpClientName(providerName);
        services.AddHttpClient(httpClientName)
            .ConfigureHttpClient(client => StandaloneHttpClient.Configure(client))
            .ConfigurePrimaryHttpMessageHandler(StandaloneHttpClient.CreateHandler);

        services.TryAddSingleton<IIdempotencyStore>(_ => new InMemoryIdempotencyStore());
        services.AddKeyedSingleton<ProviderTransport>(providerName, (sp, _) =>
        {
            var value = sp.GetRequiredService<IOptions<TOptions>>().Value;
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new ProviderTransport(providerName, value, () => factory.CreateClient(httpClientName), sp.GetService<ILoggerFactory>(),
                rateLimiterFactory: sp.GetService<IRateLimiterFactory>());
        });
        services.AddSingleton<TClient>(sp =>
        {
            var value = sp.GetRequiredService<IOptions<TOptions>>().Value;
            var store = value.IdempotencyStore ?? sp.GetRequiredService<IIdempotencyStore>();
            return createClient(sp, value, sp.GetRequiredKeyedService<ProviderTransport>(providerName), store);
        });
        services.AddKeyedSingleton<IMessageSender>(providerName, (sp, _) => sp.GetRequiredService<TClient>());
        services.AddSingleton<IMessageSender>(sp => sp.GetRequiredService<TClient>());
        return builder;
    }

    private sealed class ConfigureFromConfiguration<TOptions> : IConfigureOptions<TOptions>
        where TOptions : class
    {
        private readonly IConfiguration _defaults;
        private readonly IConfiguration _section;

        public ConfigureFromConfiguration(IConfiguration defaults, IConfiguration section)
        {
            _defaults = defaults;
            _section = section;
        }

        public void Configure(TOptions options)
        {
            _defaults.Bind(options);
            _section.Bind(options);
        }
    }
}
