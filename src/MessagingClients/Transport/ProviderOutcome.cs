namespace MessagingClients.Transport;

/// <summary>What one attempt produced once the codec decoded the answer: a value, or a classified failure.</summary>
internal sealed class ProviderOutcome
{
    private ProviderOutcome(object? value, ProviderFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public object? Value { get; }

    public ProviderFailure? Failure { get; }

    public bool IsSuccess => Failure is null;

    public static ProviderOutcome Success(object? value) => new(value, null);

    public static ProviderOutcome Failed(ProviderFailure failure) => new(null, failure);
}
