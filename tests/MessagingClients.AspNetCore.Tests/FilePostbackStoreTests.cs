using System.Text;

namespace MessagingClients.AspNetCore.Tests;

public sealed class FilePostbackStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static StoredPostback Postback(string id, string key, PostbackState state = PostbackState.Pending) => new()
    {
        Id = id,
        DeduplicationKey = key,
        ReceivedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        RemoteIp = "34.198.230.58",
        Headers = new Dictionary<string, string> { ["Content-Type"] = "text/xml" },
        Body = Encoding.UTF8.GetBytes("<POSTBACK>" + id + "</POSTBACK>"),
        State = state,
    };

    [Fact]
    public async Task State_and_keys_survive_reopening()
    {
        await using (var store = new FilePostbackStore(_dir.Path))
        {
            Assert.True(await store.TryAddAsync(Postback("a", "k-a"), default));
            Assert.True(await store.TryAddAsync(Postback("b", "k-b"), default));
            Assert.True(await store.TryAddAsync(Postback("c", "k-c"), default));
            Assert.True(await store.TryAddAsync(Postback("d", "k-d", PostbackState.Unparseable), default));
            Assert.False(await store.TryAddAsync(Postback("a2", "k-a"), default));
            await store.SetStateAsync("a", PostbackState.Processed, 1, null, default);
            await store.SetStateAsync("b", PostbackState.Failed, 3, "boom", default);
            await store.SetStateAsync("c", PostbackState.Pending, 2, "later", default);
        }

        await using var reopened = new FilePostbackStore(_dir.Path);
        Assert.Equal(0, reopened.SkippedLines);
        Assert.Null(await reopened.GetAsync("a", default));
        var failed = Assert.Single(await reopened.ListAsync(PostbackState.Failed, default));
        Assert.Equal(("b", 3, "boom"), (failed.Id, failed.Attempts, failed.LastError));
        Assert.Equal("<POSTBACK>b</POSTBACK>", Encoding.UTF8.GetString(failed.Body.Span));
        Assert.Equal("34.198.230.58", failed.RemoteIp);
        Assert.Equal("text/xml", failed.Headers["Content-Type"]);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), failed.ReceivedAt);
        var pending = Assert.Single(await reopened.ListAsync(PostbackState.Pending, default));
        Assert.Equal(("c", 2), (pending.Id, pending.Attempts));
        Assert.Equal("d", Assert.Single(await reopened.ListAsync(PostbackState.Unparseable, default)).Id);
        foreach (var key in new[] { "k-a", "k-b", "k-c", "k-d" })
        {
            Assert.False(await reopened.TryAddAsync(Postback("new", key), default));
        }
    }

    [Fact]
    public async Task A_line_cut_short_by_a_crash_is_skipped_and_later_writes_start_on_a_new_line()
    {
        await using (var store = new FilePostbackStore(_dir.Path))
        {
            Assert.True(await store.TryAddAsync(Postback("a", "k-a"), default));
        }

        await File.AppendAllTextAsync(_dir.DataFile, "{\"t\":\"add\",\"id\":\"torn\",\"key\":\"k-t");
        await using (var store = new FilePostbackStore(_dir.Path))
        {
            Assert.Equal(1, store.SkippedLines);
            Assert.True(await store.TryAddAsync(Postback("b", "k-b"), default));
        }

        await using var reopened = new FilePostbackStore(_dir.Path);
        Assert.Equal(1, reopened.SkippedLines);
        Assert.Equal(["a", "b"], (await reopened.ListAsync(PostbackState.Pending, default)).Select(p => p.Id));
    }

    [Fact]
    public async Task Concurrent_adds_are_all_durable_and_a_key_is_stored_once()
    {
        await using (var store = new FilePostbackStore(_dir.Path))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => store.TryAddAsync(Postback("id" + i, "k" + (i % 200)), default).AsTask()));
            Assert.Equal(200, results.Count(r => r));
        }

        await using var reopened = new FilePostbackStore(_dir.Path);
        Assert.Equal(200, (await reopened.ListAsync(PostbackState.Pending, default)).Count);
    }

    [Fact]
    public async Task A_second_store_on_the_same_directory_is_refused()
    {
        await using var store = new FilePostbackStore(_dir.Path);

        Assert.ThrowsAny<IOException>(() => new FilePostbackStore(_dir.Path));
    }

    [Fact]
    public async Task A_disposed_store_refuses_writes()
    {
        var store = new FilePostbackStore(_dir.Path);
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.TryAddAsync(Postback("a", "k"), default).AsTask());
    }
}
