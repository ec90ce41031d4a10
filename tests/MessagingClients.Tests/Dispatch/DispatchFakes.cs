using System.Collections.Concurrent;
using MessagingClients.Dispatch;

namespace MessagingClients.Tests.Dispatch;

/// <summary>An <see cref="IMessageSender"/> whose behaviour the test decides; records every call.</summary>
internal sealed class FakeSender : IMessageSender
{
    private readonly Func<OutgoingMessage, CancellationToken, Task<SendReceipt>> _behavior;

    public FakeSender(string providerName = "maxmd", Func<OutgoingMessage, CancellationToken, Task<SendReceipt>>? behavior = null)
    {
        ProviderName = providerName;
        _behavior = behavior ?? ((m, _) => Task.FromResult(Receipt(providerName, m)));
    }

    public string ProviderName { get; }

    public ConcurrentQueue<OutgoingMessage> Calls { get; } = new();

    public static SendReceipt Receipt(string provider, OutgoingMessage message) => new()
    {
        ProviderName = provider,
        IdempotencyKey = message.IdempotencyKey!,
        ProviderMessageId = "id-" + message.IdempotencyKey,
        Attempts = 1,
    };

    public Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(message);
        return _behavior(message, cancellationToken);
    }
}

/// <summary>
/// A sender that behaves like the real clients: validates first (ArgumentException), then runs the send once per idempotency key
/// through an <see cref="InMemoryIdempotencyStore"/>; <see cref="WireSends"/> counts what would have gone on the wire.
/// </summary>
internal sealed class IdempotentFakeSender : IMessageSender
{
    private readonly InMemoryIdempotencyStore _store = new();

    public string ProviderName => "maxmd";

    public ConcurrentDictionary<string, int> WireSends { get; } = new();

    public ConcurrentDictionary<string, byte> Failing { get; } = new();

    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        if (message.To is not { Count: > 0 })
        {
            throw new ArgumentException("To needs at least one recipient.", nameof(message));
        }

        var key = message.IdempotencyKey ?? Guid.NewGuid().ToString("N");
        var existing = await _store.BeginAsync(ProviderName, key, cancellationToken);
        if (existing is not null)
        {
            return existing with { IsReplay = true };
        }

        WireSends.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (Failing.ContainsKey(key))
        {
            await _store.ReleaseAsync(ProviderName, key, CancellationToken.None);
            throw new MessagingException(ProviderName, "Send", MessagingErrorKind.Unavailable, "Service unavailable") { HttpStatus = 503, ProviderCode = "HTTP 503", IsTransient = true, Attempts = 4 };
        }

        var receipt = FakeSender.Receipt(ProviderName, message) with { IdempotencyKey = key };
        await _store.CompleteAsync(ProviderName, key, receipt, CancellationToken.None);
        return receipt;
    }
}

internal sealed class Collecting<T> : IProgress<T>
{
    public ConcurrentQueue<T> Items { get; } = new();

    public void Report(T value) => Items.Enqueue(value);
}

internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mc-dispatch-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Messages
{
    public static OutgoingMessage To(string key, params string[] to) => new()
    {
        To = to.Length == 0 ? new List<string> { "dr.a@direct.hospital.example" } : to.ToList(),
        Subject = "Referral",
        Text = "Patient summary attached.",
        IdempotencyKey = key,
    };

    public static async Task<DispatchResult[]> AllResults(IEnumerable<DispatchTicket> tickets) =>
        (await Task.WhenAll(tickets.Select(t => t.Completion))).SelectMany(r => r).ToArray();
}
