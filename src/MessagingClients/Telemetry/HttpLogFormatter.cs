using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;

namespace MessagingClients.Telemetry;

/// <summary>Formats URLs, headers and bodies for logs and span tags, leaving out everything that may be secret.</summary>
internal static class HttpLogFormatter
{
    private static readonly string[] NeverLoggedFragments = { "auth", "token", "secret", "password", "passwd", "apikey", "api-key", "api_key", "cookie", "signature", "session" };

    /// <summary>True for headers that are never logged, allow-listed or not.</summary>
    public static bool IsSensitive(string name)
    {
        if (string.Equals(name, "Idempotency-Key", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var fragment in NeverLoggedFragments)
        {
            if (CultureInfo.InvariantCulture.CompareInfo.IndexOf(name, fragment, CompareOptions.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return name.EndsWith("-Key", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The URL without user info, query or fragment (a query is shown as <c>?*</c>): safe for logs and <c>url.full</c>.</summary>
    public static string SafeUrl(Uri? uri)
    {
        if (uri is null)
        {
            return string.Empty;
        }

        if (!uri.IsAbsoluteUri)
        {
            var text = uri.OriginalString;
            var relative = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                if (c is '?' or '#')
                {
                    return relative.Append(c == '?' ? "?*" : string.Empty).ToString();
                }

                relative.Append(c);
            }

            return text;
        }

        var safe = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return uri.Query.Length > 0 ? safe + "?*" : safe;
    }

    /// <summary>The allow-listed headers of a message and its content as <c>Name: value; Name: value</c>.</summary>
    public static string Headers(HttpHeaders headers, HttpContent? content, ICollection<string>? allowed)
    {
        var builder = new StringBuilder();
        Append(builder, headers, allowed);
        if (content is not null)
        {
            Append(builder, content.Headers, allowed);
        }

        return builder.Length == 0 ? "(none)" : builder.ToString();
    }

    /// <summary>Cuts a body to <paramref name="maxLength"/> characters, noting how long it was.</summary>
    public static string Truncate(string body, int maxLength)
    {
        if (body.Length <= maxLength)
        {
            return body;
        }

        return new StringBuilder(maxLength + 32).Append(body, 0, maxLength)
            .Append("… (").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append(" characters, cut)").ToString();
    }

    private static void Append(StringBuilder builder, HttpHeaders headers, ICollection<string>? allowed)
    {
        if (allowed is null || allowed.Count == 0)
        {
            return;
        }

        foreach (var header in headers)
        {
            if (IsSensitive(header.Key) || !Contains(allowed, header.Key))
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append("; ");
            }

            builder.Append(header.Key).Append(": ").Append(string.Join(", ", header.Value));
        }
    }

    private static bool Contains(ICollection<string> allowed, string name)
    {
        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
