using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;

namespace MessagingClients.Mms;

/// <summary>Safe XML reading (no DTD, no resolver, bounded size) and the bounded reads under it, shared by responses and postbacks.</summary>
internal static class MmsXml
{
    /// <summary>
    /// Reader settings that refuse DTDs (so no entity can be declared, expanded or fetched), resolve nothing and cap the document.
    /// <c>MaxCharactersFromEntities</c> is set to a small positive bound: in .NET 0 means "no limit".
    /// </summary>
    public static XmlReaderSettings ReaderSettings(long maxCharacters) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    /// <summary>Parses <paramref name="bytes"/> safely. Throws <see cref="XmlException"/> for anything that is not well-formed or has a DTD.</summary>
    public static XDocument Parse(byte[] bytes, int length)
    {
        using var stream = new MemoryStream(bytes, 0, length, writable: false);
        using var reader = XmlReader.Create(stream, ReaderSettings(Math.Max(length, 1)));
        return XDocument.Load(reader, LoadOptions.None);
    }

    /// <summary>Parses, or returns null when the bytes are not well-formed XML (or carry a DTD).</summary>
    public static XDocument? TryParse(byte[] bytes, int length)
    {
        try
        {
            return Parse(bytes, length);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> bytes; throws <see cref="ContentTooLargeException"/> as soon as there are more.</summary>
    public static async Task<(byte[] Buffer, int Length)> ReadBoundedAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        if (stream.CanSeek && stream.Length - stream.Position > maxBytes)
        {
            throw new ContentTooLargeException(maxBytes);
        }

        var limited = new LengthLimitedStream(stream, maxBytes);
        using var buffer = new MemoryStream();
        // A pooled chunk: a fresh 16 KB array per answer was most of a send's allocations (docs/performance.md).
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await limited.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return (buffer.GetBuffer(), (int)buffer.Length);
    }

    /// <summary>The synchronous twin of <see cref="ReadBoundedAsync"/>.</summary>
    public static (byte[] Buffer, int Length) ReadBounded(Stream stream, int maxBytes)
    {
        if (stream.CanSeek && stream.Length - stream.Position > maxBytes)
        {
            throw new ContentTooLargeException(maxBytes);
        }

        var limited = new LengthLimitedStream(stream, maxBytes);
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = limited.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return (buffer.GetBuffer(), (int)buffer.Length);
    }

    public static bool ContainsIgnoreCase(string text, string value) =>
#if NET8_0_OR_GREATER
        text.Contains(value, StringComparison.OrdinalIgnoreCase);
#else
        text.IndexOf(value, StringComparison.OrdinalIgnoreCase) >= 0;
#endif

    /// <summary>Decodes UTF-8 without a byte-order mark, for raw copies kept with results.</summary>
    public static string Utf8(byte[] bytes, int length)
    {
        var start = length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        return Encoding.UTF8.GetString(bytes, start, length - start);
    }
}

/// <summary>A body was larger than the configured cap; it was not read further.</summary>
internal sealed class ContentTooLargeException : IOException
{
    public ContentTooLargeException(long limit)
        : base("The body is larger than the limit of " + limit + " bytes.")
    {
        Limit = limit;
    }

    public long Limit { get; }
}

/// <summary>A read-only stream that passes at most <c>limit</c> bytes through and throws <see cref="ContentTooLargeException"/> on the first byte beyond.</summary>
internal sealed class LengthLimitedStream : Stream
{
    private readonly Stream _inner;
    private readonly long _limit;
    private long _read;

    public LengthLimitedStream(Stream inner, long limit)
    {
        _inner = inner;
        _limit = limit;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = _inner.Read(buffer, offset, Allowed(count));
        return Count(n);
    }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var n = await _inner.ReadAsync(buffer, offset, Allowed(count), cancellationToken).ConfigureAwait(false);
        return Count(n);
    }

#if NET8_0_OR_GREATER
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer.Slice(0, Allowed(buffer.Length)), cancellationToken).ConfigureAwait(false);
        return Count(n);
    }

#endif
    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // Ask for one byte more than the limit allows, so that a body of exactly the limit passes and one byte more is caught.
    private int Allowed(int count) => (int)Math.Min(count, _limit - _read + 1);

    private int Count(int n)
    {
        _read += n;
        if (_read > _limit)
        {
            throw new ContentTooLargeException(_limit);
        }

        return n;
    }
}
