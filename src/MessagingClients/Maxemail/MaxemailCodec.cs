using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Telemetry;
using MessagingClients.Transport;

namespace MessagingClients.Maxemail;

/// <summary>A decoded successful answer: its JSON and the deprecation notices it carried.</summary>
internal sealed record MaxemailAnswer(JsonElement Json, IReadOnlyList<MaxemailDeprecation> Warnings);

/// <summary>What every Maxemail request carries, and how every Maxemail answer is read.</summary>
internal static class MaxemailCodec
{
    /// <summary>Form fields the body log redacts.</summary>
    public static readonly string[] SecretFields = { "password", "api_key", "apikey", "token", "secret" };

    public const string FormContentType = "application/x-www-form-urlencoded";

    /// <summary>The longest error body read into an error message (the rest is not read).</summary>
    private const int MaxErrorBodyBytes = 64 * 1024;

    public static readonly ProductInfoHeaderValue UserAgentProduct = new("MessagingClients", MessagingTelemetry.Version);

    public static readonly ProductInfoHeaderValue UserAgentComment = new("(+maxemail)");

    public static readonly JsonElement NullElement = JsonDocument.Parse("null").RootElement.Clone();

    /// <summary>Pre-emptive Basic authentication (Maxemail sends no 401 challenge), JSON accepted, the SDK named.</summary>
    public static void AddHeaders(HttpRequestMessage request, string authorization, string accept = "application/json")
    {
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.Accept.ParseAdd(accept);
        request.Headers.UserAgent.Add(UserAgentProduct);
        request.Headers.UserAgent.Add(UserAgentComment);
    }

    public static string BasicAuthorization(string username, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password));

    /// <summary>What of a Basic <paramref name="authorization"/> must never show: the token, and the password in it.</summary>
    public static IReadOnlyList<string?> SecretsOf(string authorization)
    {
        const string prefix = "Basic ";
        var token = authorization.StartsWith(prefix, StringComparison.Ordinal) ? authorization.Substring(prefix.Length) : authorization;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var colon = decoded.IndexOf(':');
            return new string?[] { token, decoded, colon < 0 ? null : decoded.Substring(colon + 1) };
        }
        catch (FormatException)
        {
            return new string?[] { token };
        }
    }

    public static Uri ServiceUri(Uri endpoint, string service) => new(WithSlash(endpoint), "api/json/" + service);

    public static Uri RelativeUri(Uri endpoint, string relative) => new(WithSlash(endpoint), relative);

    /// <summary>Decodes a JSON answer: success, or a failure classified by the table in providers.md.</summary>
    public static async ValueTask<ProviderOutcome> DecodeJsonAsync(HttpResponseMessage response, bool isIdempotent, string service, string method, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            return ProviderOutcome.Failed(await DecodeFailureAsync(response, isIdempotent, cancellationToken).ConfigureAwait(false));
        }

#if NET8_0_OR_GREATER
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
#else
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
#endif
        var warnings = MaxemailWarningParser.Parse(response, service, method);
        if (IsBlank(body))
        {
            // Some legacy methods answer nothing at all: the same as null.
            return ProviderOutcome.Success(new MaxemailAnswer(NullElement, warnings));
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return ProviderOutcome.Success(new MaxemailAnswer(document.RootElement.Clone(), warnings));
        }
        catch (JsonException)
        {
            var status = (int)response.StatusCode;
            return ProviderOutcome.Failed(new ProviderFailure
            {
                Kind = MessagingErrorKind.ProviderError,
                Description = $"HTTP {status.ToString(CultureInfo.InvariantCulture)} answer is not JSON: {Snippet(body)}",
                ProviderCode = "HTTP " + status.ToString(CultureInfo.InvariantCulture),
                HttpStatus = status,
                Advice = "Check Endpoint: it must be the Maxemail base address (for example https://mxm.xtremepush.com/). The call may have been processed.",
            });
        }
    }

    /// <summary>Classifies a non-success answer: Maxemail's JSON error (<c>msg</c>, <c>code</c>, <c>errors</c>) or another body.</summary>
    public static async Task<ProviderFailure> DecodeFailureAsync(HttpResponseMessage response, bool isIdempotent, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await ReadLimitedAsync(response, cancellationToken).ConfigureAwait(false);
        string description;
        string? code = null;
        if (TryReadError(body, out var message, out var bodyCode))
        {
            description = message;
            code = bodyCode;
        }
        else
        {
            description = IsBlank(body)
                ? $"HTTP {status.ToString(CultureInfo.InvariantCulture)} with an empty body"
                : $"HTTP {status.ToString(CultureInfo.InvariantCulture)} with a body that is not a Maxemail JSON error: {Snippet(body)}";
        }

        var failure = HttpFailureClassifier.FromStatus(status, isIdempotent, description);
        return code is null ? failure : failure with { ProviderCode = code };
    }

    /// <summary>Reads <c>{"success":false,"msg":"…","code":…,"errors":[…]}</c>.</summary>
    private static bool TryReadError(byte[] body, out string message, out string? code)
    {
        message = string.Empty;
        code = null;
        if (IsBlank(body))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("msg", out var msg))
            {
                return false;
            }

            var text = new StringBuilder(msg.ValueKind == JsonValueKind.String ? msg.GetString() : msg.GetRawText());
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                text.Append(" (errors: ");
                var first = true;
                foreach (var error in errors.EnumerateArray())
                {
                    if (!first)
                    {
                        text.Append("; ");
                    }

                    first = false;
                    text.Append(error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText());
                }

                text.Append(')');
            }

            if (root.TryGetProperty("code", out var codeElement) && codeElement.ValueKind is JsonValueKind.Number or JsonValueKind.String)
            {
                code = codeElement.ValueKind == JsonValueKind.String ? codeElement.GetString() : codeElement.GetRawText();
            }

            message = text.Length > 1000 ? text.ToString(0, 1000) + "…" : text.ToString();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
#if NET8_0_OR_GREATER
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
            var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            using (stream)
            using (var buffer = new MemoryStream())
            {
                var chunk = new byte[8192];
                while (buffer.Length < MaxErrorBodyBytes)
                {
                    var n = await stream.ReadAsync(chunk, 0, (int)Math.Min(chunk.Length, MaxErrorBodyBytes - buffer.Length), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    buffer.Write(chunk, 0, n);
                }

                return buffer.ToArray();
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return Array.Empty<byte>();
        }
    }

    private static string Snippet(byte[] body) =>
        ResponseSnippet.Shorten(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, ResponseSnippet.MaxChars * 4)));

    private static bool IsBlank(byte[] body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    private static Uri WithSlash(Uri endpoint)
    {
        var text = endpoint.AbsoluteUri;
        return text[text.Length - 1] == '/' ? endpoint : new Uri(text + "/");
    }
}

/// <summary>One form-encoded call, <c>POST {Endpoint}api/json/{service}</c>. The body bytes are built once.</summary>
internal sealed class MaxemailFormCall : ProviderCall<MaxemailAnswer>
{
    private readonly Uri _uri;
    private readonly string _authorization;
    private readonly byte[] _body;
    private readonly bool _isIdempotent;

    public MaxemailFormCall(Uri uri, string authorization, string service, string method, byte[] body, bool isIdempotent)
    {
        _uri = uri;
        _authorization = authorization;
        Service = service;
        Method = method;
        _body = body;
        _isIdempotent = isIdempotent;
        Operation = service + "." + method;
    }

    public string Service { get; }

    public string Method { get; }

    public override string Operation { get; }

    public override bool IsIdempotent => _isIdempotent;

    /// <summary>The exact body bytes (for tests).</summary>
    public ReadOnlyMemory<byte> Body => _body;

    public override HttpRequestMessage CreateRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ByteArrayContent(_body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(MaxemailCodec.FormContentType);
        MaxemailCodec.AddHeaders(request, _authorization);
        return request;
    }

    /// <summary>The form body for the optional body log: credentials travel in the Authorization header, which is never
    /// logged; password-like fields are redacted all the same, and the body is dropped if the credentials would show.</summary>
    public override string? RedactedBodyForLog() =>
        Telemetry.BodyRedaction.Form(_body, MaxemailCodec.SecretFields, [.. MaxemailCodec.SecretsOf(_authorization)]);

    /// <summary>The Authorization token and the password in it: never in a failure's text.</summary>
    public override IReadOnlyList<string?> Secrets => MaxemailCodec.SecretsOf(_authorization);

    public override ValueTask<ProviderOutcome> DecodeAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        MaxemailCodec.DecodeJsonAsync(response, _isIdempotent, Service, Method, cancellationToken);
}
