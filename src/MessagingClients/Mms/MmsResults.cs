using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace MessagingClients.Mms;

/// <summary>The result of an accepted <c>sendSMS</c> or <c>sendMMS</c>. Accepted is not delivered: delivery arrives as a
/// <see cref="DeliveryReceipt"/> postback with the same <see cref="TrackingId"/>.</summary>
public sealed record MmsSendResult
{
    /// <summary>The provider's tracking id (<c>TRACKINGID</c>); delivery postbacks carry the same id.</summary>
    public string? TrackingId { get; init; }

    /// <summary>The MMS content id (<c>MMSID</c>), for <c>sendMMS</c>; null for SMS and for replays.</summary>
    public string? MmsId { get; init; }

    /// <summary>The recipient as the provider echoed it (<c>TO</c>); null for replays.</summary>
    public string? To { get; init; }

    /// <summary>Extra detail the provider gave (<c>STATUSDETAILS</c>).</summary>
    public string? StatusDetails { get; init; }

    /// <summary>The idempotency key the send ran under.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>How many HTTP attempts the send took.</summary>
    public int Attempts { get; init; }

    /// <summary>How long the send took, retries included.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>True when this is the stored result of an earlier completed send with the same key: nothing was sent now.</summary>
    public bool IsReplay { get; init; }
}

/// <summary>A parsed <c>&lt;RESPONSE&gt;</c> of the MMS/SMS XML API. Failures never get here: they are
/// <see cref="MessagingException"/>s (a response with <c>ERRORCODE</c> is a failure whatever <c>STATUS</c> says).</summary>
public sealed class MmsResponse
{
    internal MmsResponse(string action, XElement element)
    {
        Action = action;
        Element = element;
        Status = Value("STATUS");
    }

    /// <summary>The action that was called.</summary>
    public string Action { get; }

    /// <summary>The <c>STATUS</c> value (<c>Success</c>).</summary>
    public string? Status { get; }

    /// <summary>The whole <c>RESPONSE</c> element, for nested data (lists of ids, statistics).</summary>
    public XElement Element { get; }

    /// <summary>The top-level elements that hold text, by name (first occurrence wins; names compared case-insensitively).</summary>
    public IReadOnlyDictionary<string, string> Fields
    {
        get
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var child in Element.Elements().Where(e => !e.HasElements))
            {
                if (!fields.ContainsKey(child.Name.LocalName))
                {
                    fields[child.Name.LocalName] = child.Value.Trim();
                }
            }

            return fields;
        }
    }

    /// <summary>The trimmed text of the first top-level element named <paramref name="name"/> (case-insensitive), or null.</summary>
    /// <param name="name">The element name, for example <c>TRACKINGID</c>.</param>
    /// <returns>The text, or null when there is no such element or it is empty.</returns>
    public string? Value(string name) => ValueOf(Element, name);

    /// <summary>The response XML.</summary>
    /// <returns>The XML text.</returns>
    public override string ToString() => Element.ToString(SaveOptions.DisableFormatting);

    internal static string? ValueOf(XElement element, string name)
    {
        foreach (var child in element.Elements())
        {
            if (string.Equals(child.Name.LocalName, name, StringComparison.OrdinalIgnoreCase))
            {
                var text = child.Value.Trim();
                return text.Length == 0 ? null : text;
            }
        }

        return null;
    }
}
