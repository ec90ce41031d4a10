using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MessagingClients.Telemetry;

/// <summary>
/// Redacts credentials from request bodies for the optional body log. Each result is checked for the secret itself and
/// dropped (null: not logged) when it is still there in any form, so a redaction bug fails closed.
/// </summary>
internal static class BodyRedaction
{
    public const string Mask = "***";

    /// <summary>The JSON body with the string values of properties named <paramref name="names"/> (any depth) replaced by <c>***</c>.</summary>
    public static string? Json(byte[] body, ICollection<string> names, params string?[] secrets)
    {
        string text;
        try
        {
            using var output = new MemoryStream();
            using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                var reader = new Utf8JsonReader(body);
                var redactNext = false;
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.PropertyName:
                            var name = reader.GetString()!;
                            redactNext = Contains(names, name);
                            writer.WritePropertyName(name);
                            continue;
                        case JsonTokenType.StartObject:
                            if (redactNext)
                            {
                                reader.Skip();
                                writer.WriteStringValue(Mask);
                                break;
                            }

                            writer.WriteStartObject();
                            break;
                        case JsonTokenType.EndObject:
                            writer.WriteEndObject();
                            break;
                        case JsonTokenType.StartArray:
                            if (redactNext)
                            {
                                reader.Skip();
                                writer.WriteStringValue(Mask);
                                break;
                            }

                            writer.WriteStartArray();
                            break;
                        case JsonTokenType.EndArray:
                            writer.WriteEndArray();
                            break;
                        case JsonTokenType.String when redactNext:
                        case JsonTokenType.Number when redactNext:
                            writer.WriteStringValue(Mask);
                            break;
                        case JsonTokenType.String:
                            writer.WriteStringValue(reader.GetString());
                            break;
                        case JsonTokenType.Number:
                            using (var number = JsonDocument.ParseValue(ref reader))
                            {
                                number.WriteTo(writer);
                            }

                            break;
                        case JsonTokenType.True:
                            writer.WriteBooleanValue(true);
                            break;
                        case JsonTokenType.False:
                            writer.WriteBooleanValue(false);
                            break;
                        case JsonTokenType.Null:
                            writer.WriteNullValue();
                            break;
                    }

                    redactNext = false;
                }
            }

            text = Encoding.UTF8.GetString(output.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }

        return Checked(text, secrets);
    }

    /// <summary>The XML text with the content of every <c>&lt;element&gt;</c> replaced by <c>***</c>.</summary>
    public static string? XmlElement(byte[] body, string element, params string?[] secrets)
    {
        var text = Encoding.UTF8.GetString(body);
        var pattern = "<" + Regex.Escape(element) + "(\\s[^>]*)?>.*?</" + Regex.Escape(element) + "\\s*>";
        text = Regex.Replace(text, pattern, "<" + element + ">" + Mask + "</" + element + ">", RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return Checked(text, secrets);
    }

    /// <summary>The form-urlencoded body with the values of fields named <paramref name="names"/> replaced by <c>***</c>.</summary>
    public static string? Form(byte[] body, ICollection<string> names, params string?[] secrets)
    {
        var pairs = Encoding.UTF8.GetString(body).Split('&');
        for (var i = 0; i < pairs.Length; i++)
        {
            var equals = pairs[i].IndexOf('=');
            var name = Uri.UnescapeDataString((equals < 0 ? pairs[i] : pairs[i].Substring(0, equals)).Replace('+', ' '));
            if (equals >= 0 && Contains(names, name))
            {
                pairs[i] = new StringBuilder(equals + 4).Append(pairs[i], 0, equals + 1).Append(Mask).ToString();
            }
        }

        var text = string.Join("&", pairs);
        var decoded = Uri.UnescapeDataString(text.Replace('+', ' '));
        return Checked(text, secrets) is not null && Checked(decoded, secrets) is not null ? text : null;
    }

    /// <summary>The text with every secret, in every form <see cref="Checked"/> looks for, replaced by <c>***</c>.</summary>
    public static string? Scrub(string? text, IReadOnlyList<string?> secrets)
    {
        if (text is null || secrets.Count == 0)
        {
            return text;
        }

        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            foreach (var form in Forms(secret!))
            {
                if (form.Length > 0 && text!.Contains(form))
                {
                    text = text.Replace(form, Mask);
                }
            }
        }

        return text;
    }

    /// <summary>Text that holds no secret: null when any secret is still in it, raw, JSON-escaped, XML-escaped or in base64.</summary>
    public static string? Checked(string text, params string?[] secrets)
    {
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            foreach (var form in Forms(secret!))
            {
                if (form.Length > 0 && text.Contains(form))
                {
                    return null;
                }
            }
        }

        return text;
    }

    private static IEnumerable<string> Forms(string secret)
    {
        yield return secret;
        var json = JsonEncodedText.Encode(secret).ToString();
        if (json != secret)
        {
            yield return json;
        }

        var xml = secret.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&apos;");
        if (xml != secret)
        {
            yield return xml;
        }

        yield return Uri.EscapeDataString(secret);
        yield return Uri.EscapeDataString(secret).Replace("%20", "+");
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
    }

    private static bool Contains(ICollection<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
