using System;
using System.Linq;
using MessagingClients.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MessagingClients;

/// <summary>Shares the provider accounts' limits and idempotency keys between app instances through Redis.</summary>
public static class RedisMessagingClientsBuilderExtensions
{
    /// <summary>
    /// Uses Redis for every provider's rate limiter (one token bucket per provider and account, shared by all instances) and,
    /// unless <see cref="RedisMessagingOptions.UseForIdempotency"/> is false, as the idempotency store. Options bind from the
    /// <c>Redis</c> section of the <c>Messaging</c> configuration, then <paramref name="configure"/>. Starting without Redis
    /// does not fail: the <see cref="RedisMessagingOptions.WhenUnavailable"/> behaviour applies until it answers.
    /// </summary>
    /// <param name="builder">The clients builder.</param>
    /// <param name="connectionString">A StackExchange.Redis connection string, e.g. <c>localhost:6379</c> or <c>redis1:6379,password=…,ssl=true</c>.</param>
    /// <param name="configure">Sets the account id, expected instance count and so on.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or cannot be parsed.</exception>
    public static MessagingClientsBuilder UseRedis(this MessagingClientsBuilder builder, string connectionString, Action<RedisMessagingOptions>? configure = null)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("The Redis connection string is required.", nameof(connectionString));
        }

        ConfigurationOptions configuration;
        try
        {
            configuration = RedisConnection.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The parser's message may quote the string, which may hold a password: do not repeat it.
            throw new ArgumentException("The Redis connection string could not be parsed: " + ex.GetType().Name + ".", nameof(connectionString));
        }

        return builder.UseRedis(new RedisConnection(configuration), configure);
    }

    /// <summary>
    /// Uses Redis, through the application's own connection, for every provider's rate limiter and (unless
    /// <see cref="RedisMessagingOptions.UseForIdempotency"/> is false) as the idempotency store. The connection is not disposed by the clients.
    /// Create it with <c>abortConnect=false</c> so that the app starts while Redis is down.
    /// </summary>
    /// <param name="builder">The clients builder.</param>
    /// <param name="connection">The connection to use.</param>
    /// <param name="configure">Sets the account id, expected instance count and so on.</param>
    /// <returns>The builder.</returns>
    public static MessagingClientsBuilder UseRedis(this MessagingClientsBuilder builder, IConnectionMultiplexer connection, Action<RedisMessagingOptions>? configure = null)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        return builder.UseRedis(new RedisConnection(connection), configure);
    }

    private static MessagingClientsBuilder UseRedis(this MessagingClientsBuilder builder, RedisConnection connection, Action<RedisMessagingOptions>? configure)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        var services = builder.Services;
        var options = services.AddOptions<RedisMessagingOptions>();
        if (services.Any(d => d.ServiceType == typeof(RedisConnection)))
        {
            throw new InvalidOperationException("UseRedis was already called for these clients; call it once.");
        }

        var path = builder.Configuration is IConfigurationSection section && !string.IsNullOrEmpty(section.Path) ? section.Path + ":Redis" : "Messaging:Redis";
        if (builder.Configuration is { } messaging)
        {
            var redisSection = messaging.GetSection("Redis");
            options.Configure(o => redisSection.Bind(o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddSingleton<IValidateOptions<RedisMessagingOptions>>(new Validator(path));
        options.ValidateOnStart();

        services.AddSingleton(connection);
        services.AddSingleton<IRateLimiterFactory>(sp => new RedisRateLimiterFactory(
            () => sp.GetRequiredService<RedisConnection>().Multiplexer,
            sp.GetRequiredService<IOptions<RedisMessagingOptions>>().Value,
            sp.GetService<ILoggerFactory>()));

        // Replaces the in-memory default (or an earlier registration, used again when UseForIdempotency is false).
        var previous = services.LastOrDefault(d => d.ServiceType == typeof(IIdempotencyStore) && !d.IsKeyedService);
        services.RemoveAll<IIdempotencyStore>();
        services.AddSingleton<IIdempotencyStore>(sp =>
        {
            var value = sp.GetRequiredService<IOptions<RedisMessagingOptions>>().Value;
            if (value.UseForIdempotency)
            {
                return new RedisIdempotencyStore(sp.GetRequiredService<RedisConnection>().Multiplexer, value, sp.GetService<ILoggerFactory>());
            }

            return previous switch
            {
                { ImplementationInstance: IIdempotencyStore instance } => instance,
                { ImplementationFactory: { } factory } => (IIdempotencyStore)factory(sp),
                { ImplementationType: { } type } => (IIdempotencyStore)ActivatorUtilities.CreateInstance(sp, type),
                _ => new InMemoryIdempotencyStore(),
            };
        });
        return builder;
    }

    private sealed class Validator : IValidateOptions<RedisMessagingOptions>
    {
        private readonly string _path;

        public Validator(string path) => _path = path;

        public ValidateOptionsResult Validate(string? name, RedisMessagingOptions options)
        {
            var failures = options.Validate(_path).ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
