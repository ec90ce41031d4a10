using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MessagingClients.Maxemail;

/// <summary>Source-generated JSON metadata for the SDK's own Maxemail types. Ids may arrive as strings (<c>"298"</c>).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(MaxemailRecipient))]
[JsonSerializable(typeof(List<MaxemailRecipientList>))]
[JsonSerializable(typeof(List<MaxemailList>))]
[JsonSerializable(typeof(MaxemailEmailCampaign))]
[JsonSerializable(typeof(MaxemailEmail))]
[JsonSerializable(typeof(List<MaxemailTreeNode>))]
[JsonSerializable(typeof(MaxemailTreeNode))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
internal sealed partial class MaxemailJsonContext : JsonSerializerContext
{
}
