using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.Maxemail;

/// <summary>The <c>recipient</c> service. Reads are retried after server errors; updates are not, unless the caller opts in.</summary>
public sealed class MaxemailRecipients
{
    private const string Service = "recipient";
    private readonly MaxemailClient _client;

    internal MaxemailRecipients(MaxemailClient client) => _client = client;

    /// <summary><c>recipient.findByEmailAddress(emailAddress)</c>: the recipient's id, or null when there is none.</summary>
    /// <param name="emailAddress">The address to look up.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The recipient id, or null.</returns>
    /// <exception cref="ArgumentException">The address is not valid; nothing was sent.</exception>
    /// <exception cref="MessagingException">Maxemail refused the call or could not be reached.</exception>
    public Task<MaxemailResult<long?>> FindByEmailAddressAsync(string emailAddress, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.EmailAddress(emailAddress, nameof(emailAddress));
        return _client.InvokeTypedAsync(Service, "findByEmailAddress", Readers.Named(("emailAddress", emailAddress)), MaxemailResultReader.Id, null, cancellationToken);
    }

    /// <summary><c>recipient.find(recipientId)</c>: the recipient record, or null.</summary>
    /// <param name="recipientId">The recipient id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record, or null.</returns>
    public Task<MaxemailResult<MaxemailRecipient?>> FindAsync(long recipientId, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(recipientId, nameof(recipientId));
        return _client.InvokeTypedAsync(Service, "find", new object?[] { recipientId }, Readers.Recipient, null, cancellationToken);
    }

    /// <summary><c>recipient.update(recipientId, data)</c>. Not retried after an ambiguous failure unless <paramref name="callOptions"/> or the client options allow it.</summary>
    /// <param name="recipientId">The recipient id.</param>
    /// <param name="data">The fields to change (sent as one JSON object).</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated record when Maxemail returns it; null otherwise.</returns>
    public Task<MaxemailResult<MaxemailRecipient?>> UpdateAsync(long recipientId, IReadOnlyDictionary<string, object?> data, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(recipientId, nameof(recipientId));
        Readers.Data(data, nameof(data));
        return _client.InvokeTypedAsync(Service, "update", new object?[] { recipientId, data }, Readers.Recipient, callOptions, cancellationToken);
    }

    /// <summary><c>recipient.updateByEmailAddress(emailAddress, data)</c>.</summary>
    /// <param name="emailAddress">The recipient's address.</param>
    /// <param name="data">The fields to change (sent as one JSON object).</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated record when Maxemail returns it; null otherwise.</returns>
    public Task<MaxemailResult<MaxemailRecipient?>> UpdateByEmailAddressAsync(string emailAddress, IReadOnlyDictionary<string, object?> data, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.EmailAddress(emailAddress, nameof(emailAddress));
        Readers.Data(data, nameof(data));
        return _client.InvokeTypedAsync(Service, "updateByEmailAddress", Readers.Named(("emailAddress", emailAddress), ("data", data)), Readers.Recipient, callOptions, cancellationToken);
    }

    /// <summary><c>recipient.fetchLists(recipientId)</c>: the lists the recipient is on (empty when none).</summary>
    /// <param name="recipientId">The recipient id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lists.</returns>
    public Task<MaxemailResult<IReadOnlyList<MaxemailRecipientList>>> FetchListsAsync(long recipientId, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(recipientId, nameof(recipientId));
        return _client.InvokeTypedAsync(Service, "fetchLists", new object?[] { recipientId },
            json => MaxemailResultReader.List(json, MaxemailJsonContext.Default.ListMaxemailRecipientList, MaxemailJsonContext.Default.MaxemailRecipientList), null, cancellationToken);
    }
}

/// <summary>The <c>list</c> service.</summary>
public sealed class MaxemailLists
{
    private const string Service = "list";
    private readonly MaxemailClient _client;

    internal MaxemailLists(MaxemailClient client) => _client = client;

    /// <summary><c>list.insertRecipient(listID, data)</c>: adds a recipient to a list. Not retried after an ambiguous failure unless allowed.</summary>
    /// <param name="listId">The list id.</param>
    /// <param name="data">The recipient's fields (at least <c>email_address</c>), sent as one JSON object.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The recipient (a record, or just its id when Maxemail answers with one); null when Maxemail returns nothing.</returns>
    public Task<MaxemailResult<MaxemailRecipient?>> InsertRecipientAsync(long listId, IReadOnlyDictionary<string, object?> data, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(listId, nameof(listId));
        Readers.Data(data, nameof(data));
        return _client.InvokeTypedAsync(Service, "insertRecipient", Readers.Named(("listID", listId), ("data", data)), Readers.Recipient, callOptions, cancellationToken);
    }

    /// <summary><c>list.updateRecipient(listID, recipientId, data)</c>.</summary>
    /// <param name="listId">The list id.</param>
    /// <param name="recipientId">The recipient id.</param>
    /// <param name="data">The fields to change (for example <c>subscribed</c>), sent as one JSON object.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The recipient when Maxemail returns it; null otherwise.</returns>
    public Task<MaxemailResult<MaxemailRecipient?>> UpdateRecipientAsync(long listId, long recipientId, IReadOnlyDictionary<string, object?> data, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(listId, nameof(listId));
        MaxemailValidation.Positive(recipientId, nameof(recipientId));
        Readers.Data(data, nameof(data));
        return _client.InvokeTypedAsync(Service, "updateRecipient", new object?[] { listId, recipientId, data }, Readers.Recipient, callOptions, cancellationToken);
    }

    /// <summary><c>list.fetchRecipient(listID, recipientId)</c>: the recipient's record on the list, or null.</summary>
    /// <param name="listId">The list id.</param>
    /// <param name="recipientId">The recipient id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The record, or null.</returns>
    public Task<MaxemailResult<MaxemailRecipient?>> FetchRecipientAsync(long listId, long recipientId, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(listId, nameof(listId));
        MaxemailValidation.Positive(recipientId, nameof(recipientId));
        return _client.InvokeTypedAsync(Service, "fetchRecipient", new object?[] { listId, recipientId }, Readers.Recipient, null, cancellationToken);
    }

    /// <summary><c>list.fetchAll()</c>: every list.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lists.</returns>
    public Task<MaxemailResult<IReadOnlyList<MaxemailList>>> FetchAllAsync(CancellationToken cancellationToken = default) =>
        _client.InvokeTypedAsync(Service, "fetchAll", Array.Empty<object?>(),
            json => MaxemailResultReader.List(json, MaxemailJsonContext.Default.ListMaxemailList, MaxemailJsonContext.Default.MaxemailList), null, cancellationToken);
}

/// <summary>The <c>email_send</c> service: triggered emails. Never retried after an ambiguous failure unless allowed (a retry could send twice).</summary>
public sealed class MaxemailEmailSend
{
    private const string Service = "email_send";
    private readonly MaxemailClient _client;

    internal MaxemailEmailSend(MaxemailClient client) => _client = client;

    /// <summary><c>email_send.trigger(emailId, emailAddress, profileData)</c>: sends a triggered email to one address.</summary>
    /// <param name="emailId">The triggered email's id.</param>
    /// <param name="emailAddress">The recipient.</param>
    /// <param name="profileData">Profile fields for personalisation (one JSON object), or null.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when Maxemail accepted the trigger; false for a legacy <c>false</c>/<c>null</c> answer.</returns>
    public Task<MaxemailResult<bool>> TriggerAsync(long emailId, string emailAddress, IReadOnlyDictionary<string, object?>? profileData = null, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(emailId, nameof(emailId));
        MaxemailValidation.EmailAddress(emailAddress, nameof(emailAddress));
        return _client.InvokeTypedAsync(Service, "trigger", Readers.Named(("emailId", emailId), ("emailAddress", emailAddress), ("profileData", profileData)), MaxemailResultReader.Flag, callOptions, cancellationToken);
    }

    /// <summary><c>email_send.triggerFolder(folderId, emailAddress, profileData)</c>: triggers the emails of a folder.</summary>
    /// <param name="folderId">The folder id.</param>
    /// <param name="emailAddress">The recipient.</param>
    /// <param name="profileData">Profile fields (one JSON object), or null.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when Maxemail accepted the trigger.</returns>
    public Task<MaxemailResult<bool>> TriggerFolderAsync(long folderId, string emailAddress, IReadOnlyDictionary<string, object?>? profileData = null, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(folderId, nameof(folderId));
        MaxemailValidation.EmailAddress(emailAddress, nameof(emailAddress));
        return _client.InvokeTypedAsync(Service, "triggerFolder", Readers.Named(("folderId", folderId), ("emailAddress", emailAddress), ("profileData", profileData)), MaxemailResultReader.Flag, callOptions, cancellationToken);
    }
}

/// <summary>The <c>email_campaign</c> service.</summary>
public sealed class MaxemailEmailCampaigns
{
    private const string Service = "email_campaign";
    private readonly MaxemailClient _client;

    internal MaxemailEmailCampaigns(MaxemailClient client) => _client = client;

    /// <summary><c>email_campaign.insert(data)</c>: creates an email; <paramref name="data"/> is sent as <c>arg0</c>, one JSON object.</summary>
    /// <param name="data">The email to create.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created email.</returns>
    public Task<MaxemailResult<MaxemailEmail?>> InsertAsync(MaxemailEmailCampaign data, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        if (data.FromAddress is not null)
        {
            MaxemailValidation.EmailAddress(data.FromAddress, nameof(data) + "." + nameof(data.FromAddress));
        }

        var json = JsonSerializer.SerializeToElement(data, MaxemailFormEncoder.JsonOptions);
        return _client.InvokeTypedAsync(Service, "insert", new object?[] { json },
            json => MaxemailResultReader.Model(json, MaxemailJsonContext.Default.MaxemailEmail), callOptions, cancellationToken);
    }
}

/// <summary>The <c>transactional</c> service.</summary>
public sealed class MaxemailTransactional
{
    private const string Service = "transactional";
    private readonly MaxemailClient _client;

    internal MaxemailTransactional(MaxemailClient client) => _client = client;

    /// <summary>
    /// <c>transactional.send(toAddress, fromAddress, fromAlias, subject, htmlContent, textContent, options)</c>: one email to
    /// one recipient. Not retried after an ambiguous failure unless allowed (a retry could send twice).
    /// </summary>
    /// <param name="message">The email.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key Maxemail returned for the send.</returns>
    /// <exception cref="ArgumentException">A field is missing or invalid; <c>ParamName</c> names it. Nothing was sent.</exception>
    public Task<MaxemailResult<string?>> SendAsync(MaxemailTransactionalMessage message, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        MaxemailValidation.EmailAddress(message.ToAddress, nameof(message.ToAddress));
        MaxemailValidation.EmailAddress(message.FromAddress, nameof(message.FromAddress));
        if (string.IsNullOrWhiteSpace(message.Subject))
        {
            throw MaxemailValidation.Invalid("A subject is required.", nameof(message.Subject));
        }

        if (string.IsNullOrEmpty(message.HtmlContent) && string.IsNullOrEmpty(message.TextContent))
        {
            throw MaxemailValidation.Invalid("HtmlContent, TextContent or both are required.", nameof(message.TextContent));
        }

        return SendCoreAsync(message, callOptions, cancellationToken);
    }

    internal Task<MaxemailResult<string?>> SendCoreAsync(MaxemailTransactionalMessage message, MaxemailCallOptions? callOptions, CancellationToken cancellationToken) =>
        _client.InvokeTypedAsync(Service, "send",
            Readers.Named(
                ("toAddress", message.ToAddress), ("fromAddress", message.FromAddress), ("fromAlias", message.FromAlias), ("subject", message.Subject),
                ("htmlContent", message.HtmlContent), ("textContent", message.TextContent), ("options", message.Options)),
            MaxemailResultReader.Text, callOptions, cancellationToken);
}

/// <summary>The <c>tree</c> service: the folder tree of lists, emails and other items.</summary>
public sealed class MaxemailTree
{
    private const string Service = "tree";
    private readonly MaxemailClient _client;

    internal MaxemailTree(MaxemailClient client) => _client = client;

    /// <summary><c>tree.fetchRoot(nodeType)</c>: the root nodes of a tree.</summary>
    /// <param name="nodeType">The tree (<c>list</c>, <c>email</c>, <c>datatable</c> …).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The root nodes.</returns>
    public Task<MaxemailResult<IReadOnlyList<MaxemailTreeNode>>> FetchRootAsync(string nodeType, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Service(nodeType, nameof(nodeType));
        return _client.InvokeTypedAsync(Service, "fetchRoot", new object?[] { nodeType }, Readers.Nodes, null, cancellationToken);
    }

    /// <summary><c>tree.fetchTree(nodeType, nodeId)</c>: a tree, or the part of it under <paramref name="nodeId"/>.</summary>
    /// <param name="nodeType">The tree (<c>list</c>, <c>email</c> …).</param>
    /// <param name="nodeId">The node to start from, or null for the whole tree.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The nodes.</returns>
    public Task<MaxemailResult<IReadOnlyList<MaxemailTreeNode>>> FetchTreeAsync(string nodeType, string? nodeId = null, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Service(nodeType, nameof(nodeType));
        return _client.InvokeTypedAsync(Service, "fetchTree", new object?[] { nodeType, nodeId }, Readers.Nodes, null, cancellationToken);
    }
}

/// <summary>Shared readers and checks of the typed services.</summary>
internal static class Readers
{
    /// <summary>A record, or just an id (some methods answer with the recipient id).</summary>
    public static MaxemailRecipient? Recipient(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number or JsonValueKind.String => MaxemailResultReader.Id(json) is { } id ? new MaxemailRecipient { RecipientId = id } : null,
        JsonValueKind.True => null,
        _ => MaxemailResultReader.Model(json, MaxemailJsonContext.Default.MaxemailRecipient),
    };

    public static IReadOnlyList<MaxemailTreeNode> Nodes(JsonElement json) => json.ValueKind == JsonValueKind.Object && json.TryGetProperty("id", out _)
        ? new[] { json.Deserialize(MaxemailJsonContext.Default.MaxemailTreeNode)! }
        : MaxemailResultReader.List(json, MaxemailJsonContext.Default.ListMaxemailTreeNode, MaxemailJsonContext.Default.MaxemailTreeNode);

    /// <summary>Named parameters in order (the names providers.md documents).</summary>
    public static KeyValuePair<string, object?>[] Named(params (string Name, object? Value)[] parameters)
    {
        var result = new KeyValuePair<string, object?>[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            result[i] = new KeyValuePair<string, object?>(parameters[i].Name, parameters[i].Value);
        }

        return result;
    }

    public static void Data(IReadOnlyDictionary<string, object?> data, string paramName)
    {
        if (data is null)
        {
            throw new ArgumentNullException(paramName);
        }

        foreach (var field in data)
        {
            if (string.IsNullOrWhiteSpace(field.Key))
            {
                throw new ArgumentException("Field names must not be empty.", paramName);
            }

            if (string.Equals(field.Key, "email_address", StringComparison.OrdinalIgnoreCase) && field.Value is string address)
            {
                MaxemailValidation.EmailAddress(address, paramName);
            }
        }
    }
}
