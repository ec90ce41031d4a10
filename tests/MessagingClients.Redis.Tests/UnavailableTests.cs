using MessagingClients.MaxMd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MessagingClients.Redis.Tests;

public sealed class UnavailableTests
{
    private static string DeadRedis() => $"127.0.0.1:{RedisServer.FreePort()},abortConnect=false,connectTimeout=500";

    [Fact]
    public async Task Unreachable_Redis_falls_back_to_a_local_bucket_at_the_account_rate_divided_by_the_instances_with_a_warning_and_a_metric()
    {
        var provider = "p" + Guid.NewGuid().ToString("N");
        using var fallbacks = new FallbackCounter(provider);
        using var logs = new CapturingLogs();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var dead = await ConnectionMultiplexer.ConnectAsync(RedisConnection.Parse(DeadRedis()));
        var factory = new RedisRateLimiterFactory(dead, new RedisMessagingOptions { ExpectedInstanceCount = 4 }, loggerFactory);
        using var limiter = factory.Create(provider, new RateLimitOptions { PermitsPerSecond = 100, Burst = 150 }, TimeProvider.System);

        var granted = 0;
        while (limiter.AttemptAcquire().IsAcquired && granted < 1000)
        {
            granted++;
        }

        Assert.InRange(granted, 38, 39); // ceil(150 / 4), and maybe one refilled at 25/s meanwhile
        Assert.Equal(25, limiter.CurrentPermitsPerSecond);
        Assert.True((await limiter.AcquireAsync(1, TestContext.Current.CancellationToken)).IsAcquired, "waiters are served by the local bucket");
        Assert.Equal(1, fallbacks.Count);
        var warning = Assert.Single(logs.Lines, l => l.EventId == 6001);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("local bucket of 25 requests/s, burst 38", warning.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_fast_refuses_sends_with_a_transient_error_naming_Redis_and_sends_nothing()
    {
        using var provider = new FakeMaxMd();
        using var limiterOnly = new AppInstance(provider.Endpoint, DeadRedis(), o =>
        {
            o.WhenUnavailable = RedisUnavailableMode.FailFast;
            o.UseForIdempotency = false;
        });
        using var both = new AppInstance(provider.Endpoint, DeadRedis(), o => o.WhenUnavailable = RedisUnavailableMode.FailFast);

        var limiterError = await Assert.ThrowsAsync<MessagingException>(() => limiterOnly.Client.SendMessageAsync(AppInstance.Message("k1"), TestContext.Current.CancellationToken));
        var storeError = await Assert.ThrowsAsync<MessagingException>(() => both.Client.SendMessageAsync(AppInstance.Message("k2"), TestContext.Current.CancellationToken));

        Assert.Equal(MessagingErrorKind.Throttled, limiterError.Kind);
        Assert.True(limiterError.IsTransient);
        Assert.Equal(0, limiterError.Attempts);
        Assert.Contains("cannot reach Redis", limiterError.Description, StringComparison.Ordinal);
        Assert.Equal(MessagingErrorKind.Unavailable, storeError.Kind);
        Assert.True(storeError.IsTransient);
        Assert.Contains("cannot reach Redis", storeError.Description, StringComparison.Ordinal);
        Assert.Empty(provider.Sends);
    }

    [Fact]
    public async Task Redis_stopped_mid_run_falls_back_and_nothing_is_lost_or_sent_twice()
    {
        await using var server = await RedisServer.StartAsync();
        using var provider = new FakeMaxMd();
        using var logs = new CapturingLogs();
        var account = "acct-" + Guid.NewGuid().ToString("N");
        void Configure(RedisMessagingOptions o)
        {
            o.AccountId = account;
            o.ExpectedInstanceCount = 2;
        }

        using var a = new AppInstance(provider.Endpoint, server.ConnectionString, Configure, o => { o.RateLimit.PermitsPerSecond = 200; o.RateLimit.Burst = 200; }, logs);
        using var b = new AppInstance(provider.Endpoint, server.ConnectionString, Configure, o => { o.RateLimit.PermitsPerSecond = 200; o.RateLimit.Burst = 200; }, logs);
        var keys = Enumerable.Range(0, 500).Select(i => $"msg-{i}-{Guid.NewGuid():N}").ToArray();
        var next = -1;
        var results = new System.Collections.Concurrent.ConcurrentBag<MaxMdSendResult>();

        async Task Worker(AppInstance instance)
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < keys.Length)
            {
                results.Add(await instance.Client.SendMessageAsync(AppInstance.Message(keys[i]), TestContext.Current.CancellationToken));
            }
        }

        var workers = Enumerable.Range(0, 8).SelectMany(_ => new[] { Task.Run(() => Worker(a)), Task.Run(() => Worker(b)) }).ToArray();
        while (provider.Sends.Count < 250)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await server.StopAsync();
        await Task.WhenAll(workers);

        Assert.Equal(keys.Length, results.Count);
        Assert.All(results, r => Assert.False(r.IsReplay));
        Assert.Equal(keys.Length, provider.Sends.Count);
        Assert.Equal(keys.Order(), provider.Sends.Select(s => s.Key).Order());
        Assert.Contains(logs.Lines, l => l.EventId == 6001);
        Assert.Contains(logs.Lines, l => l.EventId == 6004);
    }

    [Fact]
    public void Invalid_options_fail_at_start_naming_the_setting_and_a_missing_connection_string_at_once()
    {
        var services = new ServiceCollection();
        services.AddMessagingClients(b => b.AddMaxMd(o =>
        {
            o.Username = "u@direct.example.com";
            o.Password = "p";
        }).UseRedis(DeadRedis(), o =>
        {
            o.ExpectedInstanceCount = 0;
            o.AccountId = " ";
        }));
        using var sp = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<RedisMessagingOptions>>().Value);
        Assert.Contains("Messaging:Redis:ExpectedInstanceCount must be at least 1 (got 0).", error.Failures);
        Assert.Contains("Messaging:Redis:AccountId is required.", error.Failures);

        var missing = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMessagingClients(b => b.UseRedis("  ")));
        Assert.Equal("connectionString", missing.ParamName);
        var bad = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMessagingClients(b => b.UseRedis("host:6379,password=hunter2,connectTimeout=soon")));
        Assert.Equal("connectionString", bad.ParamName);
        Assert.DoesNotContain("hunter2", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_bind_from_the_Redis_section_of_the_messaging_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Messaging:Redis:AccountId"] = "acme-prod",
            ["Messaging:Redis:ExpectedInstanceCount"] = "4",
            ["Messaging:Redis:WhenUnavailable"] = "FailFast",
        }).Build();
        var services = new ServiceCollection();
        services.AddMessagingClients(configuration.GetSection("Messaging"), b => b.UseRedis(DeadRedis(), o => o.KeyPrefix = "app1"));
        using var sp = services.BuildServiceProvider();

        var options = sp.GetRequiredService<IOptions<RedisMessagingOptions>>().Value;

        Assert.Equal("acme-prod", options.AccountId);
        Assert.Equal(4, options.ExpectedInstanceCount);
        Assert.Equal(RedisUnavailableMode.FailFast, options.WhenUnavailable);
        Assert.Equal("app1", options.KeyPrefix);
    }
}
