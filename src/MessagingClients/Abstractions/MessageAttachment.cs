using System;

namespace MessagingClients;

/// <summary>
/// A file sent with a message: either its bytes, or a URL where the provider fetches media itself (MMS slides).
/// </summary>
public sealed class MessageAttachment
{
    /// <summary>Creates an attachment. Prefer <see cref="FromBytes"/> or <see cref="FromUrl"/>.</summary>
    /// <param name="fileName">The file name shown to the recipient.</param>
    /// <param name="contentType">The MIME type, for example <c>application/pdf</c>.</param>
    /// <param name="content">The file's bytes, or null when <paramref name="url"/> is given.</param>
    /// <param name="url">The media URL, or null when <paramref name="content"/> is given.</param>
    public MessageAttachment(string fileName, string contentType, ReadOnlyMemory<byte>? content, Uri? url)
    {
        FileName = fileName;
        ContentType = contentType;
        Content = content;
        Url = url;
    }

    /// <summary>The file name shown to the recipient.</summary>
    public string FileName { get; }

    /// <summary>The MIME type; providers decide from it how the file is carried (for MMS, which slide element).</summary>
    public string ContentType { get; }

    /// <summary>The file's bytes, when the attachment is carried inline.</summary>
    public ReadOnlyMemory<byte>? Content { get; }

    /// <summary>The media URL, when the provider fetches the file itself.</summary>
    public Uri? Url { get; }

    /// <summary>An attachment carried inline as bytes.</summary>
    /// <param name="fileName">The file name shown to the recipient.</param>
    /// <param name="contentType">The MIME type.</param>
    /// <param name="content">The file's bytes.</param>
    /// <returns>The attachment.</returns>
    public static MessageAttachment FromBytes(string fileName, string contentType, ReadOnlyMemory<byte> content) =>
        new(fileName, contentType, content, null);

    /// <summary>An attachment the provider fetches from a URL (MMS media).</summary>
    /// <param name="url">An absolute http(s) URL.</param>
    /// <param name="contentType">The MIME type; it decides the MMS slide element.</param>
    /// <param name="fileName">An optional file name; the URL's last segment when null.</param>
    /// <returns>The attachment.</returns>
    public static MessageAttachment FromUrl(Uri url, string contentType, string? fileName = null)
    {
        if (url is null)
        {
            throw new ArgumentNullException(nameof(url));
        }

        return new(fileName ?? (url.IsAbsoluteUri ? System.IO.Path.GetFileName(url.AbsolutePath) : url.OriginalString), contentType, null, url);
    }

    /// <inheritdoc />
    public override string ToString() =>
        Url is null ? $"{FileName} ({ContentType}, {Content?.Length ?? 0} bytes)" : $"{FileName} ({ContentType}, {Url})";
}
