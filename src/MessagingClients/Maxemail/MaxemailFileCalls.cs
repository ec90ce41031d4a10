using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MessagingClients.Transport;

namespace MessagingClients.Maxemail;

/// <summary>
/// <c>POST {Endpoint}api/json/file_upload</c> as <c>multipart/form-data</c> with parts <c>method=handle</c>, <c>key</c> and
/// <c>file</c>. The file is streamed from the caller's stream, never buffered whole. A non-seekable stream cannot be sent
/// twice, so such an upload is never retried; a seekable one is rewound to where it started and follows the usual rules
/// (<c>handle</c> changes state: only 429, 503 and refused connections are retried unless the caller opts in).
/// </summary>
internal sealed class MaxemailUploadCall : ProviderCall<MaxemailAnswer>
{
    private readonly Uri _uri;
    private readonly string _authorization;
    private readonly string _key;
    private readonly Stream _content;
    private readonly long? _start;
    private readonly string _fileName;
    private readonly string _contentType;
    private readonly string _boundary;
    private readonly bool _isIdempotent;
    private int _requests;

    public MaxemailUploadCall(Uri uri, string authorization, string key, Stream content, string fileName, string contentType, bool retryAllowed)
    {
        _uri = uri;
        _authorization = authorization;
        _key = key;
        _content = content;
        _start = content.CanSeek ? content.Position : null;
        _fileName = fileName;
        _contentType = contentType;
        _boundary = "MessagingClients-" + Guid.NewGuid().ToString("N");
        _isIdempotent = retryAllowed && CanReplay;
    }

    public override string Operation => "file_upload.handle";

    public override bool IsIdempotent => _isIdempotent;

    /// <summary>True when the file can be sent again (a seekable stream).</summary>
    public bool CanReplay => _start is not null;

    /// <summary>The Authorization token and the password in it: never in a failure's text.</summary>
    public override IReadOnlyList<string?> Secrets => MaxemailCodec.SecretsOf(_authorization);

    public override HttpRequestMessage CreateRequest()
    {
        if (Interlocked.Increment(ref _requests) > 1 && !CanReplay)
        {
            throw new InvalidOperationException("A non-seekable upload stream cannot be sent twice.");
        }

        var multipart = new MultipartFormDataContent(_boundary);
        multipart.Add(FormPart("method", "handle"));
        multipart.Add(FormPart("key", _key));
        var file = new ForwardingStreamContent(_content, _start);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(_contentType);
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
        {
            Name = "\"file\"",
            FileName = "\"" + AsciiFileName(_fileName) + "\"",
        };
        if (!IsAscii(_fileName))
        {
            file.Headers.ContentDisposition.FileNameStar = _fileName;
        }

        multipart.Add(file);
        var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = multipart };
        MaxemailCodec.AddHeaders(request, _authorization);
        return request;
    }

    public override async ValueTask<ProviderOutcome> DecodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var outcome = await MaxemailCodec.DecodeJsonAsync(response, _isIdempotent, "file_upload", "handle", cancellationToken).ConfigureAwait(false);
        return outcome.Failure is { } failure ? ProviderOutcome.Failed(NotReplayable(failure)) : outcome;
    }

    public override ProviderFailure ClassifyException(HttpRequestException exception) => NotReplayable(base.ClassifyException(exception));

    public override ProviderFailure ClassifyAttemptTimeout(TimeSpan timeout) => NotReplayable(base.ClassifyAttemptTimeout(timeout));

    private ProviderFailure NotReplayable(ProviderFailure failure) =>
        CanReplay || !failure.IsRetryable
            ? failure
            : failure with
            {
                IsSafeToRepeat = false,
                Advice = "The upload stream cannot be rewound, so the client did not retry; upload again from a seekable stream (a FileStream, say) to let it retry. " + failure.Advice,
            };

    private static ByteArrayContent FormPart(string name, string value)
    {
        var part = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"" + name + "\"" };
        return part;
    }

    private static bool IsAscii(string text)
    {
        foreach (var c in text)
        {
            if (c > 0x7E || c < 0x20)
            {
                return false;
            }
        }

        return true;
    }

    private static string AsciiFileName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(c is < (char)0x20 or > (char)0x7E or '"' or '\\' ? '_' : c);
        }

        return builder.ToString();
    }

    /// <summary>Copies the caller's stream into the request without buffering it. The caller owns the stream: disposing the request leaves it open.</summary>
    private sealed class ForwardingStreamContent : HttpContent
    {
        private readonly Stream _source;
        private readonly long? _start;

        public ForwardingStreamContent(Stream source, long? start)
        {
            _source = source;
            _start = start;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            if (_start is { } start)
            {
                _source.Position = start;
            }

            await _source.CopyToAsync(stream, 81920).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            if (_start is { } start)
            {
                length = _source.Length - start;
                return length >= 0;
            }

            length = 0;
            return false;
        }
    }
}

/// <summary>
/// <c>GET {Endpoint}download/{type}/{idName}/{id}</c>, streamed: a successful answer is handed to the caller undisposed, as a
/// <see cref="MaxemailDownload"/> whose stream owns the response. Read-only, so retried like any read.
/// Sends <c>Accept: */*</c> (as the official client does for downloads): a file is not JSON. Errors still come back as JSON.
/// </summary>
internal sealed class MaxemailDownloadCall : ProviderCall<MaxemailDownload>
{
    private readonly Uri _uri;
    private readonly string _authorization;
    private readonly string _type;

    public MaxemailDownloadCall(Uri uri, string authorization, string type)
    {
        _uri = uri;
        _authorization = authorization;
        _type = type;
    }

    public override string Operation => "download." + _type;

    public override bool IsIdempotent => true;

    public override bool KeepsResponse => true;

    /// <summary>The Authorization token and the password in it: never in a failure's text.</summary>
    public override IReadOnlyList<string?> Secrets => MaxemailCodec.SecretsOf(_authorization);

    public override HttpRequestMessage CreateRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, _uri);
        MaxemailCodec.AddHeaders(request, _authorization, "*/*");
        return request;
    }

    public override async ValueTask<ProviderOutcome> DecodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            return ProviderOutcome.Failed(await MaxemailCodec.DecodeFailureAsync(response, isIdempotent: true, cancellationToken).ConfigureAwait(false));
        }

#if NET8_0_OR_GREATER
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        var warnings = MaxemailWarningParser.Parse(response, "download", _type);
        return ProviderOutcome.Success(new MaxemailDownload(response, stream, warnings));
    }
}
