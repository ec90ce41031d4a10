using MessagingClients.Idempotency;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace MessagingClients.Tests.Idempotency;

public sealed class InMemoryIdempotencyStoreTests
{
    private static SendReceipt Receipt(string key, string id = "id-1") =>
        new() { ProviderName = "test", IdempotencyKey = key, ProviderMessageId = id, Attempts = 1 };

    private static Task<SendReceipt> RunOnce(IIdempotencyStore store, string key, Func<CancellationToken, Task<SendReceipt>> send) =>
        IdempotentSend.RunAsync(store, "test", key, NullLogger.Instance, send, CancellationToken.None);

    [Fact]
    public async Task A_completed_key_returns_its_receipt_as_a_replay_without_sending()
    {
        var store = new InMemoryIdempotencyStore();
        var sends = 0;
        Task<SendReceipt> Send(CancellationToken _)
        {
            sends++;
            return Task.FromResult(Receipt("k1"));
        }

        var first = await RunOnce(store, "k1", Send);
        var second = await RunOnce(store, "k1", Send);

        Assert.Equal(1, sends);
        Assert.False(first.IsReplay);
        Assert.True(second.IsReplay);
        Assert.Equal("id-1", second.ProviderMessageId);
    }

    [Fact]
    public async Task A_concurrent_send_with_the_same_key_waits_for_the_first_and_does_not_send()
    {
        var store = new InMemoryIdempotencyStore();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = 0;
        async Task<SendReceipt> Send(CancellationToken _)
        {
            Interlocked.Increment(ref sends);
            started.TrySetResult();
            await release.Task;
            return Receipt("k2");
        }

        var first = RunOnce(store, "k2", Send);
        await started.Task;
        var second = RunOnce(store, "k2", Send);
        Assert.False(second.IsCompleted);

        release.SetResult();
        var results = await Task.WhenAll(first, second);

        Assert.Equal(1, sends);
        Assert.True(results[1].IsReplay);
    }

    [Fact]
    public async Task A_failed_send_releases_the_key_so_a_later_call_may_send()
    {
        var store = new InMemoryIdempotencyStore();
        await Assert.ThrowsAsync<InvalidOperationException>(() => RunOnce(store, "k3", _ => throw new InvalidOperationException("failed")));

        var receipt = await RunOnce(store, "k3", _ => Task.FromResult(Receipt("k3")));

        Assert.False(receipt.IsReplay);
    }

    [Fact]
    public async Task A_waiter_takes_over_when_the_first_sender_fails()
    {
        var store = new InMemoryIdempotencyStore();
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = RunOnce(store, "k4", async _ =>
        {
            await fail.Task;
            throw new InvalidOperationException("first failed");
        });
        var secondSent = false;
        var second = RunOnce(store, "k4", _ =>
        {
            secondSent = true;
            return Task.FromResult(Receipt("k4", "id-2"));
        });

        fail.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        var receipt = await second;

        Assert.True(secondSent);
        Assert.Equal("id-2", receipt.ProviderMessageId);
    }

    [Fact]
    public async Task Keys_are_forgotten_after_the_retention_period()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryIdempotencyStore(time, TimeSpan.FromHours(24));
        await RunOnce(store, "k5", _ => Task.FromResult(Receipt("k5")));

        time.Advance(TimeSpan.FromHours(23));
        Assert.NotNull(await store.BeginAsync("test", "k5", TestContext.Current.CancellationToken));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await store.BeginAsync("test", "k5", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_store_is_bounded_and_drops_the_oldest_completed_keys()
    {
        var store = new InMemoryIdempotencyStore(maxEntries: 3);
        for (var i = 0; i < 5; i++)
        {
            await RunOnce(store, "key" + i, _ => Task.FromResult(Receipt("key" + i)));
        }

        Assert.Equal(3, store.Count);
        Assert.Null(await store.BeginAsync("test", "key0", TestContext.Current.CancellationToken));
        Assert.NotNull(await store.BeginAsync("test", "key4", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Scopes_keep_providers_apart()
    {
        var store = new InMemoryIdempotencyStore();
        await store.BeginAsync("maxmd", "same", TestContext.Current.CancellationToken);
        await store.CompleteAsync("maxmd", "same", Receipt("same"), TestContext.Current.CancellationToken);

        Assert.Null(await store.BeginAsync("mms", "same", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_cancelled_waiter_stops_waiting()
    {
        var store = new InMemoryIdempotencyStore();
        await store.BeginAsync("test", "busy", TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource();

        var waiting = store.BeginAsync("test", "busy", cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task Empty_scope_or_key_is_rejected()
    {
        var store = new InMemoryIdempotencyStore();

        var key = await Assert.ThrowsAsync<ArgumentException>(() => store.BeginAsync("test", "").AsTask());
        var scope = await Assert.ThrowsAsync<ArgumentException>(() => store.BeginAsync("", "k").AsTask());

        Assert.Equal("key", key.ParamName);
        Assert.Equal("scope", scope.ParamName);
    }
}
