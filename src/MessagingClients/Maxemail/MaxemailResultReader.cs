using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MessagingClients.Maxemail;

/// <summary>
/// Reads the typed services' answers. Legacy answers <c>false</c> and <c>null</c> become null, false or an empty list; ids
/// may come as numbers or strings; PHP arrays with non-sequential keys come as JSON objects and are read as lists.
/// A shape that does not fit throws <see cref="JsonException"/> (the typed services turn that into an empty value and a log warning).
/// </summary>
internal static class MaxemailResultReader
{
    public static long? Id(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number => json.GetInt64(),
        JsonValueKind.String when long.TryParse(json.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) => id,
        JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => null,
        _ => throw new JsonException($"Expected an id, got {json.ValueKind}."),
    };

    public static string? Text(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => json.GetString(),
        JsonValueKind.Number => json.GetRawText(),
        JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => null,
        JsonValueKind.Object when json.TryGetProperty("key", out var key) => Text(key),
        _ => throw new JsonException($"Expected a string, got {json.ValueKind}."),
    };

    /// <summary>True for any answer but <c>false</c>, <c>null</c>, <c>0</c> and <c>"0"</c>/<c>""</c>.</summary>
    public static bool Flag(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined => false,
        JsonValueKind.Number => json.GetDouble() != 0,
        JsonValueKind.String => json.GetString() is { Length: > 0 } text && text != "0" && !string.Equals(text, "false", System.StringComparison.OrdinalIgnoreCase),
        _ => true,
    };

    public static T? Model<T>(JsonElement json, JsonTypeInfo<T> typeInfo)
        where T : class => json.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => null,
            JsonValueKind.Object => json.Deserialize(typeInfo),
            _ => throw new JsonException($"Expected an object, got {json.ValueKind}."),
        };

    public static IReadOnlyList<T> List<T>(JsonElement json, JsonTypeInfo<List<T>> listType, JsonTypeInfo<T> itemType)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined:
                return new List<T>();
            case JsonValueKind.Array:
                return json.Deserialize(listType) ?? new List<T>();
            case JsonValueKind.Object:
                var items = new List<T>();
                foreach (var property in json.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.Object && property.Value.Deserialize(itemType) is { } item)
                    {
                        items.Add(item);
                    }
                }

                return items;
            default:
                throw new JsonException($"Expected a list, got {json.ValueKind}.");
        }
    }
}
