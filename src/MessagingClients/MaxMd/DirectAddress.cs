using System.Text;

namespace MessagingClients.MaxMd;

/// <summary>
/// A deliberately strict check of a bare Direct (email) address: <c>local@domain.tld</c>, no display name, no white space,
/// no characters that could split a header. Direct addresses are ordinary addresses on a Direct domain.
/// </summary>
internal static class DirectAddress
{
    private const string LocalSpecials = "!#$%&'*+-/=?^_`{|}~.";

    public static bool IsValid(string? address)
    {
        if (string.IsNullOrEmpty(address) || address!.Length > 254)
        {
            return false;
        }

        var at = address.IndexOf('@');
        if (at <= 0 || at != address.LastIndexOf('@') || at == address.Length - 1)
        {
            return false;
        }

        return IsValidLocal(address.Substring(0, at)) && IsValidDomain(address.Substring(at + 1));
    }

    private static bool IsValidLocal(string local)
    {
        if (local.Length > 64 || local[0] == '.' || local[local.Length - 1] == '.' || local.Contains(".."))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (!(IsAsciiLetterOrDigit(c) || IsLocalSpecial(c)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidDomain(string domain)
    {
        var labels = domain.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[label.Length - 1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(IsAsciiLetterOrDigit(c) || c == '-'))
                {
                    return false;
                }
            }
        }

        // The top-level label is never all digits (that would be an IP address, which Direct does not use).
        var tld = labels[labels.Length - 1];
        foreach (var c in tld)
        {
            if (!char.IsDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Cut(string text) => new StringBuilder(text, 0, 100, 101).Append('…').ToString();

    private static bool IsLocalSpecial(char c)
    {
        foreach (var special in LocalSpecials)
        {
            if (c == special)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAsciiLetterOrDigit(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');

    /// <summary>Used in messages: the address is not secret, but is cut so a pasted document cannot flood a message.</summary>
    public static string Quote(string? address) =>
        address is null ? "(null)" : "'" + (address.Length > 100 ? Cut(address) : address) + "'";
}
