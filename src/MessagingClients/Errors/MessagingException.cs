using System;
using System.Globalization;
using System.Text;

namespace MessagingClients;

/// <summary>
/// The one exception every provider failure surfaces as. It says which provider and operation failed, the
/// provider's own code, the kind of failure, whether it was transient, how many attempts were made, and what to do.
/// It never holds a credential or a request body.
/// </summary>
public sealed class MessagingException : Exception
{
    /// <summary>Creates the exception. The message is composed from the details so it always says the same things in the same order.</summary>
    /// <param name="providerName">The provider (<c>"maxmd"</c>, <c>"maxemail"</c>, <c>"mms"</c>).</param>
    /// <param name="operation">The operation (<c>"Send"</c>, <c>"recipient.findByEmailAddress"</c>, <c>"sendSMS"</c> …).</param>
    /// <param name="kind">The kind of failure.</param>
    /// <param name="description">What happened, in the provider's terms (never a credential or a request body).</param>
    /// <param name="innerException">The exception that caused it, if any.</param>
    public MessagingException(string providerName, string operation, MessagingErrorKind kind, string description, Exception? innerException = null)
        : base(description, innerException)
    {
        ProviderName = providerName ?? throw new ArgumentNullException(nameof(providerName));
        Operation = operation ?? throw new ArgumentNullException(nameof(operation));
        Kind = kind;
        Description = description ?? string.Empty;
    }

    /// <summary>The provider (<c>"maxmd"</c>, <c>"maxemail"</c>, <c>"mms"</c>).</summary>
    public string ProviderName { get; }

    /// <summary>The operation that failed.</summary>
    public string Operation { get; }

    /// <summary>The kind of failure.</summary>
    public MessagingErrorKind Kind { get; }

    /// <summary>What happened, as the provider or transport described it.</summary>
    public string Description { get; }

    /// <summary>The HTTP status of the last answer, when there was one.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>The provider's own code: MaxMD <c>"2"</c> or <c>"999"</c>, MMS <c>"E113"</c>, the Maxemail body <c>code</c>, or <c>"HTTP 429"</c> when only the status spoke.</summary>
    public string? ProviderCode { get; init; }

    /// <summary>True when the failure is of a passing kind (throttling, overload, network): the same call may succeed later.</summary>
    public bool IsTransient { get; init; }

    /// <summary>How many HTTP attempts were made (0 when the call failed before reaching the network, for example with an open circuit).</summary>
    public int Attempts { get; init; }

    /// <summary>How long the provider asked to wait, when it said (<c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>What the caller should do about it.</summary>
    public string? Advice { get; init; }

    /// <inheritdoc />
    public override string Message
    {
        get
        {
            var text = new StringBuilder();
            text.Append(ProviderName).Append(' ').Append(Operation).Append(" failed: ").Append(Kind);
            if (ProviderCode is not null)
            {
                text.Append(", provider code ").Append(ProviderCode);
            }

            if (HttpStatus is { } status)
            {
                text.Append(", HTTP ").Append(status.ToString(CultureInfo.InvariantCulture));
            }

            text.Append(IsTransient ? ", transient" : ", not transient");
            text.Append(", after ").Append(Attempts.ToString(CultureInfo.InvariantCulture)).Append(Attempts == 1 ? " attempt" : " attempts");
            if (RetryAfter is { } wait)
            {
                text.Append(", retry after ").Append(wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)).Append(" s");
            }

            text.Append(". ").Append(Description.TrimEnd('.')).Append('.');
            if (!string.IsNullOrEmpty(Advice))
            {
                text.Append(' ').Append(Advice);
            }

            return text.ToString();
        }
    }
}
