using System.Text.Json.Serialization;

namespace MessagingClients.Redis;

/// <summary>Source-generated JSON for the receipts kept in Redis.</summary>
[JsonSerializable(typeof(SendReceipt))]
internal sealed partial class RedisJsonContext : JsonSerializerContext
{
}
