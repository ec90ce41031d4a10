using System.Text;
using System.Text.Json;
using MessagingClients.Dispatch;

namespace MessagingClients.Tests.Dispatch;

public sealed class DeadLetterStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DeadLetter Letter(string key, string provider = "maxmd") => new()
    {
        ProviderName = provider,
        IdempotencyKey = key,
        ParentKey = "parent",
        Message = new OutgoingMessage
        {
            To = ["dr.a@direct.hospital.example"],
            From = "clinic@direct.example",
            Subject = "Referral ü",
            Text = "Patient summary attached.",
            Html = "<p>Patient summary</p>",
            Attachments =
            [
                MessageAttachment.FromBytes("summary.pdf", "application/pdf", Encoding.ASCII.GetBytes("%PDF-1.4")),
                MessageAttachment.FromUrl(new Uri("https://cdn.example/pic.jpg"), "image/jpeg"),
            ],
            IdempotencyKey = key,
            Metadata = new Dictionary<string, string> { ["order"] = "42" },
        },
        Reason = DeadLetterReason.Failed,
        ErrorKind = MessagingErrorKind.RecipientRejected,
        ProviderCode = "2",
        HttpStatus = 200,
        IsTransient = false,
        Error = "maxmd Send failed: RecipientRejected, provider code 2.",
        ErrorType = "MessagingClients.MessagingException",
        ParamName = null,
        Attempts = 1,
        ReplayCount = 2,
        EnqueuedAt = At,
        DeadLetteredAt = At.AddSeconds(3),
    };

    private static void AssertSame(DeadLetter expected, DeadLetter actual)
    {
        Assert.Equal(expected with { Message = null! }, actual with { Message = null! });
        Assert.Equal(expected.Message.To, actual.Message.To);
        Assert.Equal(expected.Message.From, actual.Message.From);
        Assert.Equal(expected.Message.Subject, actual.Message.Subject);
        Assert.Equal(expected.Message.Text, actual.Message.Text);
        Assert.Equal(expected.Message.Html, actual.Message.Html);
        Assert.Equal(expected.Message.IdempotencyKey, actual.Message.IdempotencyKey);
        Assert.Equal(expected.Message.Metadata, actual.Message.Metadata);
        Assert.Equal(expected.Message.Attachments.Count, actual.Message.Attachments.Count);
        for (var i = 0; i < expected.Message.Attachments.Count; i++)
        {
            var (e, a) = (expected.Message.Attachments[i], actual.Message.Attachments[i]);
            Assert.Equal(e.FileName, a.FileName);
            Assert.Equal(e.ContentType, a.ContentType);
            Assert.Equal(e.Content?.ToArray(), a.Content?.ToArray());
            Assert.Equal(e.Url, a.Url);
        }
    }

    [Fact]
    public async Task The_file_store_survives_a_new_instance_and_fsyncs_every_record()
    {
        using var folder = new TempFolder();
        var path = folder.File("sub/dead.jsonl");
        var ct = TestContext.Current.CancellationToken;
        using (var store = new JsonLinesDeadLetterStore(path))
        {
            await store.AddAsync(Letter("k1"), ct);
            await store.AddAsync(Letter("k2"), ct);
            await store.AddAsync(Letter("k3", "mms"), ct);
            Assert.True(await store.RemoveAsync("maxmd", "k1", ct));
            Assert.False(await store.RemoveAsync("maxmd", "k1", ct));
            Assert.Equal(4, store.FlushCount); // three records and one tombstone, each flushed to disk before it counted
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        Assert.StartsWith("{\"op\":\"remove\",\"provider\":\"maxmd\",\"key\":\"k1\"}", lines[3], StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"Failed\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"errorKind\":\"RecipientRejected\"", lines[0], StringComparison.Ordinal);

        using var reopened = new JsonLinesDeadLetterStore(path);
        Assert.Equal(0, reopened.SkippedLines);
        var maxmd = Assert.Single(await reopened.ListAsync("maxmd", ct));
        AssertSame(Letter("k2"), maxmd);
        AssertSame(Letter("k3", "mms"), Assert.Single(await reopened.ListAsync("mms", ct)));
        Assert.Equal(2, (await reopened.ListAsync(cancellationToken: ct)).Count);
    }

    [Fact]
    public async Task Adding_a_key_again_replaces_the_record_and_compaction_keeps_only_live_records()
    {
        using var folder = new TempFolder();
        var path = folder.File("dead.jsonl");
        var ct = TestContext.Current.CancellationToken;
        using (var store = new JsonLinesDeadLetterStore(path))
        {
            await store.AddAsync(Letter("k1"), ct);
            await store.AddAsync(Letter("k1") with { ReplayCount = 3, Error = "again" }, ct);
            await store.AddAsync(Letter("k2"), ct);
            await store.RemoveAsync("maxmd", "k2", ct);
            Assert.Equal(4, File.ReadAllLines(path).Length);

            await store.CompactAsync(ct);

            Assert.Single(File.ReadAllLines(path));
            Assert.False(File.Exists(path + ".tmp"));
            await store.AddAsync(Letter("k4"), ct); // still appends after the rewrite
            Assert.Equal(2, File.ReadAllLines(path).Length);
        }

        using var reopened = new JsonLinesDeadLetterStore(path);
        var letters = await reopened.ListAsync(cancellationToken: ct);
        Assert.Equal(["k1", "k4"], letters.Select(l => l.IdempotencyKey).ToArray());
        Assert.Equal(3, letters[0].ReplayCount);
        Assert.Equal("again", letters[0].Error);
    }

    [Fact]
    public async Task A_torn_line_from_a_crash_is_skipped_and_the_next_record_starts_on_its_own_line()
    {
        using var folder = new TempFolder();
        var path = folder.File("dead.jsonl");
        var ct = TestContext.Current.CancellationToken;
        using (var store = new JsonLinesDeadLetterStore(path))
        {
            await store.AddAsync(Letter("k1"), ct);
        }

        File.AppendAllText(path, "{\"op\":\"add\",\"letter\":{\"providerName\":\"maxmd\",\"idem"); // cut short, no newline

        using (var store = new JsonLinesDeadLetterStore(path))
        {
            Assert.Equal(1, store.SkippedLines);
            Assert.Equal(1, store.Count);
            await store.AddAsync(Letter("k2"), ct);
        }

        using var reopened = new JsonLinesDeadLetterStore(path);
        Assert.Equal(1, reopened.SkippedLines);
        Assert.Equal(["k1", "k2"], (await reopened.ListAsync(cancellationToken: ct)).Select(l => l.IdempotencyKey).ToArray());
    }

    [Fact]
    public async Task The_in_memory_store_lists_oldest_first_replaces_by_key_and_removes()
    {
        var store = new InMemoryDeadLetterStore();
        var ct = TestContext.Current.CancellationToken;
        await store.AddAsync(Letter("k1"), ct);
        await store.AddAsync(Letter("k2"), ct);
        await store.AddAsync(Letter("k1") with { ReplayCount = 9 }, ct);

        var letters = await store.ListAsync("maxmd", ct);
        Assert.Equal(["k2", "k1"], letters.Select(l => l.IdempotencyKey).ToArray());
        Assert.Equal(9, letters[1].ReplayCount);
        Assert.True(await store.RemoveAsync("maxmd", "k2", ct));
        Assert.Equal(1, store.Count);
        await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync(Letter("") , ct).AsTask());
    }

    [Fact]
    public async Task A_failing_store_does_not_lose_the_record()
    {
        var sender = new FakeSender("maxmd", (_, _) => throw new MessagingException("maxmd", "Send", MessagingErrorKind.Unavailable, "down") { Attempts = 4 });
        await using var dispatcher = new MessageDispatcher(sender, store: new BrokenStore());

        var ticket = await dispatcher.EnqueueAsync(Messages.To("k1"), TestContext.Current.CancellationToken);
        var result = Assert.Single(await ticket.Completion);
        var summary = await dispatcher.StopAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.IsType<IOException>(result.StoreError);
        Assert.Equal("k1", Assert.Single(summary.Unrecorded).IdempotencyKey);
        Assert.Equal(1, summary.Failed);
    }

    private sealed class BrokenStore : IDeadLetterStore
    {
        public ValueTask AddAsync(DeadLetter deadLetter, CancellationToken cancellationToken = default) => throw new IOException("disk full");

        public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(string? providerName = null, CancellationToken cancellationToken = default) =>
            new(Array.Empty<DeadLetter>());

        public ValueTask<bool> RemoveAsync(string providerName, string idempotencyKey, CancellationToken cancellationToken = default) => new(false);
    }
}
