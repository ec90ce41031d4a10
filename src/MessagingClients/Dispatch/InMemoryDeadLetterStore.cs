using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.Dispatch;

/// <summary>
/// A dead-letter store in process memory: for tests and for callers who read the records before the process ends
/// (<see cref="JsonLinesDeadLetterStore"/> keeps them on disk).
/// </summary>
public sealed class InMemoryDeadLetterStore : IDeadLetterStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Provider, string Key), (long Order, DeadLetter Letter)> _letters = new();
    private long _order;

    /// <summary>The number of records held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _letters.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask AddAsync(DeadLetter deadLetter, CancellationToken cancellationToken = default)
    {
        DeadLetterChecks.ThrowIfInvalid(deadLetter);
        lock (_gate)
        {
            _letters[(deadLetter.ProviderName, deadLetter.IdempotencyKey)] = (++_order, deadLetter);
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DeadLetter>> ListAsync(string? providerName = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<DeadLetter> list = _letters
                .Where(e => providerName is null || string.Equals(e.Key.Provider, providerName, StringComparison.Ordinal))
                .OrderBy(e => e.Value.Order)
                .Select(e => e.Value.Letter)
                .ToList();
            return new ValueTask<IReadOnlyList<DeadLetter>>(list);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(string providerName, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new ValueTask<bool>(_letters.Remove((providerName, idempotencyKey)));
        }
    }
}

/// <summary>Argument checks shared by the stores.</summary>
internal static class DeadLetterChecks
{
    public static void ThrowIfInvalid(DeadLetter deadLetter)
    {
        if (deadLetter is null)
        {
            throw new ArgumentNullException(nameof(deadLetter));
        }

        if (string.IsNullOrEmpty(deadLetter.ProviderName))
        {
            throw new ArgumentException("ProviderName is required.", nameof(deadLetter));
        }

        if (string.IsNullOrEmpty(deadLetter.IdempotencyKey))
        {
            throw new ArgumentException("IdempotencyKey is required.", nameof(deadLetter));
        }

        if (deadLetter.Message is null)
        {
            throw new ArgumentException("Message is required.", nameof(deadLetter));
        }
    }
}
