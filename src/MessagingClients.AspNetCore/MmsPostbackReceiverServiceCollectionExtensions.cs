using System;
using System.IO;
using System.Linq;
using MessagingClients.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MMS postback receiver.</summary>
public static class MmsPostbackReceiverServiceCollectionExtensions
{
    /// <summary>
    /// Registers the MMS postback receiver with <typeparamref name="THandler"/> (scoped) as the handler. Map the endpoint
    /// with <c>app.MapMmsPostbacks("/postbacks/mms")</c>.
    /// </summary>
    /// <typeparam name="THandler">Your <see cref="IMmsPostbackHandler"/>.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the options after they are bound from <c>Messaging:MmsPostbacks</c>.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddMmsPostbackReceiver<THandler>(this IServiceCollection services, Action<MmsPostbackReceiverOptions>? configure = null)
        where THandler : class, IMmsPostbackHandler
    {
        services.AddMmsPostbackReceiver(configure);
        services.TryAddScoped<IMmsPostbackHandler, THandler>();
        return services;
    }

    /// <summary>
    /// Registers the MMS postback receiver: options (bound from <c>Messaging:MmsPostbacks</c> when configuration is
    /// available, then <paramref name="configure"/>), the default <see cref="FilePostbackStore"/> (unless an
    /// <see cref="IPostbackStore"/> is registered), <see cref="IMmsPostbackInbox"/> and the background processor. Register
    /// your <see cref="IMmsPostbackHandler"/> too. When <see cref="MmsPostbackReceiverOptions.TrustedProxies"/> is set, the
    /// forwarded-headers options are set to trust exactly those proxies.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddMmsPostbackReceiver(this IServiceCollection services, Action<MmsPostbackReceiverOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MmsPostbackReceiverOptions>();
        if (services.Any(d => d.ServiceType == typeof(Microsoft.Extensions.Configuration.IConfiguration)))
        {
            options.BindConfiguration(MmsPostbackReceiverOptions.SectionName);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MmsPostbackReceiverOptions>, MmsPostbackReceiverOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ForwardedHeadersOptions>, TrustedProxiesSetup>());

        services.TryAddSingleton<IPostbackStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MmsPostbackReceiverOptions>>().Value;
            var directory = o.StoreDirectory;
            if (!Path.IsPathRooted(directory) && sp.GetService<IHostEnvironment>() is { } environment)
            {
                directory = Path.Combine(environment.ContentRootPath, directory);
            }

            return new FilePostbackStore(directory, sp.GetService<ILogger<FilePostbackStore>>());
        });
        services.TryAddSingleton(sp => new MmsPostbackReceiver(
            sp.GetRequiredService<IOptions<MmsPostbackReceiverOptions>>(),
            sp.GetRequiredService<IPostbackStore>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<ILogger<MmsPostbackReceiver>>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IMmsPostbackInbox>(sp => sp.GetRequiredService<MmsPostbackReceiver>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MmsPostbackProcessor>());
        return services;
    }

    private sealed class MmsPostbackReceiverOptionsValidator : IValidateOptions<MmsPostbackReceiverOptions>
    {
        public ValidateOptionsResult Validate(string? name, MmsPostbackReceiverOptions options)
        {
            var failures = options.Validate(MmsPostbackReceiverOptions.SectionName).ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }

    /// <summary>Trusts exactly the configured proxies for X-Forwarded-For (only when some are configured).</summary>
    private sealed class TrustedProxiesSetup : IConfigureOptions<ForwardedHeadersOptions>
    {
        private readonly IOptions<MmsPostbackReceiverOptions> _receiver;

        public TrustedProxiesSetup(IOptions<MmsPostbackReceiverOptions> receiver) => _receiver = receiver;

        public void Configure(ForwardedHeadersOptions options)
        {
            var proxies = _receiver.Value.TrustedProxies;
            if (proxies.Count == 0)
            {
                return;
            }

            options.ForwardedHeaders |= ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = null;   // walk back through trusted proxies only; stop at the first untrusted hop
            options.KnownProxies.Clear();
#if NET10_0_OR_GREATER
            options.KnownIPNetworks.Clear();
#else
            options.KnownNetworks.Clear();
#endif
            foreach (var text in proxies)
            {
                if (!IpRange.TryParse(text, out var range))
                {
                    continue;   // reported by the options validator
                }

#if NET10_0_OR_GREATER
                options.KnownIPNetworks.Add(range.Network);
#else
                options.KnownNetworks.Add(new Microsoft.AspNetCore.HttpOverrides.IPNetwork(range.Network.BaseAddress, range.Network.PrefixLength));
#endif
            }
        }
    }
}
