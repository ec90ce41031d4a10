using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace MessagingClients.Maxemail;

/// <summary>
/// A file being downloaded from Maxemail. <see cref="Content"/> reads straight from the HTTP response (nothing is buffered);
/// dispose this object (or the stream) to release the connection.
/// </summary>
public sealed class MaxemailDownload : IDisposable
{
    private readonly HttpResponseMessage _response;

    internal MaxemailDownload(HttpResponseMessage response, Stream stream, IReadOnlyList<MaxemailDeprecation> warnings)
    {
        _response = response;
        Content = new ResponseStream(stream, response);
        ContentType = response.Content.Headers.ContentType?.MediaType;
        ContentLength = response.Content.Headers.ContentLength;
        var disposition = response.Content.Headers.ContentDisposition;
        FileName = disposition?.FileNameStar ?? disposition?.FileName?.Trim('"');
        Warnings = warnings;
    }

    /// <summary>The file's bytes as they arrive. Disposing it releases the response.</summary>
    public Stream Content { get; }

    /// <summary>The MIME type Maxemail gave (<c>text/csv</c>, <c>application/zip</c> …), if any.</summary>
    public string? ContentType { get; }

    /// <summary>The length Maxemail announced, if any.</summary>
    public long? ContentLength { get; }

    /// <summary>The file name from <c>Content-Disposition</c>, if any.</summary>
    public string? FileName { get; }

    /// <summary>Deprecation notices on the answer.</summary>
    public IReadOnlyList<MaxemailDeprecation> Warnings { get; }

    /// <summary>How many HTTP attempts the download took before the answer started.</summary>
    public int Attempts { get; internal set; }

    /// <summary>Copies the whole file to <paramref name="destination"/>, then releases the response.</summary>
    /// <param name="destination">Where to write the file.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        using (this)
        {
            await Content.CopyToAsync(destination, 81920, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Releases the response and its connection.</summary>
    public void Dispose()
    {
        Content.Dispose();
        _response.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"MaxemailDownload {{ ContentType = {ContentType}, ContentLength = {ContentLength}, FileName = {FileName} }}";

    /// <summary>A read-only stream over the response body that disposes the response with itself.</summary>
    private sealed class ResponseStream : Stream
    {
        private readonly Stream _inner;
        private readonly HttpResponseMessage _response;
        private bool _disposed;

        public ResponseStream(Stream inner, HttpResponseMessage response)
        {
            _inner = inner;
            _response = response;
        }

        public override bool CanRead => _inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Inner.ReadAsync(buffer, offset, count, cancellationToken);

#if NET8_0_OR_GREATER
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Inner.ReadAsync(buffer, cancellationToken);

        public override int Read(Span<byte> buffer) => Inner.Read(buffer);
#endif

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
            Inner.CopyToAsync(destination, bufferSize, cancellationToken);

        private Stream Inner => _disposed ? throw new ObjectDisposedException(nameof(MaxemailDownload)) : _inner;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _disposed = true;
                _inner.Dispose();
                _response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
