using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MessagingClients.AspNetCore;

/// <summary>An IP address or CIDR range; IPv4-mapped IPv6 addresses match their IPv4 form.</summary>
internal readonly struct IpRange
{
    private IpRange(System.Net.IPNetwork network) => Network = network;

    public System.Net.IPNetwork Network { get; }

    public static bool TryParse(string? text, out IpRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            if (!IPAddress.TryParse(trimmed, out var address))
            {
                return false;
            }

            address = Normalize(address);
            range = new IpRange(new System.Net.IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            return true;
        }

        if (!IPAddress.TryParse(trimmed.AsSpan(0, slash), out var prefix)
            || !int.TryParse(trimmed.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return false;
        }

        prefix = Normalize(prefix);
        var max = prefix.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (length > max)
        {
            return false;
        }

        // Accept a range written with host bits set (10.1.2.3/8) by clearing them.
        var bytes = prefix.GetAddressBytes();
        for (var bit = length; bit < max; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        range = new IpRange(new System.Net.IPNetwork(new IPAddress(bytes), length));
        return true;
    }

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public bool Contains(IPAddress address) => Network.Contains(Normalize(address));

    public override string ToString() => Network.ToString();
}
