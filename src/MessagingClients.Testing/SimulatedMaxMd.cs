using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.MaxMd;
using Microsoft.AspNetCore.Http;

namespace MessagingClients.Testing;

/// <summary>
/// The simulated MaxMD Direct REST API v3: <c>PUT Send</c>, <c>PUT SendWithHeader</c> and <c>POST GetMessageStatus/{smtpId}</c>
/// below <see cref="Endpoint"/>, JSON in and out, credentials in the body. Wrong credentials answer code 1, a rejected
/// recipient code 2, an unreadable request HTTP 400 with code 3; throttling is a bare 429 with <c>Retry-After</c>.
/// </summary>
public sealed class SimulatedMaxMd : SimulatedProvider
{
    private readonly SimulatedMaxMdOptions _options;
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _sent = new(StringComparer.Ordinal);
    private long _ids;

    internal SimulatedMaxMd(ProviderSimulator simulator, SimulatedMaxMdOptions options)
        : base(simulator, "maxmd", "maxmd/message-rest/api/message/", options)
    {
        _options = options;
    }

    /// <inheritdoc />
    public override Uri Endpoint => new(Simulator.BaseAddress, PathPrefix);

    /// <summary>The Direct address the simulator accepts as user name.</summary>
    public string Username => _options.Username;

    /// <summary>The password the simulator accepts.</summary>
    public string Password => _options.Password;

    /// <summary>Client options for this simulated account: endpoint and credentials set, everything else default.</summary>
    /// <returns>New options; adjust retry and rate settings as the test needs.</returns>
    public MaxMdClientOptions CreateClientOptions() => new() { Endpoint = Endpoint, Username = Username, Password = Password };

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        _sent.Clear();
    }

    internal override async Task<SimulatedResponse> ProcessAsync(SimulatedRequest request)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var path = request.Path;
        string operation;
        string? smtpId = null;
        if (string.Equals(path, "Send", StringComparison.Ordinal) || string.Equals(path, "SendWithHeader", StringComparison.Ordinal))
        {
            operation = path;
            if (!HttpMethods.IsPut(request.Method))
            {
                return Error(405, operation + " takes PUT, not " + request.Method + ".");
            }
        }
        else if (path.StartsWith("GetMessageStatus/", StringComparison.Ordinal))
        {
            operation = "GetMessageStatus";
            var escaped = path.Substring("GetMessageStatus/".Length);
            smtpId = Uri.UnescapeDataString(escaped);
            if (!HttpMethods.IsPost(request.Method))
            {
                return Error(405, operation + " takes POST, not " + request.Method + ".");
            }
        }
        else
        {
            return Error(404, "No such operation: '" + path + "'.");
        }

        request.Record.Operation = operation;
        if (!string.Equals(request.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Error(415, "Content-Type must be application/json (got '" + (request.Context.Request.ContentType ?? "none") + "').");
        }

        JsonObject? root;
        try
        {
            root = JsonNode.Parse(request.Body) as JsonObject;
        }
        catch (JsonException ex)
        {
            return Error(400, "The request body is not valid JSON: " + ex.Message);
        }

        if (root is null)
        {
            return Error(400, "The request body must be a JSON object.");
        }

        var auth = root[operation == "GetMessageStatus" ? "auth" : "authentication"] as JsonObject;
        if (!string.Equals(Text(auth?["username"]), _options.Username, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(Text(auth?["password"]), _options.Password, StringComparison.Ordinal))
        {
            return Code(1, "Authentication failed.");
        }

        return operation == "GetMessageStatus" ? Status(smtpId!) : Send(request, operation, root);
    }

    internal override SimulatedResponse FaultResponse(SimulatedFault fault, TimeSpan retryAfter) => fault.Kind switch
    {
        SimulatedFaultKind.ServiceUnavailable => SimulatedResponse.Empty(503, SimulatedOutcome.Fault).WithHeader("Retry-After", RetryAfterSeconds(retryAfter)),
        SimulatedFaultKind.Throttled => SimulatedResponse.Empty(429, SimulatedOutcome.Throttled).WithHeader("Retry-After", RetryAfterSeconds(retryAfter)),
        SimulatedFaultKind.InternalServerError => Fault(SimulatedResponse.Json(500, "{\"code\":3,\"message\":\"Internal Server Error\",\"success\":false}", SimulatedOutcome.Fault)),
        SimulatedFaultKind.BadGatewayHtml => SimulatedResponse.GatewayPage(502, "Bad Gateway"),
        SimulatedFaultKind.ProviderCode => Fault(Code(int.TryParse(fault.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : 999, fault.Code == "999" ? "error" : "Simulated error " + fault.Code)),
        _ => ErrorResponse("Unexpected fault " + fault),
    };

    internal override SimulatedResponse ThrottledResponse(TimeSpan? retryAfter)
    {
        var response = SimulatedResponse.Empty(429, SimulatedOutcome.Throttled);
        return retryAfter is { } wait ? response.WithHeader("Retry-After", RetryAfterSeconds(wait)) : response;
    }

    internal override SimulatedResponse ErrorResponse(string message) => Error(400, message);

    internal override string RedactBody(string body, string? contentType)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject root)
            {
                var changed = false;
                foreach (var name in new[] { "authentication", "auth" })
                {
                    if (root[name] is JsonObject auth && auth.ContainsKey("password"))
                    {
                        auth["password"] = "***";
                        changed = true;
                    }
                }

                return changed ? root.ToJsonString() : body;
            }
        }
        catch (JsonException)
        {
        }

        // Not JSON we can edit: never keep a password we cannot locate.
        return body.Contains(_options.Password, StringComparison.Ordinal) ? body.Replace(_options.Password, "***", StringComparison.Ordinal) : body;
    }

    private static SimulatedResponse Fault(SimulatedResponse response)
    {
        response.Outcome = SimulatedOutcome.Fault;
        return response;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static SimulatedResponse Code(int code, string message) => SimulatedResponse.Json(
        200,
        "{\"message\":" + JsonSerializer.Serialize(message) + ",\"code\":" + code.ToString(CultureInfo.InvariantCulture) + ",\"success\":false}",
        SimulatedOutcome.Refused,
        code.ToString(CultureInfo.InvariantCulture));

    private static SimulatedResponse Error(int status, string message) => SimulatedResponse.Json(
        status,
        "{\"message\":" + JsonSerializer.Serialize(message) + ",\"code\":3,\"success\":false}",
        SimulatedOutcome.Refused,
        "3");

    private SimulatedResponse Send(SimulatedRequest request, string operation, JsonObject root)
    {
        if (root["message"] is not JsonObject message)
        {
            return Code(3, "The request has no message.");
        }

        var recipients = new List<string>();
        if (message["recipients"] is JsonArray list)
        {
            foreach (var item in list)
            {
                var email = Text((item as JsonObject)?["email"]);
                var type = Text((item as JsonObject)?["type"]);
                if (email is null || type is not ("TO" or "CC" or "BCC"))
                {
                    return Code(2, "Address error: each recipient needs an email and a type of TO, CC or BCC.");
                }

                recipients.Add(email);
            }
        }

        if (recipients.Count == 0)
        {
            return Code(2, "Address error: the message has no recipients.");
        }

        var refused = recipients.Where(r => !IsAddress(r) || IsRejected(r)).ToList();
        if (refused.Count > 0)
        {
            return Code(2, "Address error: " + string.Join(", ", refused));
        }

        var sender = Text(message["sender"]);
        if (sender is not null && !IsAddress(sender))
        {
            return Code(2, "Address error: invalid sender " + sender);
        }

        if (operation == "SendWithHeader" && root["headers"] is not JsonArray)
        {
            return Code(3, "SendWithHeader needs a headers list.");
        }

        var n = Interlocked.Increment(ref _ids);
        var smtpId = "<" + n.ToString(CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".JavaMail.root@simulator.max.md>";
        _sent[smtpId] = recipients;
        Accept(request, operation, smtpId, recipients);
        return SimulatedResponse.Json(
            200,
            "{\"smtpId\":" + JsonSerializer.Serialize(smtpId) + ",\"message\":\"Message sent. Message was sent and saved to INBOX.Sent folder\",\"code\":0,\"success\":true}",
            SimulatedOutcome.Accepted,
            "0");
    }

    /// <summary>A plausible address: one <c>@</c>, a local part, a dotted domain, no white space or control characters.</summary>
    internal static bool IsAddress(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > 254 || address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';'))
        {
            return false;
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != address.LastIndexOf('@') || at == address.Length - 1)
        {
            return false;
        }

        var domain = address.Substring(at + 1);
        return domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..", StringComparison.Ordinal);
    }

    private SimulatedResponse Status(string smtpId)
    {
        if (!_sent.TryGetValue(smtpId, out var recipients))
        {
            return Code(3, "No message with smtpId " + smtpId + ".");
        }

        var logs = new JsonArray();
        foreach (var recipient in recipients)
        {
            logs.Add(new JsonObject
            {
                ["recipient"] = recipient,
                ["status"] = "delivered",
                ["timestamp"] = Simulator.TimeProvider.GetUtcNow().ToString("o", CultureInfo.InvariantCulture),
            });
        }

        var body = new JsonObject { ["code"] = 0, ["success"] = true, ["message"] = "OK", ["messageLogs"] = logs };
        return SimulatedResponse.Json(200, body.ToJsonString(), SimulatedOutcome.Succeeded, "0");
    }
}
