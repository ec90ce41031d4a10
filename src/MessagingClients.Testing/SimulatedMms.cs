using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;
using MessagingClients.Mms;

namespace MessagingClients.Testing;

/// <summary>
/// The simulated MMS/SMS XML API v1: <c>POST</c> of <c>&lt;REQUEST&gt;</c> XML to <see cref="Endpoint"/> with the actions
/// <c>sendSMS</c>, <c>sendMMS</c>, <c>subscribe</c> and <c>unsubscribe</c>. Answers <c>&lt;RESPONSE&gt;</c> with HTTP 200;
/// failures carry an E-code (<c>E104</c> wrong key, <c>E108</c> unparsable XML, <c>E100</c> invalid request, <c>E110</c> invalid
/// number, <c>E114</c> rejected number, <c>E113</c> throughput exceeded). Accepted sends are followed by delivery receipts
/// through <see cref="Postbacks"/> when a postback URL is set.
/// </summary>
public sealed partial class SimulatedMms : SimulatedProvider
{
    /// <summary>The path of the API below the simulator's base address.</summary>
    public const string ApiPath = "API/wxml/1.3/index.php";

    private readonly SimulatedMmsOptions _options;
    private readonly ConcurrentDictionary<(string Campaign, string Mobile), byte> _subscriptions = new();
    private long _ids;

    internal SimulatedMms(ProviderSimulator simulator, SimulatedMmsOptions options)
        : base(simulator, "mms", "mms/", options)
    {
        _options = options;
        Postbacks = new MmsPostbackSender(options, simulator.TimeProvider);
    }

    /// <inheritdoc />
    public override Uri Endpoint => new(Simulator.BaseAddress, PathPrefix + ApiPath);

    /// <summary>The API key the simulator accepts.</summary>
    public string ApiKey => _options.ApiKey;

    /// <summary>Delivery receipts and inbound messages posted to the configured postback URL, with the provider's retries.</summary>
    public MmsPostbackSender Postbacks { get; }

    /// <summary>Client options for this simulated account: endpoint, API key and a default short code set.</summary>
    /// <returns>New options; adjust retry and rate settings as the test needs.</returns>
    public MmsClientOptions CreateClientOptions() => new() { Endpoint = Endpoint, ApiKey = ApiKey, DefaultFrom = "60856" };

    /// <summary>Whether <paramref name="mobile"/> is subscribed to <paramref name="campaignId"/> (after <c>subscribe</c>, before <c>unsubscribe</c>).</summary>
    /// <param name="campaignId">The campaign id.</param>
    /// <param name="mobile">The number, in international format.</param>
    /// <returns>True when subscribed.</returns>
    public bool IsSubscribed(string campaignId, string mobile) => _subscriptions.ContainsKey((campaignId, mobile));

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        _subscriptions.Clear();
        Postbacks.Clear();
    }

    internal override async Task<SimulatedResponse> ProcessAsync(SimulatedRequest request)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!string.Equals(request.Path, ApiPath, StringComparison.OrdinalIgnoreCase))
        {
            return SimulatedResponse.Text(404, "text/html; charset=utf-8", "<html><body><h1>404 Not Found</h1></body></html>", SimulatedOutcome.Refused);
        }

        if (!HttpMethodsIsPost(request.Method))
        {
            return Failure("E100", "Requests must be POSTed.");
        }

        if (request.MediaType is not ("text/xml" or "application/xml"))
        {
            return Failure("E100", "Content-Type must be text/xml; charset=utf-8 (got '" + (request.Context.Request.ContentType ?? "none") + "').");
        }

        XElement root;
        try
        {
            using var stream = new MemoryStream(request.Body, writable: false);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 16 * 1024 * 1024 });
            root = XDocument.Load(reader).Root!;
        }
        catch (XmlException ex)
        {
            return Failure("E108", "XML parse error: " + ex.Message);
        }

        if (!string.Equals(root.Name.LocalName, "REQUEST", StringComparison.OrdinalIgnoreCase))
        {
            return Failure("E100", "The root element must be REQUEST (got " + root.Name.LocalName + ").");
        }

        var action = Value(root, "ACTION");
        request.Record.Operation = action;
        if (!string.Equals(Value(root, "API_KEY"), _options.ApiKey, StringComparison.Ordinal))
        {
            return Failure("E104", "Invalid API key.");
        }

        return action switch
        {
            "sendSMS" => SendSms(request, root),
            "sendMMS" => SendMms(request, root),
            "subscribe" or "unsubscribe" => Subscription(action, root),
            null => Failure("E100", "ACTION is required."),
            _ => Failure("E100", "The simulator does not support the action '" + action + "'."),
        };
    }

    internal override SimulatedResponse FaultResponse(SimulatedFault fault, TimeSpan retryAfter) => fault.Kind switch
    {
        SimulatedFaultKind.ServiceUnavailable => SimulatedResponse.Empty(503, SimulatedOutcome.Fault).WithHeader("Retry-After", RetryAfterSeconds(retryAfter)),
        SimulatedFaultKind.Throttled => ThrottledResponse(null),
        SimulatedFaultKind.InternalServerError => SimulatedResponse.Text(500, "text/plain; charset=utf-8", "Internal Server Error", SimulatedOutcome.Fault),
        SimulatedFaultKind.BadGatewayHtml => SimulatedResponse.GatewayPage(502, "Bad Gateway"),
        SimulatedFaultKind.ProviderCode => WithOutcome(Failure(fault.Code!, Info(fault.Code!)), fault.Code is "E113" or "E106" ? SimulatedOutcome.Throttled : SimulatedOutcome.Fault),
        _ => ErrorResponse("Unexpected fault " + fault),
    };

    internal override SimulatedResponse ThrottledResponse(TimeSpan? retryAfter) =>
        WithOutcome(Failure("E113", Info("E113")), SimulatedOutcome.Throttled);

    internal override SimulatedResponse ErrorResponse(string message) => Failure("E100", message);

    internal override string RedactBody(string body, string? contentType)
    {
        var redacted = ApiKeyElement().Replace(body, "${open}***${close}");
        return _options.ApiKey.Length >= 4 ? redacted.Replace(_options.ApiKey, "***", StringComparison.Ordinal) : redacted;
    }

    [GeneratedRegex(@"(?<open><API_KEY\b[^>]*>)[^<]*(?<close></API_KEY\s*>)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ApiKeyElement();

    private static bool HttpMethodsIsPost(string method) => string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase);

    private static SimulatedResponse WithOutcome(SimulatedResponse response, SimulatedOutcome outcome)
    {
        response.Outcome = outcome;
        return response;
    }

    private static string Info(string code) => code switch
    {
        "E100" => "Invalid request",
        "E104" => "Invalid API key",
        "E106" => "API called too often",
        "E108" => "XML parse error",
        "E110" => "Invalid receiver number",
        "E113" => "API exceeded: throughput limit reached, throttle back and retry",
        "E114" => "Number blacklisted",
        "E503" => "Internal error",
        "E713" => "Billing problem",
        _ => "Simulated error " + code,
    };

    private static SimulatedResponse Failure(string code, string info) => SimulatedResponse.Xml(
        200,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><RESPONSE><STATUS>Failure</STATUS><ERRORCODE>" + code + "</ERRORCODE><ERRORINFO>"
            + SecurityElement.Escape(info) + "</ERRORINFO></RESPONSE>",
        SimulatedOutcome.Refused,
        code);

    private static string? Value(XElement root, string name) =>
        root.Elements().FirstOrDefault(e => string.Equals(e.Name.LocalName, name, StringComparison.OrdinalIgnoreCase))?.Value.Trim() is { Length: > 0 } text ? text : null;

    private static bool IsInternational(string? number) =>
        number is { Length: >= 8 and <= 15 } && number.All(c => c is >= '0' and <= '9') && !number.StartsWith('0');

    private SimulatedResponse? CheckNumber(string? number) =>
        !IsInternational(number) ? Failure("E110", "Invalid receiver number '" + number + "': use international format, digits only, no + or 00.")
        : IsRejected(number!) ? Failure("E114", "Number blacklisted: " + number)
        : null;

    private SimulatedResponse SendSms(SimulatedRequest request, XElement root)
    {
        var to = Value(root, "TO");
        if (CheckNumber(to) is { } refused)
        {
            return refused;
        }

        if (Value(root, "TEXT") is null)
        {
            return Failure("E100", "TEXT is required.");
        }

        var tracking = NextId("SMS");
        Accept(request, "sendSMS", tracking, new[] { to! });
        Postbacks.OnAccepted("SMS_MT", to!, Value(root, "FROM"), tracking, null, Simulator.TimeProvider.GetUtcNow());
        return Success("<TO>" + to + "</TO><TRACKINGID>" + tracking + "</TRACKINGID>", SimulatedOutcome.Accepted);
    }

    private SimulatedResponse SendMms(SimulatedRequest request, XElement root)
    {
        var to = Value(root, "TO");
        if (CheckNumber(to) is { } refused)
        {
            return refused;
        }

        var slides = root.Elements().Where(e => string.Equals(e.Name.LocalName, "SLIDE", StringComparison.OrdinalIgnoreCase)).ToList();
        if (slides.Count == 0)
        {
            return Failure("E100", "sendMMS needs at least one SLIDE.");
        }

        foreach (var media in slides.SelectMany(s => s.Elements()).Where(e => e.Name.LocalName is not ("TEXT" or "DURATION")))
        {
            var url = Value(media, "URL");
            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return Failure("E100", media.Name.LocalName + " needs an absolute http(s) URL.");
            }
        }

        var tracking = NextId("MMS");
        var mmsId = (100000 + Interlocked.Increment(ref _ids)).ToString(CultureInfo.InvariantCulture);
        Accept(request, "sendMMS", tracking, new[] { to! });
        Postbacks.OnAccepted("MMS_MT", to!, Value(root, "FROM"), tracking, mmsId, Simulator.TimeProvider.GetUtcNow());
        return Success(
            "<MMSID>" + mmsId + "</MMSID><TO>" + to + "</TO><TRACKINGID>" + tracking + "</TRACKINGID><STATUSDETAILS>Message queued</STATUSDETAILS>",
            SimulatedOutcome.Accepted);
    }

    private SimulatedResponse Subscription(string action, XElement root)
    {
        var campaign = Value(root, "CAMPAIGNID");
        var mobile = Value(root, "MOBILE");
        if (campaign is null)
        {
            return Failure("E100", "CAMPAIGNID is required.");
        }

        if (CheckNumber(mobile) is { } refused)
        {
            return refused;
        }

        if (action == "subscribe")
        {
            _subscriptions[(campaign, mobile!)] = 0;
        }
        else
        {
            _subscriptions.TryRemove((campaign, mobile!), out _);
        }

        return Success("<MOBILE>" + mobile + "</MOBILE><CAMPAIGNID>" + SecurityElement.Escape(campaign) + "</CAMPAIGNID>", SimulatedOutcome.Succeeded);
    }

    private string NextId(string prefix)
    {
        var n = Interlocked.Increment(ref _ids);
        return prefix + n.ToString("D8", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N").Substring(0, 8).ToUpperInvariant();
    }

    private static SimulatedResponse Success(string fields, SimulatedOutcome outcome) => SimulatedResponse.Xml(
        200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><RESPONSE><STATUS>Success</STATUS>" + fields + "</RESPONSE>", outcome);
}
