using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MessagingClients.Maxemail;

/// <summary>A recipient record (<c>recipient.find</c>, <c>list.fetchRecipient</c> …). Fields the SDK does not model are in <see cref="AdditionalData"/>.</summary>
public sealed class MaxemailRecipient
{
    /// <summary>The recipient id.</summary>
    [JsonPropertyName("recipient_id")]
    public long RecipientId { get; set; }

    /// <summary>The email address.</summary>
    [JsonPropertyName("email_address")]
    public string? EmailAddress { get; set; }

    /// <summary>Every other field of the record (profile fields, dates …), as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalData { get; set; }
}

/// <summary>A list a recipient is on (<c>recipient.fetchLists</c>).</summary>
public sealed class MaxemailRecipientList
{
    /// <summary>The list id.</summary>
    [JsonPropertyName("list_id")]
    public long ListId { get; set; }

    /// <summary>The list name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Whether the recipient is subscribed to the list (Maxemail may send <c>true</c>, <c>1</c> or <c>"1"</c>).</summary>
    [JsonPropertyName("subscribed")]
    [JsonConverter(typeof(MaxemailFlexibleBooleanConverter))]
    public bool? Subscribed { get; set; }

    /// <summary>Every other field, as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalData { get; set; }
}

/// <summary>A list (<c>list.fetchAll</c>).</summary>
public sealed class MaxemailList
{
    /// <summary>The list id.</summary>
    [JsonPropertyName("list_id")]
    public long ListId { get; set; }

    /// <summary>The list name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The list type (<c>include</c>, <c>suppression</c> …).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The folder the list is in.</summary>
    [JsonPropertyName("folder_id")]
    public long? FolderId { get; set; }

    /// <summary>Every other field, as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalData { get; set; }
}

/// <summary>What <c>email_campaign.insert</c> creates: serialized in this order, null fields left out, <see cref="AdditionalFields"/> after.</summary>
public sealed class MaxemailEmailCampaign
{
    /// <summary>The folder to create the email in.</summary>
    [JsonPropertyName("folder_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? FolderId { get; set; }

    /// <summary>The email's name in Maxemail.</summary>
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }

    /// <summary>The subject line.</summary>
    [JsonPropertyName("subject_line")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SubjectLine { get; set; }

    /// <summary>The sender address.</summary>
    [JsonPropertyName("from_address")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FromAddress { get; set; }

    /// <summary>The sender's display name.</summary>
    [JsonPropertyName("from_address_alias")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FromAddressAlias { get; set; }

    /// <summary>Further fields the method takes (<c>message_type</c>, <c>template_id</c> …), written after the ones above.</summary>
    [JsonExtensionData]
    public IDictionary<string, object>? AdditionalFields { get; set; }
}

/// <summary>An email as Maxemail answers it (<c>email_campaign.insert</c>).</summary>
public sealed class MaxemailEmail
{
    /// <summary>The email id.</summary>
    [JsonPropertyName("email_id")]
    public long EmailId { get; set; }

    /// <summary>The campaign id (Maxemail may send it as a string).</summary>
    [JsonPropertyName("campaign_id")]
    public long? CampaignId { get; set; }

    /// <summary>The email's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The subject line.</summary>
    [JsonPropertyName("subject_line")]
    public string? SubjectLine { get; set; }

    /// <summary>The message type (<c>both</c>, <c>html</c>, <c>text</c>).</summary>
    [JsonPropertyName("message_type")]
    public string? MessageType { get; set; }

    /// <summary>The sender address.</summary>
    [JsonPropertyName("from_address")]
    public string? FromAddress { get; set; }

    /// <summary>The sender's display name.</summary>
    [JsonPropertyName("from_address_alias")]
    public string? FromAddressAlias { get; set; }

    /// <summary>The template, when there is one.</summary>
    [JsonPropertyName("template_id")]
    public long? TemplateId { get; set; }

    /// <summary>Every other field, as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalData { get; set; }
}

/// <summary>A node of the Maxemail folder tree (<c>tree.fetchRoot</c>, <c>tree.fetchTree</c>).</summary>
public sealed class MaxemailTreeNode
{
    /// <summary>The node id (a number or a text id, kept as text).</summary>
    [JsonPropertyName("id")]
    [JsonConverter(typeof(MaxemailFlexibleStringConverter))]
    public string? Id { get; set; }

    /// <summary>The node's display text.</summary>
    [JsonPropertyName("text")]
    public string? Text { get; set; }

    /// <summary>The node type (<c>folder</c>, <c>list</c>, <c>email</c> …).</summary>
    [JsonPropertyName("nodeType")]
    public string? NodeType { get; set; }

    /// <summary>True when the node has no children.</summary>
    [JsonPropertyName("leaf")]
    [JsonConverter(typeof(MaxemailFlexibleBooleanConverter))]
    public bool? Leaf { get; set; }

    /// <summary>Child nodes, when the answer includes them.</summary>
    [JsonPropertyName("children")]
    public IList<MaxemailTreeNode>? Children { get; set; }

    /// <summary>Every other field, as received.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalData { get; set; }
}

/// <summary>
/// One transactional email (<c>transactional.send(toAddress, fromAddress, fromAlias, subject, htmlContent, textContent, options)</c>):
/// one recipient per call.
/// </summary>
public sealed class MaxemailTransactionalMessage
{
    /// <summary>The one recipient address. Required.</summary>
    public string ToAddress { get; set; } = string.Empty;

    /// <summary>The sender address. Required.</summary>
    public string FromAddress { get; set; } = string.Empty;

    /// <summary>The sender's display name.</summary>
    public string? FromAlias { get; set; }

    /// <summary>The subject line. Required.</summary>
    public string Subject { get; set; } = string.Empty;

    /// <summary>The HTML body. At least one of <see cref="HtmlContent"/> and <see cref="TextContent"/> is required.</summary>
    public string? HtmlContent { get; set; }

    /// <summary>The plain-text body.</summary>
    public string? TextContent { get; set; }

    /// <summary>Further options of the method, sent as one JSON object (null: left out).</summary>
    public IDictionary<string, object?>? Options { get; set; }
}
