using System;

namespace MessagingClients.Maxemail;

/// <summary>Argument checks made before anything is sent; each failure names the field.</summary>
internal static class MaxemailValidation
{
    /// <summary>Service names: <c>recipient</c>, <c>email_campaign</c>, <c>file_upload</c> …</summary>
    public static void Service(string? service, string paramName = "service")
    {
        if (service is null)
        {
            throw new ArgumentNullException(paramName);
        }

        if (!IsIdentifier(service))
        {
            throw new ArgumentException("A Maxemail service name must be non-empty and contain only letters, digits and '_', starting with a letter (for example 'recipient' or 'email_campaign').", paramName);
        }
    }

    /// <summary>Method names: <c>findByEmailAddress</c>, <c>insert</c> …</summary>
    public static void Method(string? method, string paramName = "method")
    {
        if (method is null)
        {
            throw new ArgumentNullException(paramName);
        }

        if (!IsIdentifier(method))
        {
            throw new ArgumentException("A Maxemail method name must be non-empty and contain only letters, digits and '_', starting with a letter (for example 'findByEmailAddress').", paramName);
        }
    }

    /// <summary>Named parameters: identifiers, never <c>method</c> (which names the method).</summary>
    public static void ParameterName(string? name, string paramName)
    {
        if (name is null || !IsIdentifier(name, allowLeadingUnderscore: true))
        {
            throw new ArgumentException($"Parameter name '{name}' is not valid: use letters, digits and '_' only (for example 'emailAddress' or 'arg0').", paramName);
        }

        if (string.Equals(name, "method", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("'method' cannot be a parameter name: it carries the method being called.", paramName);
        }
    }

    /// <summary>An <see cref="ArgumentException"/> naming a field (a property of an argument, such as <c>To</c>).</summary>
    public static ArgumentException Invalid(string message, string paramName) => new(message, paramName);

    public static void EmailAddress(string? address, string paramName)
    {
        if (address is null)
        {
            throw new ArgumentNullException(paramName);
        }

        if (!IsEmailAddress(address))
        {
            throw new ArgumentException($"'{address}' is not a valid email address.", paramName);
        }
    }

    public static void Positive(long value, string paramName)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "Maxemail ids are positive.");
        }
    }

    /// <summary>A pragmatic address check: one <c>@</c>, a non-empty local part, a dotted domain, no spaces or control characters.</summary>
    public static bool IsEmailAddress(string address)
    {
        if (address.Length is 0 or > 254)
        {
            return false;
        }

        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1 || at > 64 || address.IndexOf('@') != at)
        {
            return false;
        }

        foreach (var c in address)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or ':' or '\\' or '"' or '[' or ']')
            {
                return false;
            }
        }

        var local = address.Substring(0, at);
        var domain = address.Substring(at + 1);
        if (local[0] == '.' || local[local.Length - 1] == '.' || local.Contains(".."))
        {
            return false;
        }

        var labels = domain.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[label.Length - 1] == '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses <c>address</c> or <c>Alias &lt;address&gt;</c> (the alias may be quoted).</summary>
    public static bool TryParseSender(string value, out string address, out string? alias)
    {
        address = string.Empty;
        alias = null;
        var text = value.Trim();
        var open = text.LastIndexOf('<');
        if (open >= 0)
        {
            if (text[text.Length - 1] != '>')
            {
                return false;
            }

            address = text.Substring(open + 1, text.Length - open - 2).Trim();
            var name = text.Substring(0, open).Trim();
            if (name.Length >= 2 && name[0] == '"' && name[name.Length - 1] == '"')
            {
                name = name.Substring(1, name.Length - 2);
            }

            alias = name.Length == 0 ? null : name;
        }
        else
        {
            address = text;
        }

        return IsEmailAddress(address);
    }

    /// <summary>True for a method that only reads (<c>find*</c>, <c>fetch*</c>, <c>get*</c>, <c>search*</c>, any case).</summary>
    public static bool IsReadOnly(string method) =>
        method.StartsWith("find", StringComparison.OrdinalIgnoreCase)
        || method.StartsWith("fetch", StringComparison.OrdinalIgnoreCase)
        || method.StartsWith("get", StringComparison.OrdinalIgnoreCase)
        || method.StartsWith("search", StringComparison.OrdinalIgnoreCase);

    private static bool IsIdentifier(string value, bool allowLeadingUnderscore = false)
    {
        if (value.Length is 0 or > 100)
        {
            return false;
        }

        var first = value[0];
        if (!(IsAsciiLetter(first) || (allowLeadingUnderscore && first == '_')))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(IsAsciiLetter(c) || c is >= '0' and <= '9' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAsciiLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
}
