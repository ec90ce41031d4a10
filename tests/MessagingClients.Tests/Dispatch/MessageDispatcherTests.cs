using MessagingClients.Dispatch;
using MessagingClients.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace MessagingClients.Tests.Dispatch;

public sealed class MessageDispatcherTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_message_ends_in_exactly_one_receipt_or_one_dead_letter()
    {
        const int count = 500;
        var random = new Random(8);
        var outcome = Enumerable.Range(0, count).Select(_ => random.Next(6)).ToArray();
        var sender = new FakeSender("maxmd", async (m, _) =>
        {
            await Task.Yield();
            var i = int.Parse(m.IdempotencyKey.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
            return outcome[i] switch
            {
                3 => throw new MessagingException("maxmd", "Send", MessagingErrorKind.Unavailable, "overloaded") { IsTransient = true, Attempts = 4, HttpStatus = 503 },
                4 => throw new ArgumentException("To is malformed.", "To"),
                5 => throw new InvalidOperationException("bug in a sender"),
                _ => FakeSender.Receipt("maxmd", m),
            };
        });
        var store = new InMemoryDeadLetterStore();
        await using var dispatcher = new MessageDispatcher(sender, new DispatcherOptions { Workers = 8, Capacity = 16 }, store);

        var tickets = await dispatcher.EnqueueManyAsync(Enumerable.Range(0, count).Select(i => Messages.To("m-" + i)), TestContext.Current.CancellationToken);
        var summary = await dispatcher.StopAsync(Timeout.InfiniteTimeSpan, TestContext.Current.CancellationToken);
        var results = await Messages.AllResults(tickets);

        Assert.Equal(count, results.Length);
        Assert.All(results, r => Assert.True(r.IsSent ^ (r.DeadLetter is not null)));
        Assert.Equal(count, results.Select(r => r.IdempotencyKey).Distinct().Count());
        Assert.All(sender.Calls.GroupBy(c => c.IdempotencyKey), g => Assert.Single(g));
        Assert.Equal(count, sender.Calls.Count);

        var expectedFailed = outcome.Count(o => o >= 3);
        Assert.Equal(count - expectedFailed, results.Count(r => r.IsSent));
        var stored = await store.ListAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(
            results.Where(r => !r.IsSent).Select(r => r.IdempotencyKey).OrderBy(k => k, StringComparer.Ordinal),
            stored.Select(l => l.IdempotencyKey).OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(count, summary.Enqueued);
        Assert.Equal(count - expectedFailed, summary.Sent);
        Assert.Equal(expectedFailed, summary.Failed);
        Assert.Equal(0, summary.Remaining);
        Assert.True(summary.Drained);
        Assert.Empty(summary.Unrecorded);
    }

    [Fact]
    public async Task A_full_queue_pushes_back_on_the_producer()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = new FakeSender("maxmd", async (m, ct) =>
        {
            firstStarted.TrySetResult();
            await release.Task.WaitAsync(ct);
            return FakeSender.Receipt("maxmd", m);
        });
        await using var dispatcher = new MessageDispatcher(sender, new DispatcherOptions { Workers = 1, Capacity = 2 });
        var ct = TestContext.Current.CancellationToken;

        var t1 = await dispatcher.EnqueueAsync(Messages.To("k1"), ct);
        await firstStarted.Task.WaitAsync(ct); // the worker holds k1, in flight
        var t2 = await dispatcher.EnqueueAsync(Messages.To("k2"), ct);
        var t3 = await dispatcher.EnqueueAsync(Messages.To("k3"), ct);

        Assert.False(dispatcher.TryEnqueue(Messages.To("k4"), out var refused));
        Assert.Null(refused);
        var waiting = dispatcher.EnqueueAsync(Messages.To("k5"), ct).AsTask();
        Assert.False(waiting.IsCompleted);
        using (var cts = new CancellationTokenSource())
        {
            var cancelled = dispatcher.EnqueueAsync(Messages.To("k6"), cts.Token).AsTask();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        }

        var progress = dispatcher.GetProgress();
        Assert.Equal(1, progress.InFlight);
        Assert.Equal(2, progress.Queued);

        release.SetResult();
        var t5 = await waiting;
        var summary = await dispatcher.StopAsync(Timeout.InfiniteTimeSpan, ct);

        Assert.Equal(["k1", "k2", "k3", "k5"], sender.Calls.Select(c => c.IdempotencyKey!).ToArray());
        Assert.Equal(4, summary.Enqueued);
        Assert.Equal(4, summary.Sent);
        Assert.All(await Messages.AllResults([t1, t2, t3, t5]), r => Assert.True(r.IsSent));
    }

    [Fact]
    public async Task TryEnqueue_accepts_when_there_is_room_and_refuses_a_fan_out_larger_than_the_room()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = new FakeSender("mms", async (m, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return FakeSender.Receipt("mms", m);
        });
        await using var dispatcher = new MessageDispatcher(sender, new DispatcherOptions { Workers = 1, Capacity = 3 });

        Assert.False(dispatcher.TryEnqueue(Messages.To("big", "+1", "+2", "+3", "+4", "+5"), out _));
        Assert.True(dispatcher.TryEnqueue(Messages.To("small", "+1", "+2"), out var ticket));
        Assert.Equal(["small:0", "small:1"], ticket!.Keys);

        release.SetResult();
        var summary = await dispatcher.StopAsync(Timeout.InfiniteTimeSpan, TestContext.Current.CancellationToken);
        Assert.Equal(2, summary.Sent);
        Assert.False(dispatcher.TryEnqueue(Messages.To("late"), out _));
        await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.EnqueueAsync(Messages.To("late")).AsTask());
    }

    [Fact]
    public async Task Several_recipients_for_a_single_recipient_provider_fan_out_with_derived_keys()
    {
        var sender = new FakeSender("mms");
        await using var dispatcher = new MessageDispatcher(sender);
        var original = Messages.To("order-7", "+15550001", "+15550002", "+15550003");
        original.Metadata["order"] = "7";

        var ticket = await dispatcher.EnqueueAsync(original, TestContext.Current.CancellationToken);
        var results = await ticket.Completion;

        Assert.Equal("order-7", ticket.IdempotencyKey);
        Assert.Equal(["order-7:0", "order-7:1", "order-7:2"], ticket.Keys);
        Assert.Equal(["order-7:0", "order-7:1", "order-7:2"], results.Select(r => r.Receipt!.IdempotencyKey).ToArray());
        var calls = sender.Calls.OrderBy(c => c.IdempotencyKey, StringComparer.Ordinal).ToArray();
        Assert.Equal(["+15550001", "+15550002", "+15550003"], calls.Select(c => Assert.Single(c.To)).ToArray());
        Assert.All(calls, c => Assert.Equal("7", c.Metadata["order"]));
        Assert.Equal(3, original.To.Count); // the caller's message is not changed
        Assert.Equal("order-7", original.IdempotencyKey);
    }

    [Fact]
    public async Task A_multi_recipient_provider_gets_one_send_and_a_missing_key_is_generated_once()
    {
        var sender = new FakeSender("maxmd");
        await using var dispatcher = new MessageDispatcher(sender);
        var original = Messages.To(null!, "a@direct.example", "b@direct.example");

        var ticket = await dispatcher.EnqueueAsync(original, TestContext.Current.CancellationToken);
        var result = Assert.Single(await ticket.Completion);

        Assert.Null(original.IdempotencyKey);
        Assert.Matches("^[0-9a-f]{32}$", ticket.IdempotencyKey);
        Assert.Equal([ticket.IdempotencyKey], ticket.Keys);
        var call = Assert.Single(sender.Calls);
        Assert.Equal(ticket.IdempotencyKey, call.IdempotencyKey);
        Assert.Equal(["a@direct.example", "b@direct.example"], call.To);
        Assert.Equal(ticket.IdempotencyKey, result.Receipt!.IdempotencyKey);
    }

    [Fact]
    public async Task Fan_out_follows_the_option_and_a_failed_recipient_keeps_its_parent_key()
    {
        var sender = new FakeSender("maxmd", (m, _) => m.To[0] == "bad@direct.example"
            ? throw new MessagingException("maxmd", "Send", MessagingErrorKind.RecipientRejected, "Invalid recipient") { ProviderCode = "2", Attempts = 1 }
            : Task.FromResult(FakeSender.Receipt("maxmd", m)));
        var options = new DispatcherOptions { SingleRecipientProviders = new HashSet<string> { "MaxMD" } };
        await using var dispatcher = new MessageDispatcher(sender, options);

        var ticket = await dispatcher.EnqueueAsync(Messages.To("batch-1", "ok@direct.example", "bad@direct.example"), TestContext.Current.CancellationToken);
        var results = await ticket.Completion;

        Assert.True(results[0].IsSent);
        var letter = results[1].DeadLetter!;
        Assert.Equal("batch-1:1", letter.IdempotencyKey);
        Assert.Equal("batch-1", letter.ParentKey);
        Assert.Equal(["bad@direct.example"], letter.Message.To);
        Assert.Equal("batch-1:1", letter.Message.IdempotencyKey);
    }

    [Fact]
    public async Task A_dead_letter_holds_the_message_the_error_the_attempts_and_the_times()
    {
        var time = new FakeTimeProvider(Start);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = new FakeSender("maxmd", async (m, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return m.IdempotencyKey switch
            {
                "refused" => throw new MessagingException("maxmd", "Send", MessagingErrorKind.RecipientRejected, "Invalid recipient")
                { ProviderCode = "2", HttpStatus = 200, Attempts = 1, IsTransient = false },
                "throttled" => throw new MessagingException("maxmd", "Send", MessagingErrorKind.Throttled, "Too many requests")
                { ProviderCode = "HTTP 429", HttpStatus = 429, Attempts = 4, IsTransient = true },
                "invalid" => throw new ArgumentException("To needs at least one recipient.", "To"),
                _ => throw new InvalidOperationException("unexpected"),
            };
        });
        var store = new InMemoryDeadLetterStore();
        await using var dispatcher = new MessageDispatcher(sender, new DispatcherOptions { Workers = 4, TimeProvider = time }, store);
        var message = Messages.To("refused", "nobody@direct.example");
        message.Metadata["order"] = "42";

        var tickets = new[]
        {
            await dispatcher.EnqueueAsync(message, TestContext.Current.CancellationToken),
            await dispatcher.EnqueueAsync(Messages.To("throttled"), TestContext.Current.CancellationToken),
            await dispatcher.EnqueueAsync(Messages.To("invalid"), TestContext.Current.CancellationToken),
            await dispatcher.EnqueueAsync(Messages.To("other"), TestContext.Current.CancellationToken),
        };
        time.Advance(TimeSpan.FromSeconds(5));
        release.SetResult();
        var results = await Messages.AllResults(tickets);

        var refused = results[0].DeadLetter!;
        Assert.Equal("maxmd", refused.ProviderName);
        Assert.Equal("refused", refused.IdempotencyKey);
        Assert.Null(refused.ParentKey);
        Assert.Equal(DeadLetterReason.Failed, refused.Reason);
        Assert.Equal(MessagingErrorKind.RecipientRejected, refused.ErrorKind);
        Assert.Equal("2", refused.ProviderCode);
        Assert.Equal(200, refused.HttpStatus);
        Assert.False(refused.IsTransient);
        Assert.Equal(1, refused.Attempts);
        Assert.Contains("Invalid recipient", refused.Error, StringComparison.Ordinal);
        Assert.Equal(typeof(MessagingException).FullName, refused.ErrorType);
        Assert.Equal(Start, refused.EnqueuedAt);
        Assert.Equal(Start.AddSeconds(5), refused.DeadLetteredAt);
        Assert.Equal(["nobody@direct.example"], refused.Message.To);
        Assert.Equal("Referral", refused.Message.Subject);
        Assert.Equal("Patient summary attached.", refused.Message.Text);
        Assert.Equal("42", refused.Message.Metadata["order"]);
        Assert.Equal("refused", refused.Message.IdempotencyKey);
        Assert.Equal(0, refused.ReplayCount);

        var throttled = results[1].DeadLetter!;
        Assert.Equal(MessagingErrorKind.Throttled, throttled.ErrorKind);
        Assert.True(throttled.IsTransient);
        Assert.Equal(4, throttled.Attempts);
        Assert.Equal("HTTP 429", throttled.ProviderCode);

        var invalid = results[2].DeadLetter!;
        Assert.Equal(DeadLetterReason.Invalid, invalid.Reason);
        Assert.Equal(MessagingErrorKind.InvalidRequest, invalid.ErrorKind);
        Assert.Equal("To", invalid.ParamName);
        Assert.Equal(0, invalid.Attempts);

        var other = results[3].DeadLetter!;
        Assert.Equal(DeadLetterReason.Failed, other.Reason);
        Assert.Null(other.ErrorKind);
        Assert.Equal(typeof(InvalidOperationException).FullName, other.ErrorType);

        Assert.Equal(4, (await store.ListAsync("maxmd", TestContext.Current.CancellationToken)).Count);
        Assert.Empty(await store.ListAsync("mms", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Graceful_stop_drains_within_the_timeout_and_persists_what_is_left()
    {
        using var folder = new TempFolder();
        var path = folder.File("dead-letters.jsonl");
        var time = new DrivenTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = new FakeSender("maxmd", async (m, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct); // a provider that never answers
            return FakeSender.Receipt("maxmd", m);
        });
        var begin = time.GetUtcNow();
        DispatchSummary summary;
        DispatchTicket[] tickets;
        using (var store = new JsonLinesDeadLetterStore(path))
        {
            var dispatcher = new MessageDispatcher(sender, new DispatcherOptions { Workers = 1, Capacity = 10, TimeProvider = time }, store);
            tickets = (await dispatcher.EnqueueManyAsync(Enumerable.Range(0, 5).Select(i => Messages.To("left-" + i)), TestContext.Current.CancellationToken)).ToArray();
            await started.Task.WaitAsync(TestContext.Current.CancellationToken);

            summary = await time.RunAsync(() => dispatcher.StopAsync(TimeSpan.FromSeconds(5)));

            Assert.Equal(TimeSpan.FromSeconds(5), time.GetUtcNow() - begin);
            Assert.False(dispatcher.IsAccepting);
            await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.EnqueueAsync(Messages.To("late")).AsTask());
            Assert.Same(summary, await dispatcher.StopAsync());
            await dispatcher.DisposeAsync();
        }

        Assert.False(summary.Drained);
        Assert.Equal(5, summary.Enqueued);
        Assert.Equal(0, summary.Sent);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(5, summary.Remaining);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => "left-" + i).ToHashSet(), summary.RemainingKeys.ToHashSet());

        var results = await Messages.AllResults(tickets);
        Assert.All(results, r => Assert.Equal(DeadLetterReason.Shutdown, r.DeadLetter!.Reason));
        var interrupted = results[0].DeadLetter!;
        Assert.Contains("may have received it", interrupted.Error, StringComparison.Ordinal);
        Assert.Equal(typeof(TaskCanceledException).FullName, interrupted.ErrorType);
        Assert.All(results.Skip(1), r => Assert.Contains("never attempted", r.DeadLetter!.Error, StringComparison.Ordinal));
        Assert.All(results, r => Assert.Equal(0, r.DeadLetter!.Attempts));

        using var reopened = new JsonLinesDeadLetterStore(path);
        var persisted = await reopened.ListAsync("maxmd", TestContext.Current.CancellationToken);
        Assert.Equal(summary.RemainingKeys.ToHashSet(), persisted.Select(l => l.IdempotencyKey).ToHashSet());
        Assert.All(persisted, l => Assert.Equal(DeadLetterReason.Shutdown, l.Reason));
        Assert.All(persisted, l => Assert.Equal("Referral", l.Message.Subject));
    }

    [Fact]
    public async Task Stop_with_time_to_spare_drains_everything()
    {
        var time = new FakeTimeProvider(Start);
        var sender = new FakeSender("maxmd", async (m, _) =>
        {
            await Task.Yield();
            return FakeSender.Receipt("maxmd", m);
        });
        var dispatcher = new MessageDispatcher(sender, new DispatcherOptions { Workers = 3, TimeProvider = time });
        await dispatcher.EnqueueManyAsync(Enumerable.Range(0, 50).Select(i => Messages.To("d-" + i)), TestContext.Current.CancellationToken);

        var summary = await dispatcher.StopAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await dispatcher.DisposeAsync();

        Assert.True(summary.Drained);
        Assert.Equal(50, summary.Sent);
        Assert.Equal(0, summary.Remaining);
        Assert.Empty(summary.RemainingKeys);
    }

    [Fact]
    public async Task Replay_resends_under_the_same_key_and_never_sends_twice_what_went_out()
    {
        var sender = new IdempotentFakeSender();
        sender.Failing["b"] = 0;
        var store = new InMemoryDeadLetterStore();
        await using var dispatcher = new MessageDispatcher(sender, new DispatcherOptions { Workers = 2 }, store);
        var tickets = new[]
        {
            await dispatcher.EnqueueAsync(Messages.To("a"), TestContext.Current.CancellationToken),
            await dispatcher.EnqueueAsync(Messages.To("b"), TestContext.Current.CancellationToken),
            await dispatcher.EnqueueAsync(new OutgoingMessage { IdempotencyKey = "c", Subject = "no recipient" }, TestContext.Current.CancellationToken),
        };
        var results = await Messages.AllResults(tickets);
        Assert.True(results[0].IsSent);
        Assert.Equal(DeadLetterReason.Failed, results[1].DeadLetter!.Reason);
        Assert.Equal(DeadLetterReason.Invalid, results[2].DeadLetter!.Reason);

        // "a" went out, but a record for it exists too (say its send was cancelled at shutdown after reaching the provider).
        await store.AddAsync(results[1].DeadLetter! with { IdempotencyKey = "a", Message = Messages.To("a"), Reason = DeadLetterReason.Shutdown }, TestContext.Current.CancellationToken);
        sender.Failing.Clear();

        var replay = await dispatcher.ReplayAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, replay.Attempted);
        Assert.Equal(2, replay.Sent);
        Assert.Equal(1, replay.AlreadySent);
        Assert.Equal(1, replay.StillFailed);
        Assert.Equal(1, sender.WireSends["a"]); // not sent twice
        Assert.Equal(2, sender.WireSends["b"]); // failed once, then sent under the same key
        var left = Assert.Single(await store.ListAsync(cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("c", left.IdempotencyKey);
        Assert.Equal(1, left.ReplayCount);
        Assert.Equal(DeadLetterReason.Invalid, left.Reason);
        Assert.Equal(results[2].DeadLetter!.EnqueuedAt, left.EnqueuedAt);

        var filtered = await dispatcher.ReplayAsync(l => l.Reason != DeadLetterReason.Invalid, TestContext.Current.CancellationToken);
        Assert.Equal(0, filtered.Attempted);
    }

    [Fact]
    public async Task Progress_is_reported_at_most_every_interval_with_a_sliding_rate()
    {
        var time = new FakeTimeProvider(Start);
        var reports = new Collecting<DispatchProgress>();
        var sender = new FakeSender("maxmd");
        var options = new DispatcherOptions
        {
            Workers = 1,
            ProgressInterval = TimeSpan.FromSeconds(1),
            RateWindow = TimeSpan.FromSeconds(10),
            Progress = reports,
            TimeProvider = time,
        };
        var dispatcher = new MessageDispatcher(sender, options);

        var tickets = await dispatcher.EnqueueManyAsync(Enumerable.Range(0, 10).Select(i => Messages.To("p-" + i)), TestContext.Current.CancellationToken);
        await Messages.AllResults(tickets);
        Assert.Single(reports.Items); // everything happened within one interval: one report at once, the next one waits

        time.Advance(TimeSpan.FromSeconds(1));
        var second = reports.Items.Single(r => r.Timestamp == Start.AddSeconds(1));
        Assert.Equal("maxmd", second.ProviderName);
        Assert.Equal(10, second.Enqueued);
        Assert.Equal(10, second.Sent);
        Assert.Equal(0, second.Queued);
        Assert.Equal(0, second.InFlight);
        Assert.Equal(0, second.Failed);
        Assert.Equal(10.0, second.CurrentRate, 3);
        Assert.Equal(TimeSpan.FromSeconds(1), second.Elapsed);

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, dispatcher.GetProgress().CurrentRate);

        var summary = await dispatcher.StopAsync(cancellationToken: TestContext.Current.CancellationToken);
        await dispatcher.DisposeAsync();
        var all = reports.Items.ToArray();
        var final = all[^1];
        Assert.Equal(10, final.Sent);
        Assert.Equal(Start.AddSeconds(31), final.Timestamp);
        for (var i = 1; i < all.Length - 1; i++)
        {
            Assert.True(all[i].Timestamp - all[i - 1].Timestamp >= TimeSpan.FromSeconds(1));
        }

        Assert.Equal(10, summary.Sent);
        Assert.Equal(10 / 31.0, summary.AverageRate, 3);
        Assert.Equal(TimeSpan.FromSeconds(31), summary.Elapsed);
    }

    [Fact]
    public void Invalid_options_throw_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new MessageDispatcher(new FakeSender(), new DispatcherOptions { Capacity = 0, Workers = -1 }));
        Assert.Contains("Messaging:Dispatch:Capacity must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Messaging:Dispatch:Workers must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Equal("options", error.ParamName);
    }
}
