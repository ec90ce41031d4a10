using System.Net;
using MessagingClients.MaxMd;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MessagingClients.Redis.Tests;

public sealed class IdempotencyTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private AppInstance Instance(FakeMaxMd provider, string account) =>
        new(provider.Endpoint, redis.Server.ConnectionString, o => o.AccountId = account);

    private static string NewAccount() => "acct-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task The_same_key_sent_concurrently_from_two_instances_is_delivered_once()
    {
        using var provider = new FakeMaxMd(delay: TimeSpan.FromMilliseconds(300));
        var account = NewAccount();
        using var first = Instance(provider, account);
        using var second = Instance(provider, account);
        var key = "order-" + Guid.NewGuid().ToString("N");

        var results = await Task.WhenAll(
            first.Client.SendMessageAsync(AppInstance.Message(key), TestContext.Current.CancellationToken),
            second.Client.SendMessageAsync(AppInstance.Message(key), TestContext.Current.CancellationToken));

        Assert.Equal(1, provider.CountOf(key));
        Assert.Single(results, r => !r.IsReplay);
        Assert.Single(results, r => r.IsReplay);
        Assert.Equal(results[0].SmtpId, results[1].SmtpId);
        Assert.Equal("<" + key + "@max.md>", results[0].SmtpId);
    }

    [Fact]
    public async Task A_completed_key_is_replayed_by_another_instance_and_kept_for_24_hours()
    {
        using var provider = new FakeMaxMd();
        var account = NewAccount();
        using var first = Instance(provider, account);
        using var second = Instance(provider, account);
        var key = "order-" + Guid.NewGuid().ToString("N");

        var sent = await first.Client.SendAsync(new OutgoingMessage { To = ["dr.a@direct.hospital.example"], Subject = "s", Text = "b", IdempotencyKey = key }, TestContext.Current.CancellationToken);
        var replay = await second.Client.SendAsync(new OutgoingMessage { To = ["dr.a@direct.hospital.example"], Subject = "s", Text = "b", IdempotencyKey = key }, TestContext.Current.CancellationToken);

        Assert.Equal(1, provider.CountOf(key));
        Assert.False(sent.IsReplay);
        Assert.True(replay.IsReplay);
        Assert.Equal(sent.ProviderMessageId, replay.ProviderMessageId);
        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync($"messagingclients:maxmd:{account}:idem:{key}");
        Assert.InRange(ttl!.Value.TotalHours, 23.9, 24);
    }

    [Fact]
    public async Task A_failed_send_releases_the_key_so_another_instance_may_send_it()
    {
        using var provider = new FakeMaxMd();
        provider.Server.Given(Request.Create().WithPath(FakeMaxMd.BasePath + "Send").UsingPut()).AtPriority(1)
            .InScenario("fail-once").WillSetStateTo("failed")
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.BadRequest).WithBody("bad"));
        var account = NewAccount();
        using var first = Instance(provider, account);
        using var second = Instance(provider, account);
        var key = "order-" + Guid.NewGuid().ToString("N");

        await Assert.ThrowsAsync<MessagingException>(() => first.Client.SendMessageAsync(AppInstance.Message(key), TestContext.Current.CancellationToken));
        var result = await second.Client.SendMessageAsync(AppInstance.Message(key), TestContext.Current.CancellationToken);

        Assert.False(result.IsReplay);
        Assert.Equal(1, provider.CountOf(key));
        Assert.Equal(2, provider.Server.LogEntries.Count);
    }

    [Fact]
    public async Task An_in_flight_marker_has_a_lease_and_only_its_owner_releases_it()
    {
        var options = new RedisMessagingOptions { AccountId = NewAccount(), IdempotencyLease = TimeSpan.FromMinutes(3) };
        await using var other = await redis.Server.ConnectAsync();
        var owner = new RedisIdempotencyStore(redis.Connection, options);
        var stranger = new RedisIdempotencyStore(other, options);
        var db = redis.Connection.GetDatabase();
        var redisKey = owner.RedisKeyFor("mms", "k1");

        Assert.Null(await owner.BeginAsync("mms", "k1", TestContext.Current.CancellationToken));
        var ttl = await db.KeyTimeToLiveAsync(redisKey);
        Assert.InRange(ttl!.Value.TotalMinutes, 2.9, 3);
        Assert.StartsWith("f:", (string?)await db.StringGetAsync(redisKey), StringComparison.Ordinal);

        await stranger.ReleaseAsync("mms", "k1", TestContext.Current.CancellationToken); // not its key: nothing happens
        Assert.True(await db.KeyExistsAsync(redisKey));

        using var waiting = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stranger.BeginAsync("mms", "k1", waiting.Token));

        await owner.ReleaseAsync("mms", "k1", TestContext.Current.CancellationToken);
        Assert.False(await db.KeyExistsAsync(redisKey));
        Assert.Null(await stranger.BeginAsync("mms", "k1", TestContext.Current.CancellationToken));
        var receipt = new SendReceipt { ProviderName = "mms", IdempotencyKey = "k1", ProviderMessageId = "T-1", Attempts = 2, Warnings = ["w"] };
        await stranger.CompleteAsync("mms", "k1", receipt, TestContext.Current.CancellationToken);

        var stored = await owner.BeginAsync("mms", "k1", TestContext.Current.CancellationToken);
        Assert.Equal("T-1", stored!.ProviderMessageId);
        Assert.Equal(2, stored.Attempts);
        Assert.Equal(["w"], stored.Warnings);
    }

    [Fact]
    public void UseRedis_registers_the_shared_limiter_factory_and_store_and_can_leave_the_store_alone()
    {
        using var provider = new FakeMaxMd();
        using (var instance = Instance(provider, NewAccount()))
        {
            Assert.IsType<RedisRateLimiterFactory>(instance.Services.GetRequiredService<IRateLimiterFactory>());
            Assert.IsType<RedisIdempotencyStore>(instance.Services.GetRequiredService<IIdempotencyStore>());
        }

        var services = new ServiceCollection();
        services.AddMessagingClients(b => b.AddMaxMd(o =>
        {
            o.Endpoint = provider.Endpoint;
            o.Username = "u@direct.example.com";
            o.Password = "p";
        }).UseRedis(redis.Server.ConnectionString, o => o.UseForIdempotency = false));
        using var sp = services.BuildServiceProvider();
        Assert.IsType<InMemoryIdempotencyStore>(sp.GetRequiredService<IIdempotencyStore>());
    }
}
