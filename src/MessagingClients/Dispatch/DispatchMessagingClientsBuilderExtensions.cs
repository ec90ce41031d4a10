using System;
using System.Linq;
using MessagingClients.Dispatch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MessagingClients;

/// <summary>Registers the bulk dispatcher.</summary>
public static class DispatchMessagingClientsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IMessageDispatcherFactory"/> (one <see cref="MessageDispatcher"/> per provider, created on first use,
    /// stopped when the container is disposed), the keyed <see cref="MessageDispatcher"/> for any registered provider name
    /// (<c>GetRequiredKeyedService&lt;MessageDispatcher&gt;("maxmd")</c>), and an <see cref="IDeadLetterStore"/> unless one is
    /// registered already: a <see cref="JsonLinesDeadLetterStore"/> at <see cref="DispatcherOptions.DeadLetterPath"/>, or in memory.
    /// Options come from <c>Messaging:Dispatch</c>, then <paramref name="configure"/>, and are validated at start-up. A registered
    /// <see cref="TimeProvider"/> is used when <see cref="DispatcherOptions.TimeProvider"/> is null.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddMessagingClients(...)</c>.</param>
    /// <param name="configure">Sets options in code.</param>
    /// <returns>The builder, for further registration.</returns>
    public static MessagingClientsBuilder AddDispatcher(this MessagingClientsBuilder builder, Action<DispatcherOptions>? configure = null)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        var services = builder.Services;
        var options = services.AddOptions<DispatcherOptions>();
        if (!services.Any(d => d.ServiceType == typeof(IMessageDispatcherFactory)))
        {
            if (builder.Configuration is { } configuration)
            {
                options.Bind(configuration.GetSection(DispatcherOptions.SectionName));
            }

            options.PostConfigure<IServiceProvider>((o, sp) => o.TimeProvider ??= sp.GetService<TimeProvider>());
            services.AddSingleton<IValidateOptions<DispatcherOptions>>(new DispatcherOptionsValidator(builder.PathOf(DispatcherOptions.SectionName)));
            options.ValidateOnStart();
            services.TryAddSingleton<IDeadLetterStore>(sp =>
            {
                var path = sp.GetRequiredService<IOptions<DispatcherOptions>>().Value.DeadLetterPath;
                return string.IsNullOrWhiteSpace(path) ? new InMemoryDeadLetterStore() : new JsonLinesDeadLetterStore(path!);
            });
            services.AddSingleton<IMessageDispatcherFactory>(sp => new MessageDispatcherFactory(sp));
            services.AddKeyedSingleton<MessageDispatcher>(KeyedService.AnyKey, (sp, key) =>
                sp.GetRequiredService<IMessageDispatcherFactory>().GetDispatcher(key as string
                    ?? throw new InvalidOperationException("A MessageDispatcher is keyed by provider name (a string), for example \"maxmd\".")));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder;
    }

    private sealed class DispatcherOptionsValidator : IValidateOptions<DispatcherOptions>
    {
        private readonly string _prefix;

        public DispatcherOptionsValidator(string prefix) => _prefix = prefix;

        public ValidateOptionsResult Validate(string? name, DispatcherOptions options)
        {
            var failures = options.Validate(_prefix).ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
