using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Maxemail;
using Microsoft.AspNetCore.Http;

namespace MessagingClients.Testing;

/// <summary>
/// The simulated Maxemail JSON API: <c>POST api/json/{service}</c> with a form-urlencoded body (<c>method</c> and named or
/// <c>argN</c> parameters) and Basic authentication, for the typed services (<c>recipient</c>, <c>list</c>, <c>email_send</c>,
/// <c>email_campaign</c>, <c>transactional</c>, <c>tree</c>), <c>file_upload</c> (<c>initialise</c>, multipart <c>handle</c>) and
/// <c>GET download/…</c>. Errors are 4xx/5xx with <c>{"success":false,"msg","code"}</c>; wrong credentials answer 401.
/// </summary>
public sealed class SimulatedMaxemail : SimulatedProvider
{
    private static readonly Dictionary<string, Dictionary<string, Signature>> Services = new(StringComparer.Ordinal)
    {
        ["recipient"] = new(StringComparer.Ordinal)
        {
            ["findByEmailAddress"] = new(1, "emailAddress"),
            ["find"] = new(1, "recipientId"),
            ["update"] = new(2, "recipientId", "data"),
            ["updateByEmailAddress"] = new(2, "emailAddress", "data"),
            ["fetchLists"] = new(1, "recipientId"),
        },
        ["list"] = new(StringComparer.Ordinal)
        {
            ["insertRecipient"] = new(2, "listID", "data"),
            ["updateRecipient"] = new(3, "listID", "recipientId", "data"),
            ["fetchRecipient"] = new(2, "listID", "recipientId"),
            ["fetchAll"] = new(0),
        },
        ["email_send"] = new(StringComparer.Ordinal)
        {
            ["trigger"] = new(2, "emailId", "emailAddress", "profileData"),
            ["triggerFolder"] = new(2, "folderId", "emailAddress", "profileData"),
        },
        ["email_campaign"] = new(StringComparer.Ordinal) { ["insert"] = new(1, "data") },
        ["transactional"] = new(StringComparer.Ordinal)
        {
            ["send"] = new(4, "toAddress", "fromAddress", "fromAlias", "subject", "htmlContent", "textContent", "options") { Optional = new[] { 2 } },
        },
        ["tree"] = new(StringComparer.Ordinal)
        {
            ["fetchRoot"] = new(1, "nodeType"),
            ["fetchTree"] = new(1, "nodeType", "nodeId"),
        },
        ["file_upload"] = new(StringComparer.Ordinal)
        {
            ["initialise"] = new(0),
            ["handle"] = new(1, "key"),
        },
    };

    private readonly SimulatedMaxemailOptions _options;
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _recipientIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, JsonObject> _recipients = new();
    private readonly Dictionary<long, HashSet<long>> _listMembers = new() { [1] = new HashSet<long>() };
    private readonly ConcurrentDictionary<string, byte> _uploadKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimulatedFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Service, string Method), string> _results = new();
    private readonly ConcurrentDictionary<(string Service, string Method), string> _deprecations = new();
    private long _ids = 1000;

    internal SimulatedMaxemail(ProviderSimulator simulator, SimulatedMaxemailOptions options)
        : base(simulator, "maxemail", "maxemail/", options)
    {
        _options = options;
    }

    /// <inheritdoc />
    public override Uri Endpoint => new(Simulator.BaseAddress, PathPrefix);

    /// <summary>The user name the simulator accepts.</summary>
    public string Username => _options.Username;

    /// <summary>The password the simulator accepts.</summary>
    public string Password => _options.Password;

    /// <summary>Client options for this simulated account: endpoint, credentials and a default sender set.</summary>
    /// <returns>New options; adjust retry and rate settings as the test needs.</returns>
    public MaxemailClientOptions CreateClientOptions() => new() { Endpoint = Endpoint, Username = Username, Password = Password, DefaultFrom = "Simulator <sender@simulator.example>" };

    /// <summary>The files uploaded through <c>file_upload</c>, by key.</summary>
    public IReadOnlyDictionary<string, SimulatedFile> UploadedFiles => new Dictionary<string, SimulatedFile>(_files, StringComparer.Ordinal);

    /// <summary>Adds a recipient, as if it had been imported, and returns its id (the existing id when the address is known).</summary>
    /// <param name="emailAddress">The address.</param>
    /// <returns>The recipient id.</returns>
    public long AddRecipient(string emailAddress)
    {
        if (string.IsNullOrWhiteSpace(emailAddress))
        {
            throw new ArgumentException("An address is required.", nameof(emailAddress));
        }

        lock (_gate)
        {
            return Upsert(emailAddress, null)["recipient_id"]!.GetValue<long>();
        }
    }

    /// <summary>
    /// Makes <paramref name="service"/>.<paramref name="method"/> answer <paramref name="json"/> (HTTP 200) after the usual
    /// checks: to stub a method the simulator does not implement, or to change what one answers.
    /// </summary>
    /// <param name="service">The service, for example <c>campaign</c>.</param>
    /// <param name="method">The method, for example <c>fetchAll</c>.</param>
    /// <param name="json">The result as JSON: an object, array, string, number, <c>true</c>, <c>false</c> or <c>null</c>.</param>
    public void SetResult(string service, string method, string json)
    {
        if (string.IsNullOrWhiteSpace(service) || string.IsNullOrWhiteSpace(method))
        {
            throw new ArgumentException("A service and a method are required.", string.IsNullOrWhiteSpace(service) ? nameof(service) : nameof(method));
        }

        using (JsonDocument.Parse(json ?? throw new ArgumentNullException(nameof(json))))
        {
        }

        _results[(service, method)] = json;
    }

    /// <summary>
    /// Marks a method deprecated: its answers carry <c>Warning: 299 MxmApi/v{version} "{method} Deprecated: {version} {reason}"</c>.
    /// </summary>
    /// <param name="service">The service.</param>
    /// <param name="method">The method.</param>
    /// <param name="reason">The reason or the alternative to use.</param>
    /// <param name="version">The API version the deprecation was introduced in.</param>
    public void Deprecate(string service, string method, string reason, int version = 123)
    {
        if (string.IsNullOrWhiteSpace(service) || string.IsNullOrWhiteSpace(method))
        {
            throw new ArgumentException("A service and a method are required.", string.IsNullOrWhiteSpace(service) ? nameof(service) : nameof(method));
        }

        var v = version.ToString(CultureInfo.InvariantCulture);
        _deprecations[(service, method)] = "299 MxmApi/v" + v + " \"" + method + " Deprecated: " + v + " " + (reason ?? string.Empty).Replace("\"", "'", StringComparison.Ordinal) + "\"";
    }

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        lock (_gate)
        {
            _recipientIds.Clear();
            _recipients.Clear();
            _listMembers.Clear();
            _listMembers[1] = new HashSet<long>();
        }

        _uploadKeys.Clear();
        _files.Clear();
        _results.Clear();
        _deprecations.Clear();
    }

    internal override async Task<SimulatedResponse> ProcessAsync(SimulatedRequest request)
    {
        var http = request.Context.Request;
        var isDownload = request.Path.StartsWith("download/", StringComparison.Ordinal);
        if (!isDownload && !request.Path.StartsWith("api/json/", StringComparison.Ordinal))
        {
            return Error(404, "Not found: " + request.Path);
        }

        if (!Authorized(http.Headers.Authorization.ToString()))
        {
            return Error(401, "Authentication failed: send 'Authorization: Basic base64(username:password)' with valid credentials");
        }

        if (isDownload)
        {
            request.Record.Operation = "download";
            return HttpMethods.IsGet(request.Method) ? Download(request.Path.Substring("download/".Length)) : Error(405, "Downloads take GET.");
        }

        var service = request.Path.Substring("api/json/".Length);
        if (!HttpMethods.IsPost(request.Method))
        {
            return Error(405, "The JSON API takes POST.");
        }

        var mediaType = request.MediaType;
        var multipart = string.Equals(mediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (!multipart && !string.Equals(mediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return Error(400, "Content-Type must be application/x-www-form-urlencoded (multipart/form-data for file uploads), got '" + (http.ContentType ?? "none") + "'");
        }

        IFormCollection form;
        try
        {
            form = await http.ReadFormAsync(request.Context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return Error(400, "The request body could not be read: " + ex.Message);
        }

        var method = form["method"].ToString();
        if (string.IsNullOrEmpty(method))
        {
            return Error(400, "No method specified: send method={name}");
        }

        request.Record.Operation = service + "." + method;
        if (multipart && !(service == "file_upload" && method == "handle"))
        {
            return Error(400, "multipart/form-data is only for file_upload.handle");
        }

        var response = Call(request, service, method, form);
        if (response.Status == 200 && _deprecations.TryGetValue((service, method), out var warning))
        {
            response.WithHeader("Warning", warning);
        }

        return response;
    }

    internal override SimulatedResponse FaultResponse(SimulatedFault fault, TimeSpan retryAfter) => fault.Kind switch
    {
        SimulatedFaultKind.ServiceUnavailable => Fault(Error(503, "Service temporarily unavailable"), SimulatedOutcome.Fault).WithHeader("Retry-After", RetryAfterSeconds(retryAfter)),
        SimulatedFaultKind.Throttled => ThrottledResponse(retryAfter),
        SimulatedFaultKind.InternalServerError => Fault(Error(500, "Internal server error"), SimulatedOutcome.Fault),
        SimulatedFaultKind.BadGatewayHtml => SimulatedResponse.GatewayPage(502, "Bad Gateway"),
        SimulatedFaultKind.ProviderCode => Fault(
            int.TryParse(fault.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var status) && status is >= 400 and <= 599
                ? Error(status, "Simulated error " + fault.Code)
                : Error(400, "Simulated error " + fault.Code),
            status == 429 ? SimulatedOutcome.Throttled : SimulatedOutcome.Fault),
        _ => ErrorResponse("Unexpected fault " + fault),
    };

    internal override SimulatedResponse ThrottledResponse(TimeSpan? retryAfter)
    {
        var response = Fault(Error(429, "Too many requests: the account's rate limit was exceeded"), SimulatedOutcome.Throttled);
        return retryAfter is { } wait ? response.WithHeader("Retry-After", RetryAfterSeconds(wait)) : response;
    }

    internal override SimulatedResponse ErrorResponse(string message) => Error(400, message);

    internal override string RedactBody(string body, string? contentType) =>
        _options.Password.Length >= 4 ? body.Replace(_options.Password, "***", StringComparison.Ordinal) : body;

    private static SimulatedResponse Fault(SimulatedResponse response, SimulatedOutcome outcome)
    {
        response.Outcome = outcome;
        return response;
    }

    private static SimulatedResponse Error(int status, string message) => SimulatedResponse.Json(
        status,
        "{\"success\":false,\"msg\":" + JsonSerializer.Serialize(message) + ",\"code\":" + status.ToString(CultureInfo.InvariantCulture) + ",\"errors\":[]}",
        SimulatedOutcome.Refused,
        status.ToString(CultureInfo.InvariantCulture));

    private static SimulatedResponse Ok(string json, SimulatedOutcome outcome = SimulatedOutcome.Succeeded) => SimulatedResponse.Json(200, json, outcome);

    private bool Authorized(string header)
    {
        const string Prefix = "Basic ";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Substring(Prefix.Length).Trim()));
            return string.Equals(decoded, _options.Username + ":" + _options.Password, StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private SimulatedResponse Call(SimulatedRequest request, string service, string method, IFormCollection form)
    {
        var custom = _results.TryGetValue((service, method), out var canned);
        if (!Services.TryGetValue(service, out var methods))
        {
            return custom ? Ok(canned!) : Error(404, "Unknown service '" + service + "'");
        }

        if (!methods.TryGetValue(method, out var signature))
        {
            return custom ? Ok(canned!) : Error(400, "Invalid Method Call to " + method + ". The service " + service + " has no such method.");
        }

        var args = new string?[signature.Names.Length];
        var given = 0;
        for (var i = 0; i < args.Length; i++)
        {
            var value = form.TryGetValue(signature.Names[i], out var named) ? named.ToString()
                : form.TryGetValue("arg" + i.ToString(CultureInfo.InvariantCulture), out var positional) ? positional.ToString()
                : null;
            args[i] = value;
            given += value is null ? 0 : 1;
        }

        var missing = Enumerable.Range(0, signature.Required).Any(i => args[i] is null && !signature.Optional.Contains(i));
        if (missing)
        {
            return Error(400, "Invalid Method Call to " + method + ". Requires " + signature.Required.ToString(CultureInfo.InvariantCulture) + ", " + given.ToString(CultureInfo.InvariantCulture) + " given.");
        }

        if (custom)
        {
            return Ok(canned!);
        }

        try
        {
            return Invoke(request, service, method, args, form);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            return Error(400, "Invalid parameter for " + service + "." + method + ": " + ex.Message);
        }
    }

    private SimulatedResponse Invoke(SimulatedRequest request, string service, string method, string?[] a, IFormCollection form)
    {
        switch (service + "." + method)
        {
            case "recipient.findByEmailAddress":
                lock (_gate)
                {
                    return Ok(_recipientIds.TryGetValue(a[0]!, out var found) ? found.ToString(CultureInfo.InvariantCulture) : "null");
                }

            case "recipient.find":
                lock (_gate)
                {
                    return Ok(_recipients.TryGetValue(Id(a[0]), out var recipient) ? recipient.ToJsonString() : "null");
                }

            case "recipient.update":
            case "list.updateRecipient":
            {
                var id = Id(service == "list" ? a[1] : a[0]);
                var data = Data(service == "list" ? a[2] : a[1]);
                lock (_gate)
                {
                    if (!_recipients.TryGetValue(id, out var recipient))
                    {
                        return Error(404, "Recipient " + id.ToString(CultureInfo.InvariantCulture) + " not found");
                    }

                    Merge(recipient, data);
                    return Ok(recipient.ToJsonString());
                }
            }

            case "recipient.updateByEmailAddress":
                if (IsRejected(a[0]!))
                {
                    return Error(400, "Invalid email address: " + a[0]);
                }

                lock (_gate)
                {
                    return Ok(Upsert(a[0]!, Data(a[1])).ToJsonString());
                }

            case "recipient.fetchLists":
            {
                var id = Id(a[0]);
                var lists = new JsonArray();
                lock (_gate)
                {
                    foreach (var list in _listMembers.Where(l => l.Value.Contains(id)))
                    {
                        lists.Add(new JsonObject { ["list_id"] = list.Key, ["name"] = "Simulated list " + list.Key.ToString(CultureInfo.InvariantCulture), ["subscribed"] = true });
                    }
                }

                return Ok(lists.ToJsonString());
            }

            case "list.insertRecipient":
            {
                var listId = Id(a[0]);
                var data = Data(a[1]);
                var email = data["email_address"]?.GetValue<string>();
                if (string.IsNullOrWhiteSpace(email) || !SimulatedMaxMd.IsAddress(email) || IsRejected(email))
                {
                    return Error(400, "Invalid email_address in data");
                }

                lock (_gate)
                {
                    var recipient = Upsert(email, data);
                    if (!_listMembers.TryGetValue(listId, out var members))
                    {
                        _listMembers[listId] = members = new HashSet<long>();
                    }

                    members.Add(recipient["recipient_id"]!.GetValue<long>());
                    return Ok(recipient.ToJsonString());
                }
            }

            case "list.fetchRecipient":
                lock (_gate)
                {
                    var listId = Id(a[0]);
                    var id = Id(a[1]);
                    return Ok(_listMembers.TryGetValue(listId, out var members) && members.Contains(id) ? _recipients[id].ToJsonString() : "null");
                }

            case "list.fetchAll":
            {
                var lists = new JsonArray();
                lock (_gate)
                {
                    foreach (var id in _listMembers.Keys.OrderBy(k => k))
                    {
                        lists.Add(new JsonObject { ["list_id"] = id, ["name"] = "Simulated list " + id.ToString(CultureInfo.InvariantCulture), ["type"] = "include", ["folder_id"] = 1 });
                    }
                }

                return Ok(lists.ToJsonString());
            }

            case "email_send.trigger":
            case "email_send.triggerFolder":
            {
                Id(a[0]);
                if (!SimulatedMaxMd.IsAddress(a[1]) || IsRejected(a[1]!))
                {
                    return Error(400, "Invalid email address: " + a[1]);
                }

                if (a[2] is not null)
                {
                    Data(a[2]);
                }

                Accept(request, service + "." + method, "trigger-" + Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture), new[] { a[1]! });
                return Ok("true", SimulatedOutcome.Accepted);
            }

            case "email_campaign.insert":
            {
                var data = Data(a[0]);
                var id = Interlocked.Increment(ref _ids);
                var email = new JsonObject
                {
                    ["email_id"] = id,
                    ["campaign_id"] = (id + 1).ToString(CultureInfo.InvariantCulture),
                    ["name"] = data["name"]?.DeepClone(),
                    ["subject_line"] = data["subject_line"]?.DeepClone(),
                    ["message_type"] = "both",
                    ["from_address"] = data["from_address"]?.DeepClone(),
                    ["from_address_alias"] = data["from_address_alias"]?.DeepClone(),
                    ["template_id"] = null,
                };
                return Ok(email.ToJsonString());
            }

            case "transactional.send":
            {
                if (!SimulatedMaxMd.IsAddress(a[0]) || IsRejected(a[0]!))
                {
                    return Error(400, "Invalid toAddress: " + a[0]);
                }

                if (!SimulatedMaxMd.IsAddress(a[1]))
                {
                    return Error(400, "Invalid fromAddress: " + a[1]);
                }

                if (string.IsNullOrEmpty(a[4]) && string.IsNullOrEmpty(a[5]))
                {
                    return Error(400, "htmlContent or textContent is required");
                }

                if (a[6] is not null)
                {
                    Data(a[6]);
                }

                var key = "tx-" + Guid.NewGuid().ToString("N");
                Accept(request, "transactional.send", key, new[] { a[0]! });
                return Ok(JsonSerializer.Serialize(key), SimulatedOutcome.Accepted);
            }

            case "tree.fetchRoot":
            case "tree.fetchTree":
            {
                var parent = a.Length > 1 ? a[1] : null;
                var nodes = new JsonArray
                {
                    new JsonObject { ["id"] = parent is null ? "1" : parent + ".1", ["text"] = "Simulated " + a[0] + " folder", ["nodeType"] = a[0], ["leaf"] = false },
                    new JsonObject { ["id"] = parent is null ? "2" : parent + ".2", ["text"] = "Simulated " + a[0], ["nodeType"] = a[0], ["leaf"] = true },
                };
                return Ok(nodes.ToJsonString());
            }

            case "file_upload.initialise":
            {
                var key = "upload-" + Guid.NewGuid().ToString("N");
                _uploadKeys[key] = 0;
                return Ok(new JsonObject { ["key"] = key }.ToJsonString());
            }

            case "file_upload.handle":
            {
                if (!_uploadKeys.ContainsKey(a[0]!))
                {
                    return Error(400, "Unknown upload key; call file_upload.initialise first");
                }

                var file = form.Files.GetFile("file");
                if (file is null)
                {
                    return Error(400, "No file part named 'file'");
                }

                using var content = new MemoryStream();
                using (var stream = file.OpenReadStream())
                {
                    stream.CopyTo(content);
                }

                _files[a[0]!] = new SimulatedFile(file.FileName, file.ContentType ?? "application/octet-stream", content.ToArray());
                return Ok("true");
            }

            default:
                return Error(400, "Invalid Method Call to " + method);
        }
    }

    private SimulatedResponse Download(string path)
    {
        var parts = path.Split('/');
        if (parts.Length == 3 && parts[0] == "file" && parts[1] == "key")
        {
            return _files.TryGetValue(Uri.UnescapeDataString(parts[2]), out var file)
                ? new SimulatedResponse(200, file.ContentType, file.Content.ToArray(), SimulatedOutcome.Succeeded)
                    .WithHeader("Content-Disposition", "attachment; filename=\"" + file.FileName.Replace("\"", "_", StringComparison.Ordinal) + "\"")
                : Error(404, "No file with key " + parts[2]);
        }

        if (parts.Length == 3 && parts[0] is "listexport" or "dataexport" && parts[1] == "id" && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            var csv = new StringBuilder("recipient_id,email_address\r\n");
            lock (_gate)
            {
                foreach (var recipient in _recipients.Values)
                {
                    csv.Append(recipient["recipient_id"]).Append(',').Append(recipient["email_address"]?.GetValue<string>()).Append("\r\n");
                }
            }

            return new SimulatedResponse(200, "text/csv; charset=utf-8", Encoding.UTF8.GetBytes(csv.ToString()), SimulatedOutcome.Succeeded)
                .WithHeader("Content-Disposition", "attachment; filename=\"" + parts[0] + "-" + id.ToString(CultureInfo.InvariantCulture) + ".csv\"");
        }

        return Error(404, "Not found: download/" + path);
    }

    private static long Id(string? text) => long.Parse(text ?? throw new FormatException("An id is required."), NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static JsonObject Data(string? json) =>
        (json is null ? null : JsonNode.Parse(json) as JsonObject) ?? throw new JsonException("Expected a JSON object.");

    private static void Merge(JsonObject target, JsonObject? data)
    {
        if (data is null)
        {
            return;
        }

        foreach (var property in data)
        {
            if (property.Key is not ("recipient_id" or "email_address"))
            {
                target[property.Key] = property.Value?.DeepClone();
            }
        }
    }

    private JsonObject Upsert(string email, JsonObject? data)
    {
        if (!_recipientIds.TryGetValue(email, out var id))
        {
            id = Interlocked.Increment(ref _ids);
            _recipientIds[email] = id;
            _recipients[id] = new JsonObject { ["recipient_id"] = id, ["email_address"] = email };
        }

        var recipient = _recipients[id];
        Merge(recipient, data);
        return recipient;
    }

    private sealed class Signature
    {
        public Signature(int required, params string[] names)
        {
            Required = required;
            Names = names;
        }

        public int Required { get; }

        public string[] Names { get; }

        public int[] Optional { get; init; } = Array.Empty<int>();
    }
}

/// <summary>A file uploaded to the simulated Maxemail.</summary>
/// <param name="FileName">The file name the client sent.</param>
/// <param name="ContentType">The content type of the file part.</param>
/// <param name="Content">The bytes.</param>
public sealed record SimulatedFile(string FileName, string ContentType, ReadOnlyMemory<byte> Content);
