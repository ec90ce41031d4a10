using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;

namespace MessagingClients.Mms;

/// <summary>
/// Parses postback XML into a <see cref="DeliveryReceipt"/>, <see cref="InboundMessage"/>, <see cref="SubscriptionChange"/>
/// or <see cref="UnknownPostback"/>.
/// </summary>
/// <remarks>
/// <para><b>Lenient</b>: unknown elements are kept in <see cref="MmsPostback.Fields"/> and otherwise ignored; missing ones are
/// null; element names are matched case-insensitively; the published sample's broken empty tag (<c>&lt;FROM_MASK&gt;&lt;FROM_MASK&gt;</c>)
/// is repaired; the older <c>&lt;NOTIFICATION&gt;…&lt;BODY&gt;</c> shape is read too; any other well-formed document becomes an
/// <see cref="UnknownPostback"/> with its raw XML, never dropped.</para>
/// <para><b>Safe</b>: DTDs are refused (so no entity expansion and no external entity is ever resolved), nothing is resolved,
/// and at most <c>maxBytes</c> (default 1 MiB) are read: a larger body fails as soon as the cap is passed, without being read
/// into memory. A body that is not well-formed (truncated, say) fails with a <see cref="MmsPostbackException"/> that says why.</para>
/// <para>Acknowledge quickly: store <see cref="MmsPostback.RawXml"/> (or the request bytes), answer HTTP 200 within 10 seconds,
/// process later, and de-duplicate redeliveries with <see cref="MmsPostback.DeduplicationKey"/>.</para>
/// </remarks>
public static class MmsPostbackParser
{
    /// <summary>The default cap on a postback body: 1 MiB (postbacks are well under 10 KB).</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <summary>
    /// The addresses the provider documents as postback sources (34.198.230.58, 34.196.116.219, 34.197.248.124), for an
    /// allow-list. The provider may change them with notice: keep your allow-list in configuration.
    /// </summary>
    public static IReadOnlyList<string> DefaultSourceAddresses { get; } = new[] { "34.198.230.58", "34.196.116.219", "34.197.248.124" };

    private static readonly HashSet<string> DeliveryCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "N201", "N202", "E201", "E202", "N101", "N102", "E101", "E102",
    };

    // An empty element whose closing tag lost its slash: <FROM_MASK><FROM_MASK> (seen in a published sample).
    private static readonly Regex BrokenEmptyElement = new(
        @"<([A-Za-z_][A-Za-z0-9_.\-]*)>(\s*)<\1>(?=\s*<[A-Za-z_/])",
        RegexOptions.CultureInvariant,
        TimeSpan.FromSeconds(1));

    /// <summary>Parses a postback body, reading at most <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="body">The request body (UTF-8 XML). Not closed.</param>
    /// <param name="maxBytes">The cap; a larger body fails without being read further.</param>
    /// <returns>The postback.</returns>
    /// <exception cref="MmsPostbackException">The body is empty, too large, carries a DTD, or is not well-formed XML.</exception>
    /// <remarks>Reads synchronously: in ASP.NET Core (where synchronous reads are off) use <see cref="ParseAsync"/>.</remarks>
    public static MmsPostback Parse(Stream body, int maxBytes = DefaultMaxBytes)
    {
        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        CheckLimit(maxBytes);
        byte[] buffer;
        int length;
        try
        {
            (buffer, length) = MmsXml.ReadBounded(body, maxBytes);
        }
        catch (ContentTooLargeException)
        {
            throw TooLarge(maxBytes);
        }

        return ParseBuffer(buffer, length);
    }

    /// <summary>Parses a postback body, reading at most <paramref name="maxBytes"/> bytes asynchronously.</summary>
    /// <param name="body">The request body (UTF-8 XML). Not closed.</param>
    /// <param name="maxBytes">The cap; a larger body fails without being read further.</param>
    /// <param name="cancellationToken">Cancels the read (use the request's abort token).</param>
    /// <returns>The postback.</returns>
    /// <exception cref="MmsPostbackException">The body is empty, too large, carries a DTD, or is not well-formed XML.</exception>
    public static async Task<MmsPostback> ParseAsync(Stream body, int maxBytes = DefaultMaxBytes, CancellationToken cancellationToken = default)
    {
        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        CheckLimit(maxBytes);
        byte[] buffer;
        int length;
        try
        {
            (buffer, length) = await MmsXml.ReadBoundedAsync(body, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ContentTooLargeException)
        {
            throw TooLarge(maxBytes);
        }

        return ParseBuffer(buffer, length);
    }

    /// <summary>Parses postback bytes (for example a stored raw request).</summary>
    /// <param name="body">The body.</param>
    /// <param name="maxBytes">The cap.</param>
    /// <returns>The postback.</returns>
    /// <exception cref="MmsPostbackException">The body is empty, too large, carries a DTD, or is not well-formed XML.</exception>
    public static MmsPostback Parse(byte[] body, int maxBytes = DefaultMaxBytes)
    {
        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        CheckLimit(maxBytes);
        return body.Length > maxBytes ? throw TooLarge(maxBytes) : ParseBuffer(body, body.Length);
    }

    /// <summary>Parses postback XML text.</summary>
    /// <param name="xml">The XML.</param>
    /// <param name="maxBytes">The cap, in UTF-8 bytes.</param>
    /// <returns>The postback.</returns>
    /// <exception cref="MmsPostbackException">The text is empty, too large, carries a DTD, or is not well-formed XML.</exception>
    public static MmsPostback Parse(string xml, int maxBytes = DefaultMaxBytes)
    {
        if (xml is null)
        {
            throw new ArgumentNullException(nameof(xml));
        }

        CheckLimit(maxBytes);
        if (xml.Length > maxBytes || Encoding.UTF8.GetByteCount(xml) > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        return Classify(Load(xml, () => XmlReader.Create(new StringReader(xml), MmsXml.ReaderSettings(maxBytes))), xml);
    }

    private static MmsPostback ParseBuffer(byte[] buffer, int length)
    {
        var raw = MmsXml.Utf8(buffer, length);
        var document = Load(raw, () => XmlReader.Create(new MemoryStream(buffer, 0, length, writable: false), MmsXml.ReaderSettings(Math.Max(length, 1))));
        return Classify(document, raw);
    }

    private static XDocument Load(string raw, Func<XmlReader> open)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            throw new MmsPostbackException(MmsPostbackError.Empty, "The postback body is empty.");
        }

        try
        {
            using var reader = open();
            return XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException ex)
        {
            if (MmsXml.ContainsIgnoreCase(raw, "<!DOCTYPE"))
            {
                throw new MmsPostbackException(MmsPostbackError.DtdProhibited,
                    "The postback contains a DTD (<!DOCTYPE …>), which is refused: DTDs allow entity expansion and external entities, and real postbacks have none.", ex);
            }

            if (TryRepair(raw) is { } repaired)
            {
                return repaired;
            }

            throw new MmsPostbackException(MmsPostbackError.Malformed,
                "The postback is not well-formed XML (truncated or malformed): " + ex.Message, ex);
        }
    }

    private static XDocument? TryRepair(string raw)
    {
        try
        {
            var fixedText = BrokenEmptyElement.Replace(raw, "<$1></$1>$2");
            if (string.Equals(fixedText, raw, StringComparison.Ordinal))
            {
                return null;
            }

            using var reader = XmlReader.Create(new StringReader(fixedText), MmsXml.ReaderSettings(Math.Max(fixedText.Length, 1)));
            return XDocument.Load(reader, LoadOptions.None);
        }
        catch (Exception ex) when (ex is XmlException or RegexMatchTimeoutException)
        {
            return null;
        }
    }

    private static MmsPostback Classify(XDocument document, string raw)
    {
        var root = document.Root!;
        var fields = new PostbackFields(root, raw);
        var rootName = root.Name.LocalName;
        if (!rootName.Equals("POSTBACK", StringComparison.OrdinalIgnoreCase) && !rootName.Equals("NOTIFICATION", StringComparison.OrdinalIgnoreCase))
        {
            return new UnknownPostback(fields, rootName);
        }

        var origin = fields.Get("ORIGIN")?.ToUpperInvariant();
        var code = fields.Get("CODE")?.ToUpperInvariant();
        switch (origin)
        {
            case "SMS_MT" or "MMS_MT" when code is not null && DeliveryCodes.Contains(code):
                return new DeliveryReceipt(fields);
            case "SMS_MO" or "MMS_MO":
                return new InboundMessage(fields);
            case "SUB" or "EMAIL_SUB" when code is "N301" or "N303":
                return new SubscriptionChange(fields, isSubscribed: true);
            case "SUB" or "EMAIL_SUB" when code is "N302" or "N304":
                return new SubscriptionChange(fields, isSubscribed: false);
            default:
                return new UnknownPostback(fields, rootName);
        }
    }

    private static void CheckLimit(int maxBytes)
    {
        if (maxBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "maxBytes must be positive.");
        }
    }

    private static MmsPostbackException TooLarge(int maxBytes) =>
        new(MmsPostbackError.TooLarge, "The postback body is larger than the limit of " + maxBytes.ToString(CultureInfo.InvariantCulture)
            + " bytes; it was not read further. Real postbacks are a few kilobytes: answer 413 and investigate the sender.");
}

/// <summary>Why a postback could not be parsed.</summary>
public enum MmsPostbackError
{
    /// <summary>The body was empty or white space.</summary>
    Empty,

    /// <summary>The body was larger than the cap; it was not read further.</summary>
    TooLarge,

    /// <summary>The body carried a DTD (<c>&lt;!DOCTYPE</c>), refused because of entity expansion and external entities.</summary>
    DtdProhibited,

    /// <summary>The body is not well-formed XML (truncated or malformed).</summary>
    Malformed,
}

/// <summary>A postback body that could not be parsed. Answer the provider with a 4xx for it; a redelivery will not be different.</summary>
public sealed class MmsPostbackException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Why parsing failed.</param>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The XML exception, if any.</param>
    public MmsPostbackException(MmsPostbackError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Why parsing failed.</summary>
    public MmsPostbackError Error { get; }
}

/// <summary>The text fields of a postback document: top-level leaf elements (and those under <c>BODY</c> for the older shape).</summary>
internal sealed class PostbackFields
{
    private readonly Dictionary<string, string> _raw = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public PostbackFields(XElement root, string rawXml)
    {
        RawXml = rawXml;
        var files = new List<string>();
        foreach (var element in root.Elements())
        {
            var name = element.Name.LocalName;
            if (!element.HasElements)
            {
                Add(name, element.Value);
            }
            else if (name.Equals("BODY", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var inner in element.Elements().Where(e => !e.HasElements))
                {
                    Add(inner.Name.LocalName, inner.Value);
                }
            }
            else if (name.Equals("CONTENT", StringComparison.OrdinalIgnoreCase))
            {
                files.AddRange(element.Elements()
                    .Where(e => e.Name.LocalName.Equals("FILE", StringComparison.OrdinalIgnoreCase))
                    .Select(e => e.Value.Trim())
                    .Where(v => v.Length > 0));
            }
        }

        ContentFiles = files;
        Values = _values;
    }

    public string RawXml { get; }

    public IReadOnlyDictionary<string, string> Values { get; }

    public IReadOnlyList<string> ContentFiles { get; }

    /// <summary>The trimmed value, or null when missing or empty.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>The value as sent (not trimmed), or null when missing or empty.</summary>
    public string? GetRaw(string name) => _raw.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private void Add(string name, string value)
    {
        if (!_values.ContainsKey(name))
        {
            _values[name] = value.Trim();
            _raw[name] = value;
        }
    }
}
