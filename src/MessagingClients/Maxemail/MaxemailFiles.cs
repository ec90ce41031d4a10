using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.Maxemail;

/// <summary>File upload (<c>file_upload</c>) and download (<c>download/…</c>), both streamed.</summary>
public sealed class MaxemailFiles
{
    private readonly MaxemailClient _client;

    internal MaxemailFiles(MaxemailClient client) => _client = client;

    /// <summary>
    /// Uploads a file: <c>file_upload.initialise</c> gives a key, then the file is streamed as <c>multipart/form-data</c>
    /// (<c>method=handle</c>, <c>key</c>, <c>file</c>). The stream is read once, from its current position, and never
    /// buffered whole; it is not disposed. A non-seekable stream cannot be sent again, so that upload is never retried; a
    /// seekable one is rewound and retried by the usual rules (429, 503, refused connections; also server errors and
    /// timeouts when <see cref="MaxemailCallOptions.RetryNonIdempotent"/> or <see cref="MaxemailClientOptions.RetryNonIdempotentCalls"/> allows).
    /// </summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="fileName">The file name sent to Maxemail (<c>recipients.csv</c>).</param>
    /// <param name="contentType">The MIME type; <c>application/octet-stream</c> when null.</param>
    /// <param name="callOptions">Per-call settings, or null.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The file key, to pass to list imports, email content and other methods.</returns>
    /// <exception cref="ArgumentException">A missing or unreadable stream, an empty file name or a malformed content type; nothing was sent.</exception>
    /// <exception cref="MessagingException">Maxemail refused the upload or could not be reached.</exception>
    public async Task<MaxemailResult<string>> UploadAsync(Stream content, string fileName, string? contentType = null, MaxemailCallOptions? callOptions = null, CancellationToken cancellationToken = default)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        if (!content.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(content));
        }

        if (string.IsNullOrWhiteSpace(fileName))
        {
            throw new ArgumentException("A file name is required.", nameof(fileName));
        }

        contentType ??= "application/octet-stream";
        if (!System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out _))
        {
            throw new ArgumentException($"'{contentType}' is not a valid MIME type.", nameof(contentType));
        }

        var initialised = await _client.InvokeAsync("file_upload", "initialise", new(),
            json => MaxemailResultReader.Text(json) ?? throw new System.Text.Json.JsonException("file_upload.initialise gave no key."),
            callOptions, cancellationToken).ConfigureAwait(false);
        var key = initialised.Value;
        var call = new MaxemailUploadCall(
            MaxemailCodec.ServiceUri(_client.Options.Endpoint, "file_upload"), _client.Authorization, key, content, fileName, contentType,
            retryAllowed: callOptions?.RetryNonIdempotent ?? _client.Options.RetryNonIdempotentCalls);
        MaxemailLog.Uploading(_client.Core.Logger, key, call.CanReplay);
        var (answer, attempts, elapsed) = await _client.SendAsync(call, callOptions?.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        _client.ReportDeprecations(answer.Warnings);
        var warnings = initialised.Warnings.Concat(answer.Warnings).ToArray();
        return new MaxemailResult<string>(key, answer.Json, warnings, initialised.Attempts + attempts, initialised.Elapsed + elapsed);
    }

    /// <summary>Downloads an uploaded or generated file by key (<c>GET download/file/key/{key}</c>), streamed.</summary>
    /// <param name="key">The file key.</param>
    /// <param name="cancellationToken">Cancels the request (not the reading of the returned stream).</param>
    /// <returns>The download; dispose it when done.</returns>
    public Task<MaxemailDownload> DownloadFileAsync(string key, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("A file key is required.", nameof(key));
        }

        return DownloadAsync("file", "key", key, cancellationToken);
    }

    /// <summary>Downloads a list export (<c>GET download/listexport/id/{id}</c>), streamed.</summary>
    /// <param name="listExportId">The export id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The download; dispose it when done.</returns>
    public Task<MaxemailDownload> DownloadListExportAsync(long listExportId, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(listExportId, nameof(listExportId));
        return DownloadAsync("listexport", "id", listExportId.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary>Downloads a data export (<c>GET download/dataexport/id/{id}</c>), streamed.</summary>
    /// <param name="dataExportId">The export id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The download; dispose it when done.</returns>
    public Task<MaxemailDownload> DownloadDataExportAsync(long dataExportId, CancellationToken cancellationToken = default)
    {
        MaxemailValidation.Positive(dataExportId, nameof(dataExportId));
        return DownloadAsync("dataexport", "id", dataExportId.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    private async Task<MaxemailDownload> DownloadAsync(string type, string idName, string id, CancellationToken cancellationToken)
    {
        var uri = MaxemailCodec.RelativeUri(_client.Options.Endpoint, "download/" + type + "/" + idName + "/" + Uri.EscapeDataString(id));
        var call = new MaxemailDownloadCall(uri, _client.Authorization, type);
        var (download, attempts, _) = await _client.SendAsync(call, null, cancellationToken).ConfigureAwait(false);
        download.Attempts = attempts;
        _client.ReportDeprecations(download.Warnings);
        return download;
    }
}
