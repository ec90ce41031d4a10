using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace MessagingClients.AspNetCore.Tests;

public sealed class ProcessingTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RecordingHandler _handler = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_failing_handler_is_retried_with_exponential_backoff_then_kept_as_failed_and_can_be_replayed()
    {
        var time = new TimerRecordingTimeProvider();
        _handler.Time = time;
        var fail = true;
        _handler.Behavior = (_, _, _) => fail ? throw new InvalidOperationException("database down") : Task.CompletedTask;
        await using var host = await ReceiverHost.StartAsync(_dir.Path, _handler, o =>
        {
            o.MaxAttempts = 4;
            o.InitialRetryDelay = TimeSpan.FromSeconds(10);
            o.MaxRetryDelay = TimeSpan.FromSeconds(30);
        }, time: time);

        using var response = await host.PostAsync(Postbacks.SmsDelivered);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Jump the clock to each retry exactly when the receiver has scheduled it.
        var advanced = 0;
        await Wait.UntilAsync(async () =>
        {
            if (time.Delays.Count > advanced)
            {
                time.Advance(time.Delays.ToArray()[advanced++]);
            }

            return (await host.Inbox.GetFailedAsync()).Count == 1;
        }, what: "the postback to fail");

        var calls = _handler.Calls.ToArray();
        Assert.Equal([1, 2, 3, 4], calls.Select(c => c.Context.Attempt));
        var gaps = calls.Zip(calls.Skip(1), (a, b) => b.At - a.At).ToArray();
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30)], gaps);   // doubled, then capped
        var failed = Assert.Single(await host.Inbox.GetFailedAsync());
        Assert.Equal(4, failed.Attempts);
        Assert.Equal("System.InvalidOperationException: database down", failed.LastError);
        Assert.Empty(await host.Inbox.GetPendingAsync());

        fail = false;
        Assert.Equal(1, await host.Inbox.ReplayFailedAsync());
        await Wait.UntilAsync(() => _handler.SuccessCount == 1);
        Assert.Equal(5, _handler.Calls.Count);
        Assert.Equal(1, _handler.Calls.Last().Context.Attempt);
        Assert.Empty(await host.Inbox.GetFailedAsync());
        Assert.Equal(0, await host.Inbox.ReplayFailedAsync());
        Assert.False(await host.Inbox.ReplayAsync(failed.Id));
    }

    [Fact]
    public async Task A_failed_postback_survives_a_restart_and_is_replayed_by_id()
    {
        _handler.Behavior = (_, _, _) => throw new InvalidOperationException("bug");
        string id;
        await using (var first = await ReceiverHost.StartAsync(_dir.Path, _handler, o => o.MaxAttempts = 1))
        {
            using var response = await first.PostAsync(Postbacks.SmsMo);
            await Wait.UntilAsync(async () => (await first.Inbox.GetFailedAsync()).Count == 1);
            id = (await first.Inbox.GetFailedAsync())[0].Id;
        }

        _handler.Behavior = null;
        await using var second = await ReceiverHost.StartAsync(_dir.Path, _handler, o => o.MaxAttempts = 1);
        var failed = Assert.Single(await second.Inbox.GetFailedAsync());
        Assert.Equal(id, failed.Id);
        Assert.Equal(0, _handler.SuccessCount);   // failed postbacks are not retried on their own after a restart

        Assert.True(await second.Inbox.ReplayAsync(id));
        await Wait.UntilAsync(() => _handler.SuccessCount == 1);
        using var redelivery = await second.PostAsync(Postbacks.SmsMo);
        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        await second.DrainAsync(_handler);
        Assert.Equal(1, _handler.SuccessCount);
    }

    [Fact]
    public async Task A_throwing_handler_then_a_restart_loses_nothing_and_handles_nothing_twice()
    {
        const int Count = 40;
        // First run: the handler fails for odd tracking ids; their retry is an hour away when the host stops.
        _handler.Behavior = (p, _, _) => int.Parse(p.Fields["TRACKINGID"][1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1 ? throw new TimeoutException("backend timeout") : Task.CompletedTask;
        void Options(MmsPostbackReceiverOptions o)
        {
            o.MaxAttempts = 10;
            o.InitialRetryDelay = TimeSpan.FromHours(1);
            o.MaxRetryDelay = TimeSpan.FromHours(1);
        }

        await using (var first = await ReceiverHost.StartAsync(_dir.Path, _handler, Options))
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => first.PostAsync(Postbacks.Receipt(i))));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            await Wait.UntilAsync(async () => await first.Inbox.GetPendingAsync() is { Count: Count / 2 } p && p.All(x => x.Attempts == 1),
                what: "the odd half to be pending after one attempt");
            Assert.Equal(Count / 2, _handler.SuccessCount);
            Assert.Equal(Count, _handler.CallCount);
        }

        // Second run, same store, healthy handler: the pending half is processed; redeliveries of everything change nothing.
        _handler.Behavior = null;
        await using var second = await ReceiverHost.StartAsync(_dir.Path, _handler, Options);
        await Wait.UntilAsync(() => _handler.SuccessCount == Count);
        var again = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => second.PostAsync(Postbacks.Receipt(i))));
        Assert.All(again, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await second.DrainAsync(_handler);

        Assert.Equal(Count, _handler.Succeeded.Count);
        Assert.All(Enumerable.Range(0, Count), i => Assert.Equal(1, _handler.Succeeded[Postbacks.KeyOf(i)]));
        var retried = _handler.Calls.Where(c => c.Context.Attempt == 2).ToArray();
        Assert.Equal(Count / 2, retried.Length);
        Assert.Empty(await second.Inbox.GetPendingAsync());
        Assert.Empty(await second.Inbox.GetFailedAsync());
    }

    [Fact]
    public async Task A_handler_cancelled_by_shutdown_is_processed_after_the_restart_without_counting_an_attempt()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Behavior = async (_, _, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        await using (var first = await ReceiverHost.StartAsync(_dir.Path, _handler))
        {
            using var response = await first.PostAsync(Postbacks.SmsDelivered);
            await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        _handler.Behavior = null;
        await using var second = await ReceiverHost.StartAsync(_dir.Path, _handler);
        await Wait.UntilAsync(() => _handler.SuccessCount == 1);
        Assert.Equal(1, _handler.Calls.Last().Context.Attempt);
    }

    /// <summary>A fake clock that records the delays of the timers created on it (the receiver's retry delays).</summary>
    private sealed class TimerRecordingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
        public System.Collections.Concurrent.ConcurrentQueue<TimeSpan> Delays { get; } = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Delays.Enqueue(dueTime);
            return timer;
        }
    }
}
