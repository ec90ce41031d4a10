using System;

namespace MessagingClients.MaxMd;

/// <summary>A custom header sent with <see cref="MaxMdClient.SendMessageWithHeadersAsync"/> (MaxMD <c>SendWithHeader</c>).</summary>
public sealed class DirectMessageHeader
{
    /// <summary>Creates a header.</summary>
    /// <param name="name">The header name, for example <c>X-Correlation-Id</c>; letters, digits and <c>-</c> only.</param>
    /// <param name="value">The header value; a single line.</param>
    public DirectMessageHeader(string name, string value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The header name.</summary>
    public string Name { get; }

    /// <summary>The header value.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string ToString() => Name + ": " + Value;

    internal static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name!.Length > 200)
        {
            return false;
        }

        foreach (var c in name)
        {
            // RFC 5322 field name: printable US-ASCII except the colon.
            if (c is < '!' or > '~' or ':')
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsValidValue(string? value) =>
        value is not null && value.IndexOfAny(LineBreaks) < 0;

    private static readonly char[] LineBreaks = { '\r', '\n', '\0' };
}
