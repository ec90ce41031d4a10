using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;
using MessagingClients.Transport;

namespace MessagingClients.Mms;

/// <summary>
/// Writes one request body: <c>&lt;REQUEST&gt;&lt;ACTION&gt;…&lt;/ACTION&gt;&lt;API_KEY&gt;…&lt;/API_KEY&gt;…&lt;/REQUEST&gt;</c>,
/// UTF-8 without a byte-order mark, with an XML declaration, no indentation, and carriage returns kept as <c>&amp;#xD;</c> so the
/// bytes are the same on every platform. Text that XML cannot carry throws <see cref="ArgumentException"/> naming the field.
/// The body holds the API key: it is never logged or quoted.
/// </summary>
internal sealed class MmsRequestBuilder : IDisposable
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        NewLineHandling = NewLineHandling.Entitize,
        OmitXmlDeclaration = false,
        CheckCharacters = true,
        CloseOutput = false,
    };

    private readonly MemoryStream _stream = new();
    private readonly XmlWriter _writer;

    public MmsRequestBuilder(string action, string apiKey)
    {
        _writer = XmlWriter.Create(_stream, Settings);
        _writer.WriteStartDocument();
        _writer.WriteStartElement("REQUEST");
        Field("ACTION", action, nameof(action));
        Field("API_KEY", apiKey, "ApiKey");
    }

    /// <summary>Writes <c>&lt;name&gt;value&lt;/name&gt;</c>; nothing when <paramref name="value"/> is null.</summary>
    public MmsRequestBuilder Field(string name, string? value, string paramName)
    {
        if (value is null)
        {
            return this;
        }

        CheckText(value, paramName);
        _writer.WriteElementString(name, value);
        return this;
    }

    public MmsRequestBuilder Start(string name)
    {
        _writer.WriteStartElement(name);
        return this;
    }

    public MmsRequestBuilder End()
    {
        _writer.WriteEndElement();
        return this;
    }

    public MmsRequestBuilder Element(XElement element)
    {
        element.WriteTo(_writer);
        return this;
    }

    public byte[] ToArray()
    {
        _writer.WriteEndElement();
        _writer.WriteEndDocument();
        _writer.Flush();
        return _stream.ToArray();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when XML 1.0 cannot carry the text.</summary>
    public static void CheckText(string value, string paramName)
    {
        try
        {
            XmlConvert.VerifyXmlChars(value);
        }
        catch (XmlException)
        {
            throw new ArgumentException(paramName + " contains a character that XML 1.0 cannot carry (a control character or a lone surrogate).", paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when <paramref name="name"/> is not a valid element name.</summary>
    public static void CheckName(string? name, string paramName)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException(paramName + " has an empty element name.", paramName);
        }

        try
        {
            XmlConvert.VerifyNCName(name);
        }
        catch (XmlException)
        {
            throw new ArgumentException(paramName + " has the name '" + name + "', which is not a valid XML element name.", paramName);
        }
    }
}

/// <summary>
/// One MMS/SMS API call: posts the body built once in the constructor (the same bytes on every attempt) and decodes the
/// <c>&lt;RESPONSE&gt;</c>. A response with <c>ERRORCODE</c> is a failure whatever <c>STATUS</c> says; the E-code table in
/// <see cref="MmsErrorCodes"/> decides the kind and whether it is retried; HTTP-level failures follow the shared rules.
/// </summary>
internal sealed class MmsCall : ProviderCall<MmsResponse>
{
    private readonly byte[] _body;
    private readonly Uri _endpoint;
    private readonly string _apiKey;
    private readonly int _maxResponseBytes;
    private readonly bool _retryInternalErrors;
    private readonly bool _isIdempotent;

    public MmsCall(string action, byte[] body, MmsClientOptions options, bool isIdempotent)
    {
        Operation = action;
        _body = body;
        _endpoint = options.Endpoint!;
        _apiKey = options.ApiKey!;
        _maxResponseBytes = options.MaxResponseBytes;
        _retryInternalErrors = options.RetryInternalErrors;
        _isIdempotent = isIdempotent;
    }

    public override string Operation { get; }

    public override bool IsIdempotent => _isIdempotent;

    /// <summary>The request body, for tests (it holds the API key: never log it).</summary>
    internal ReadOnlyMemory<byte> Body => _body;

    public override HttpRequestMessage CreateRequest()
    {
        var content = new ByteArrayContent(_body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        request.Headers.Accept.ParseAdd("text/xml");
        return request;
    }

    /// <summary>The body with the API key redacted (and dropped if it would still show), for the optional body log.</summary>
    public override string? RedactedBodyForLog() => Telemetry.BodyRedaction.XmlElement(_body, "API_KEY", _apiKey);

    /// <summary>The API key: never in a failure's text.</summary>
    public override IReadOnlyList<string?> Secrets => new[] { _apiKey };

    public override async ValueTask<ProviderOutcome> DecodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var ok = status is >= 200 and < 300;
        byte[] bytes;
        int length;
        try
        {
#if NET8_0_OR_GREATER
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
            var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            using (stream)
            {
                (bytes, length) = await MmsXml.ReadBoundedAsync(stream, _maxResponseBytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ContentTooLargeException)
        {
            var text = "The answer was larger than MaxResponseBytes (" + _maxResponseBytes.ToString(CultureInfo.InvariantCulture) + " bytes) and was not read";
            return ProviderOutcome.Failed(ok
                ? new ProviderFailure
                {
                    Kind = MessagingErrorKind.ProviderError, Description = text, HttpStatus = status,
                    Advice = IsIdempotent ? "Raise MaxResponseBytes if such large answers are expected." : "The request may have been processed; check before sending again, or raise MaxResponseBytes.",
                }
                : HttpFailureClassifier.FromStatus(status, IsIdempotent, "HTTP " + status.ToString(CultureInfo.InvariantCulture) + ": " + text));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return ProviderOutcome.Failed(new ProviderFailure
            {
                Kind = MessagingErrorKind.Unavailable,
                Description = "The connection failed while the answer was read: " + ex.Message,
                HttpStatus = status,
                IsTransient = true,
                IsSafeToRepeat = IsIdempotent,
                Exception = ex,
                Advice = IsIdempotent ? "Try again later." : "The request may have been processed; check before sending again.",
            });
        }

        var root = MmsXml.TryParse(bytes, length)?.Root;
        if (root is null || !string.Equals(root.Name.LocalName, "RESPONSE", StringComparison.OrdinalIgnoreCase))
        {
            var snippet = Redact(ResponseSnippet.Shorten(MmsXml.Utf8(bytes, Math.Min(length, ResponseSnippet.MaxChars * 4))));
            var what = root is null ? "an answer that is not XML" : "XML that is not an MMS API <RESPONSE>";
            if (!ok)
            {
                return ProviderOutcome.Failed(HttpFailureClassifier.FromStatus(status, IsIdempotent,
                    "HTTP " + status.ToString(CultureInfo.InvariantCulture) + " with " + what + ": " + Quote(snippet ?? string.Empty)));
            }

            return ProviderOutcome.Failed(new ProviderFailure
            {
                Kind = MessagingErrorKind.Unavailable,
                Description = "HTTP " + status.ToString(CultureInfo.InvariantCulture) + " with " + what + " (a gateway or proxy page?): " + Quote(snippet ?? string.Empty),
                HttpStatus = status,
                IsTransient = true,
                IsSafeToRepeat = IsIdempotent,
                Advice = IsIdempotent
                    ? "Check the Endpoint setting; a proxy or load balancer may have answered instead of the API."
                    : "Check the Endpoint setting; a proxy or load balancer answered, so the request may or may not have been processed: check before sending again.",
            });
        }

        var code = MmsResponse.ValueOf(root, "ERRORCODE");
        var info = Redact(MmsResponse.ValueOf(root, "ERRORINFO"));
        if (code is not null)
        {
            return ProviderOutcome.Failed(MmsErrorCodes.Classify(code, info, status, IsIdempotent, _retryInternalErrors));
        }

        var statusText = MmsResponse.ValueOf(root, "STATUS");
        if (!ok)
        {
            return ProviderOutcome.Failed(HttpFailureClassifier.FromStatus(status, IsIdempotent,
                "HTTP " + status.ToString(CultureInfo.InvariantCulture) + " with STATUS " + Quote(statusText ?? "(none)") + (info is null ? string.Empty : ": " + info)));
        }

        if (statusText is not null && !string.Equals(statusText, "Success", StringComparison.OrdinalIgnoreCase))
        {
            return ProviderOutcome.Failed(new ProviderFailure
            {
                Kind = MessagingErrorKind.ProviderError,
                Description = "STATUS " + Quote(Redact(statusText) ?? string.Empty) + " without an ERRORCODE" + (info is null ? string.Empty : ": " + info),
                HttpStatus = status,
                Advice = "The provider did not report success; check the message's status before sending again.",
            });
        }

        return ProviderOutcome.Success(new MmsResponse(Operation, new XElement(root)));
    }

    private static string Quote(string text) => "'" + text + "'";

    /// <summary>Removes the API key from provider text, in case an answer ever echoes the request.</summary>
    private string? Redact(string? text) =>
        text is null || _apiKey.Length < 4 ? text : text.Replace(_apiKey, "***");
}
