using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mailsub.Core.Policy;

/// <summary>How much of the Internet a mynetworks entry lets relay without authentication.</summary>
public enum NetworkBreadth
{
    /// <summary>Narrow enough: a host, a subnet, a site, loopback.</summary>
    Acceptable,
    /// <summary>
    /// A large private range: IPv4 shorter than /16 (10/8, 172.16/12, 100.64/10 and public /9-/15),
    /// all of 192.168/16, or IPv6 shorter than /48 (a whole site allocation or more). In a
    /// cluster this is typically every pod and node, so any compromised workload can relay.
    /// </summary>
    Wide,
    /// <summary>
    /// Wider than any organisation holds: IPv4 shorter than /8 (0.0.0.0/0 included), IPv6 shorter
    /// than /16 outside the unique-local fc00::/7 and the link-local fe80::/10. Practically an open relay.
    /// </summary>
    Open,
}

/// <summary>Entries of mynetworks, as Postfix's address match lists write them.</summary>
public static class TrustedNetworks
{
    private static readonly IPNetwork Loopback = IPNetwork.Parse("127.0.0.0/8");
    private static readonly IPNetwork Rfc1918Largest = IPNetwork.Parse("192.168.0.0/16");
    private static readonly IPNetwork UniqueLocal = IPNetwork.Parse("fc00::/7");
    private static readonly IPNetwork LinkLocal = IPNetwork.Parse("fe80::/10");

    /// <summary>
    /// Parses `a.b.c.d`, `a.b.c.d/n`, `[v6]`, `[v6]/n`. Null for what cannot be judged here:
    /// negations (!), tables (type:name, /file), host names.
    /// </summary>
    public static (IPAddress Address, int Prefix)? Parse(string entry)
    {
        if (entry.StartsWith('!') || entry.StartsWith('/'))
            return null;
        var slash = entry.LastIndexOf('/');
        var host = (slash < 0 ? entry : entry[..slash]).Trim('[', ']');
        if (!IPAddress.TryParse(host, out var address))
            return null;
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
            return (address, max);
        return int.TryParse(entry[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) && prefix <= max
            ? (address, prefix)
            : null;
    }

    public static NetworkBreadth Breadth(IPAddress address, int prefix)
    {
        // ::ffff:0:0/96 is IPv4 in IPv6 clothing; judge the IPv4 range it covers.
        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
            return Breadth(address.MapToIPv4(), prefix - 96);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (prefix < 8)
                return NetworkBreadth.Open;
            // Loopback reaches only the pod itself, however wide the prefix.
            if (prefix >= 8 && Loopback.Contains(address))
                return NetworkBreadth.Acceptable;
            var network = new IPNetwork(Masked(address, prefix), prefix);
            return prefix < 16 || network == Rfc1918Largest ? NetworkBreadth.Wide : NetworkBreadth.Acceptable;
        }
        // Unique-local and link-local addresses do not route on the Internet: however short the
        // prefix, only the site (or the pod's link: its node and the pods beside it) reaches them.
        if (prefix < 16 && !(prefix >= 7 && UniqueLocal.Contains(address)) && !(prefix >= 10 && LinkLocal.Contains(address)))
            return NetworkBreadth.Open;
        return prefix < 48 ? NetworkBreadth.Wide : NetworkBreadth.Acceptable;
    }

    // RFC 1918 and the IPv6 unique-local range: where clusters number their nodes and pods.
    private static readonly IPNetwork[] Private =
        [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), Rfc1918Largest, UniqueLocal];

    /// <summary>The private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) an entry shares addresses with: inside one, or containing one.</summary>
    public static IReadOnlyList<IPNetwork> PrivateOverlap(IPAddress address, int prefix)
    {
        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
            return PrivateOverlap(address.MapToIPv4(), prefix - 96);
        var network = new IPNetwork(Masked(address, prefix), prefix);
        return Private.Where(p => p.BaseAddress.AddressFamily == address.AddressFamily
            && (p.Contains(network.BaseAddress) || network.Contains(p.BaseAddress))).ToList();
    }

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] &= (byte)(0xFF << (8 - Math.Clamp(prefix - i * 8, 0, 8)));
        return new IPAddress(bytes);
    }
}
