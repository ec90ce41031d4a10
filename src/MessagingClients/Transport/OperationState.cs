using System;

namespace MessagingClients.Transport;

/// <summary>What the pipeline's strategies share about one logical operation while it runs.</summary>
internal sealed class OperationState
{
    public OperationState(string operation, bool isIdempotent, long startTimestamp)
    {
        Operation = operation;
        IsIdempotent = isIdempotent;
        StartTimestamp = startTimestamp;
    }

    public string Operation { get; }

    public bool IsIdempotent { get; }

    public long StartTimestamp { get; }

    public int Attempts { get; set; }

    /// <summary>The classification of the last failed attempt, if any.</summary>
    public ProviderFailure? LastFailure { get; set; }

    /// <summary>The delay the retry strategy decided on for the next attempt.</summary>
    public TimeSpan NextDelay { get; set; }

    /// <summary>Set when a retry was wanted but its delay would outlast the total timeout.</summary>
    public TimeSpan? DelayBeyondBudget { get; set; }

    public TimeSpan? RemainingAtGiveUp { get; set; }

    public bool TotalTimeoutFired { get; set; }

    public Func<ProviderFailure>? AttemptTimeoutClassifier { get; set; }

    public string? IdempotencyKey { get; set; }

    /// <summary>Why the rate limiter refused a permit, when it said (<c>MetadataName.ReasonPhrase</c>).</summary>
    public string? RateLimiterReason { get; set; }

    /// <summary>The caller's token: tells an attempt cut short by a timeout from one the caller cancelled.</summary>
    public System.Threading.CancellationToken CallerToken { get; set; }

    /// <summary>The attempt (1-based) whose retry decision <see cref="PlannedRetry"/> holds, decided while its span was open.</summary>
    public int PlannedAttempt { get; set; }

    public bool PlannedRetry { get; set; }
}
