using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text;

namespace MessagingClients.Maxemail;

/// <summary>
/// Reads Maxemail deprecation notices from HTTP <c>Warning</c> headers (RFC 7234 §5.5:
/// <c>warn-code SP warn-agent SP warn-text [SP warn-date]</c>, several values comma-separated, text a quoted string with
/// backslash escapes). Only code 299 with an agent starting <c>MxmApi/</c> (any case) counts; anything else, and anything
/// malformed, is ignored.
/// </summary>
internal static class MaxemailWarningParser
{
    public static IReadOnlyList<MaxemailDeprecation> Parse(HttpResponseMessage response, string service, string method)
    {
        if (!response.Headers.TryGetValues("Warning", out var values))
        {
            return Array.Empty<MaxemailDeprecation>();
        }

        List<MaxemailDeprecation>? found = null;
        foreach (var value in values)
        {
            foreach (var deprecation in ParseValue(value, service, method))
            {
                (found ??= new List<MaxemailDeprecation>()).Add(deprecation);
            }
        }

        return found is null ? Array.Empty<MaxemailDeprecation>() : found;
    }

    /// <summary>Parses one header line, which may hold several comma-separated warnings.</summary>
    public static IEnumerable<MaxemailDeprecation> ParseValue(string header, string service, string method)
    {
        var i = 0;
        while (i < header.Length)
        {
            var start = i;
            var warning = ParseOne(header, ref i);
            if (warning is { Code: 299 } w && w.Agent.StartsWith("MxmApi/", StringComparison.OrdinalIgnoreCase))
            {
                yield return Describe(w.Agent, w.Text, w.Date, service, method);
            }

            if (i == start)
            {
                i++;
            }
        }
    }

    /// <summary>Parses one warning from <paramref name="i"/>; on return <paramref name="i"/> is past the next top-level comma.</summary>
    private static (int Code, string Agent, string Text, DateTimeOffset? Date)? ParseOne(string s, ref int i)
    {
        SkipSpaces(s, ref i);
        var codeStart = i;
        while (i < s.Length && s[i] is >= '0' and <= '9')
        {
            i++;
        }

        if (i - codeStart != 3 || i >= s.Length || s[i] != ' ')
        {
            SkipToNextValue(s, ref i);
            return null;
        }

        var code = ((s[codeStart] - '0') * 100) + ((s[codeStart + 1] - '0') * 10) + (s[codeStart + 2] - '0');
        SkipSpaces(s, ref i);
        var agentStart = i;
        while (i < s.Length && s[i] != ' ' && s[i] != ',' && s[i] != '"')
        {
            i++;
        }

        var agent = s.Substring(agentStart, i - agentStart);
        SkipSpaces(s, ref i);
        if (agent.Length == 0 || !TryReadQuoted(s, ref i, out var text))
        {
            SkipToNextValue(s, ref i);
            return null;
        }

        DateTimeOffset? date = null;
        SkipSpaces(s, ref i);
        if (i < s.Length && s[i] == '"')
        {
            if (!TryReadQuoted(s, ref i, out var dateText))
            {
                SkipToNextValue(s, ref i);
                return null;
            }

            if (DateTimeOffset.TryParseExact(dateText, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                date = parsed;
            }
        }

        SkipSpaces(s, ref i);
        if (i < s.Length && s[i] != ',')
        {
            // Trailing garbage: the value is malformed.
            SkipToNextValue(s, ref i);
            return null;
        }

        if (i < s.Length)
        {
            i++; // the comma
        }

        return (code, agent, text, date);
    }

    private static bool TryReadQuoted(string s, ref int i, out string text)
    {
        text = string.Empty;
        if (i >= s.Length || s[i] != '"')
        {
            return false;
        }

        var builder = new StringBuilder();
        for (i++; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\')
            {
                if (++i >= s.Length)
                {
                    return false;
                }

                builder.Append(s[i]);
            }
            else if (c == '"')
            {
                i++;
                text = builder.ToString();
                return true;
            }
            else
            {
                builder.Append(c);
            }
        }

        return false; // unterminated
    }

    /// <summary>Moves past the next comma that is not inside a quoted string (or to the end).</summary>
    private static void SkipToNextValue(string s, ref int i)
    {
        var quoted = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                i++;
                return;
            }
        }
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t')
        {
            i++;
        }
    }

    /// <summary>Splits the documented text shape <c>methodName Deprecated: 123 Reason …</c> when it is there.</summary>
    private static MaxemailDeprecation Describe(string agent, string text, DateTimeOffset? date, string service, string method)
    {
        string? subject = null, since = null, reason = null;
        const string Marker = " Deprecated:";
        var marker = text.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        if (marker > 0)
        {
            subject = text.Substring(0, marker).Trim();
            var rest = text.Substring(marker + Marker.Length).Trim();
            var space = rest.IndexOf(' ');
            since = space < 0 ? rest : rest.Substring(0, space);
            reason = space < 0 ? null : rest.Substring(space + 1).Trim();
            since = since.Length == 0 ? null : since;
            reason = string.IsNullOrEmpty(reason) ? null : reason;
        }

        return new MaxemailDeprecation
        {
            Service = service,
            Method = method,
            Agent = agent,
            Text = text,
            Subject = subject,
            Since = since,
            Reason = reason,
            Date = date,
        };
    }
}
