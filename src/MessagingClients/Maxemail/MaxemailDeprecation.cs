using System;

namespace MessagingClients.Maxemail;

/// <summary>
/// A deprecation notice from Maxemail: an HTTP <c>Warning</c> value with code 299 and an agent starting <c>MxmApi/</c>, such as
/// <c>299 MxmApi/v123 "methodName Deprecated: 123 Reason or explanation of alternative"</c>. The call itself succeeded.
/// </summary>
public sealed record MaxemailDeprecation
{
    /// <summary>The service called (<c>recipient</c>, <c>email_send</c> …).</summary>
    public required string Service { get; init; }

    /// <summary>The method called.</summary>
    public required string Method { get; init; }

    /// <summary>The warning's agent, the API version (<c>MxmApi/v123</c>).</summary>
    public required string Agent { get; init; }

    /// <summary>The warning text, unquoted and unescaped: <c>methodName Deprecated: 123 Reason …</c>.</summary>
    public required string Text { get; init; }

    /// <summary>The deprecated method or usage, the text's first word, when the text has the documented shape.</summary>
    public string? Subject { get; init; }

    /// <summary>The version the deprecation was introduced in (after <c>Deprecated:</c>), when given.</summary>
    public string? Since { get; init; }

    /// <summary>The reason or the alternative to use, when given.</summary>
    public string? Reason { get; init; }

    /// <summary>The warning's date, when the value carried one.</summary>
    public DateTimeOffset? Date { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Service}.{Method}: {Text}";
}
