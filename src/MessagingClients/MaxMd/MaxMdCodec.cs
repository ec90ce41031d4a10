using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Transport;
using Microsoft.Extensions.Logging;

namespace MessagingClients.MaxMd;

/// <summary>
/// What the MaxMD operations share: how a request is built, how an answer is read, and MaxMD's failure rules
/// (docs/providers/maxmd.md). Nothing here ever puts a request body or a password into a description.
/// </summary>
internal static class MaxMdCodec
{
    /// <summary>The JSON fields the body log redacts: the password, wherever it is.</summary>
    public static readonly string[] SecretFields = { "password" };

    /// <summary>The most of an answer that is read; MaxMD's answers are small, so a larger one is not MaxMD speaking.</summary>
    public const int MaxAnswerBytes = 4 * 1024 * 1024;

    /// <summary>MaxMD's rule after 503 without <c>Retry-After</c> (seed): wait 30–60 s.</summary>
    public static readonly RetryDelayRange OverloadDelay = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

    public static HttpRequestMessage CreateRequest(HttpMethod method, Uri uri, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    /// <summary>Reads the answer's body, at most <see cref="MaxAnswerBytes"/> of it.</summary>
    public static async Task<MaxMdAnswer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
#if NET8_0_OR_GREATER
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        using (stream)
        {
            using var buffer = new MemoryStream();
            // A pooled chunk: a fresh 16 KB array per answer was most of a send's allocations (docs/performance.md).
            var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
            var truncated = false;
            try
            {
                while (true)
                {
                    var n = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    if (buffer.Length + n > MaxAnswerBytes)
                    {
                        buffer.Write(chunk, 0, (int)(MaxAnswerBytes - buffer.Length));
                        truncated = true;
                        break;
                    }

                    buffer.Write(chunk, 0, n);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
            }

            return new MaxMdAnswer((int)response.StatusCode, buffer.ToArray(), response.Content.Headers.ContentType?.MediaType, truncated);
        }
    }

    /// <summary>Parses the body as JSON; null when it is not JSON (an HTML page, an empty body, a truncated one).</summary>
    public static JsonDocument? TryParse(MaxMdAnswer answer)
    {
        if (answer.Truncated || answer.Body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(answer.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>MaxMD's <c>code</c> and <c>message</c> from a JSON object, whatever the HTTP status.</summary>
    public static (int? Code, string? Message) ReadCodeAndMessage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        int? code = null;
        string? message = null;
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, "code", StringComparison.OrdinalIgnoreCase))
            {
                code = property.Value.ValueKind switch
                {
                    JsonValueKind.Number when property.Value.TryGetInt32(out var n) => n,
                    JsonValueKind.String when int.TryParse(property.Value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
                    _ => code,
                };
            }
            else if (string.Equals(property.Name, "message", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                message = property.Value.GetString();
            }
        }

        return (code, message);
    }

    /// <summary>An answer with a 200 and a MaxMD code other than 0: the service answered and refused. Never retried.</summary>
    /// <param name="code">MaxMD's code.</param>
    /// <param name="httpStatus">The HTTP status it came with.</param>
    /// <param name="providerMessage">MaxMD's message, already cleaned.</param>
    /// <param name="username">The account's address (not secret), for the authentication message.</param>
    /// <param name="addresses">The addresses the request carried, for an address error; null for calls that carry none.</param>
    public static ProviderFailure ForCode(int code, int httpStatus, string providerMessage, string? username, string? addresses)
    {
        var codeText = code.ToString(CultureInfo.InvariantCulture);
        return code switch
        {
            1 => new ProviderFailure
            {
                Kind = MessagingErrorKind.Authentication,
                Description = $"MaxMD refused the credentials of {DirectAddress.Quote(username)} (code 1, authentication failed): {providerMessage}",
                ProviderCode = codeText,
                HttpStatus = httpStatus,
                Advice = "Check Messaging:MaxMd:Username (the account's Direct address) and Messaging:MaxMd:Password. Not retried.",
            },
            2 => new ProviderFailure
            {
                Kind = MessagingErrorKind.RecipientRejected,
                Description = $"MaxMD refused an address (code 2, address error): {providerMessage}" + (addresses is null ? string.Empty : ". Addresses sent: " + addresses),
                ProviderCode = codeText,
                HttpStatus = httpStatus,
                Advice = "Correct or remove the refused address and send again. Not retried.",
            },
            3 or 4 => new ProviderFailure
            {
                Kind = MessagingErrorKind.ProviderError,
                Description = $"MaxMD reported an error (code {codeText}): {providerMessage}",
                ProviderCode = codeText,
                HttpStatus = httpStatus,
                Advice = "MaxMD's message says what went wrong. Not retried.",
            },
            999 => new ProviderFailure
            {
                Kind = MessagingErrorKind.Configuration,
                Description = $"MaxMD reported an implementer configuration or business error (code 999) while its service is up: {providerMessage}",
                ProviderCode = codeText,
                HttpStatus = httpStatus,
                Advice = "Check the account's setup, the sender address and the message against MaxMD's rules; contact MaxMD support with the message if unclear. Not retried.",
            },
            _ => new ProviderFailure
            {
                Kind = MessagingErrorKind.ProviderError,
                Description = $"MaxMD answered with code {codeText}, which this client does not know: {providerMessage}",
                ProviderCode = codeText,
                HttpStatus = httpStatus,
                Advice = "Not retried; see MaxMD's message.",
            },
        };
    }

    /// <summary>A non-2xx status, with MaxMD's deviations from the shared rules: 503 waits 30–60 s, 500/502/504 are retried even for sends.</summary>
    public static ProviderFailure ForStatus(int status, bool isIdempotent, string description, string? providerCode)
    {
        var failure = HttpFailureClassifier.FromStatus(status, isIdempotent, description);
        failure = status switch
        {
            503 => failure with
            {
                ProviderDelay = OverloadDelay,
                Advice = "MaxMD is temporarily overloaded or in maintenance; the client waited Retry-After, or 30–60 s, between attempts. Try again later.",
            },
            500 or 502 or 504 => failure with
            {
                Kind = MessagingErrorKind.Unavailable,
                IsTransient = true,
                IsSafeToRepeat = true,
                Advice = "MaxMD had a server error; its guidelines say to retry up to 3 times with delays, which the client did. If it persists, check the message's status before sending again.",
            },
            _ => failure,
        };

        return providerCode is null ? failure : failure with { ProviderCode = providerCode };
    }

    /// <summary>Reads the answer, or classifies a connection that failed while reading it.</summary>
    public static async ValueTask<(MaxMdAnswer Answer, ProviderFailure? Failure)> TryReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return (await ReadAsync(response, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return (default!, ForException(ex as HttpRequestException ?? new HttpRequestException("The connection failed while reading MaxMD's answer: " + ex.Message, ex)));
        }
    }

    /// <summary>Logs (unless it is a bare throttle or overload status) and classifies an answer that is not MaxMD's JSON.</summary>
    public static ProviderFailure Unreadable(ILogger logger, string operation, MaxMdAnswer answer, bool isIdempotent, string? password)
    {
        if (answer.Body.Length > 0 || answer.Status is >= 200 and < 300)
        {
            MaxMdLog.UnreadableAnswer(logger, operation, answer.Status, answer.MediaType, answer.Body.Length);
        }

        return ForUnreadable(answer, isIdempotent, password);
    }

    /// <summary>A body that is not JSON: a gateway, load balancer or proxy answered instead of MaxMD.</summary>
    public static ProviderFailure ForUnreadable(MaxMdAnswer answer, bool isIdempotent, string? password)
    {
        if (answer.Body.Length == 0 && answer.Status is not (>= 200 and < 300))
        {
            // A bare status (429 or 503 with no body is the normal shape of a throttle): the status says it all.
            return ForStatus(answer.Status, isIdempotent, $"MaxMD answered HTTP {answer.Status.ToString(CultureInfo.InvariantCulture)} ({(System.Net.HttpStatusCode)answer.Status}) with no body", null);
        }

        var what = answer.Truncated ? "a body larger than " + (MaxAnswerBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MB"
            : answer.Body.Length == 0 ? "an empty body"
            : answer.LooksLikeHtml ? "an HTML page"
            : "a body that is not JSON";
        var snippet = answer.Body.Length == 0 ? string.Empty : ": " + Clean(Encoding.UTF8.GetString(answer.Body, 0, Math.Min(answer.Body.Length, ResponseSnippet.MaxChars * 4)), password);
        var description = $"MaxMD answered HTTP {answer.Status.ToString(CultureInfo.InvariantCulture)} with {what} instead of JSON, as a load balancer or gateway does when the service is interrupted{snippet}";
        if (answer.Status is >= 200 and < 300)
        {
            return new ProviderFailure
            {
                Kind = MessagingErrorKind.Unavailable,
                Description = description,
                ProviderCode = "HTTP " + answer.Status.ToString(CultureInfo.InvariantCulture),
                HttpStatus = answer.Status,
                IsTransient = true,
                IsSafeToRepeat = true,
                Advice = "MaxMD's guidelines treat gateway failures as service interruptions; the client retried. If it persists, check MaxMD's status and Messaging:MaxMd:Endpoint.",
            };
        }

        if (answer.Status >= 500 || answer.Status == 429)
        {
            var failure = ForStatus(answer.Status, isIdempotent, description, null);
            return failure.Kind == MessagingErrorKind.Throttled ? failure : failure with { Kind = MessagingErrorKind.Unavailable };
        }

        // A 4xx page: a proxy refusing, or a wrong endpoint. The status says what it is; it is not retried.
        var refused = ForStatus(answer.Status, isIdempotent, description, null);
        return refused with { Advice = refused.Advice + " Check Messaging:MaxMd:Endpoint: the answer did not come from the MaxMD API." };
    }

    /// <summary>No answer: MaxMD's guidelines treat a refused, reset or dropped connection as a service interruption and retry it.</summary>
    public static ProviderFailure ForException(HttpRequestException exception)
    {
        var notSent = HttpFailureClassifier.IsConnectFailure(exception);
        return HttpFailureClassifier.FromException(exception, isIdempotent: true) with
        {
            Advice = notSent
                ? "Check Messaging:MaxMd:Endpoint, DNS and the network; the request was not sent. The client retried."
                : "MaxMD's guidelines treat a connection that ends without an answer as a service interruption; the client retried with the same idempotency key.",
        };
    }

    /// <summary>A provider's text made safe for a message: the password (should it ever be echoed) replaced, white space collapsed, cut short.</summary>
    public static string Clean(string? text, string? password)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "(no message)";
        }

        if (!string.IsNullOrEmpty(password) && password!.Length >= 3)
        {
            text = text!.Replace(password, "***");
        }

        return ResponseSnippet.Shorten(text!);
    }
}

/// <summary>An answer as read: status, body bytes (capped), media type.</summary>
internal sealed class MaxMdAnswer
{
    public MaxMdAnswer(int status, byte[] body, string? mediaType, bool truncated)
    {
        Status = status;
        Body = body;
        MediaType = mediaType;
        Truncated = truncated;
    }

    public int Status { get; }

    public byte[] Body { get; }

    public string? MediaType { get; }

    public bool Truncated { get; }

    public bool IsSuccessStatus => Status is >= 200 and < 300;

    private static bool MentionsMarkup(string mediaType) =>
        mediaType.EndsWith("html", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("xml", StringComparison.OrdinalIgnoreCase);

    public bool LooksLikeHtml
    {
        get
        {
            if (MediaType is { } type && (MentionsMarkup(type)))
            {
                return true;
            }

            foreach (var b in Body)
            {
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
                {
                    continue;
                }

                return b == (byte)'<';
            }

            return false;
        }
    }
}
