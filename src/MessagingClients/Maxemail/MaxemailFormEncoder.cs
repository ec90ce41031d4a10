using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MessagingClients.Maxemail;

/// <summary>
/// Builds the <c>application/x-www-form-urlencoded</c> body of a Maxemail call exactly as the official PHP client does
/// (<c>http_build_query</c>): <c>method={name}</c> first, then the parameters in call order; arrays and objects as compact
/// JSON strings; booleans <c>1</c>/<c>0</c>; null parameters left out (the others keep their names and positions);
/// numbers and dates in invariant culture; percent-encoding of UTF-8 bytes with upper-case hex, space as <c>+</c>, and only
/// <c>A–Z a–z 0–9 - _ .</c> left as they are.
/// </summary>
internal static class MaxemailFormEncoder
{
    /// <summary>The date format Maxemail documents (<c>2020-01-01 00:00:00</c>), used for <see cref="DateTime"/> values.</summary>
    public const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Options for JSON-encoded parameters: compact, non-ASCII text kept as UTF-8, SDK types from the source-generated context.</summary>
    public static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    public static byte[] Encode(string method, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var builder = new StringBuilder(256);
        builder.Append("method=");
        Append(builder, method);
        foreach (var field in fields)
        {
            builder.Append('&');
            Append(builder, field.Key);
            builder.Append('=');
            Append(builder, field.Value);
        }

        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    /// <summary>Named parameters in the caller's order, nulls left out.</summary>
    public static List<KeyValuePair<string, string>> Named(IEnumerable<KeyValuePair<string, object?>> parameters, string paramName)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            MaxemailValidation.ParameterName(parameter.Key, paramName);
            if (!seen.Add(parameter.Key))
            {
                throw new ArgumentException($"Parameter '{parameter.Key}' is given twice.", paramName);
            }

            if (EncodeValue(parameter.Value) is { } value)
            {
                fields.Add(new KeyValuePair<string, string>(parameter.Key, value));
            }
        }

        return fields;
    }

    /// <summary>Positional arguments as <c>arg0</c>…<c>argN</c>; a null argument is left out and the others keep their index.</summary>
    public static List<KeyValuePair<string, string>> Positional(IReadOnlyList<object?> arguments)
    {
        var fields = new List<KeyValuePair<string, string>>(arguments.Count);
        for (var i = 0; i < arguments.Count; i++)
        {
            if (EncodeValue(arguments[i]) is { } value)
            {
                fields.Add(new KeyValuePair<string, string>("arg" + i.ToString(CultureInfo.InvariantCulture), value));
            }
        }

        return fields;
    }

    /// <summary>One parameter's text, or null to leave it out.</summary>
    public static string? EncodeValue(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return text;
            case bool flag:
                return flag ? "1" : "0";
            case char c:
                return c.ToString();
            case double d:
                return FormatDouble(d);
            case float f:
                return FormatDouble(f);
            case DateTime date:
                return date.ToString(DateTimeFormat, CultureInfo.InvariantCulture);
            case DateTimeOffset offset:
                return offset.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
#if NET8_0_OR_GREATER
            case DateOnly day:
                return day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
#endif
            case Guid guid:
                return guid.ToString("D");
            case Enum e:
                return Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            case JsonElement element:
                return EncodeElement(element);
            case JsonNode node:
                return EncodeElement(JsonSerializer.SerializeToElement(node, JsonOptions));
            case IFormattable formattable when IsNumber(value):
                return formattable.ToString(null, CultureInfo.InvariantCulture);
            case Uri uri:
                return uri.OriginalString;
            default:
                return Serialize(value);
        }
    }

    private static string? EncodeElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        JsonValueKind.Number => element.GetRawText(),
        _ => Compact(element),
    };

    private static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonOptions.Encoder, Indented = false }))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), JsonOptions);

    private static bool IsNumber(object value) => value is sbyte or byte or short or ushort or int or uint or long or ulong or decimal;

    private static string FormatDouble(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentException("NaN and infinite numbers cannot be sent to Maxemail.", nameof(value));
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Percent-encodes like PHP's <c>urlencode</c>: UTF-8 bytes, upper-case hex, space as <c>+</c>.</summary>
    private static void Append(StringBuilder builder, string value)
    {
        const string Hex = "0123456789ABCDEF";
        var bytes = Encoding.UTF8.GetBytes(value);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
            }
        }
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions
        {
            // The JSON is a form value, never HTML: keep non-ASCII text as UTF-8 (then percent-encoded) instead of \u escapes.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = false,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(MaxemailJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.Converters.Add(new MaxemailDateTimeConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Writes <see cref="DateTime"/> values inside JSON parameters in Maxemail's format, as top-level ones are.</summary>
    private sealed class MaxemailDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTime.Parse(reader.GetString() ?? string.Empty, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces);

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString(DateTimeFormat, CultureInfo.InvariantCulture));
    }
}
