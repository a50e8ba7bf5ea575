using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Mailsub.Core.Api;

namespace Mailsub.Core.Validation;

/// <summary>Syntax of the host names and networks that reach main.cf.</summary>
public static partial class NetworkSyntax
{
    [GeneratedRegex(Patterns.Fqdn, RegexOptions.CultureInvariant)]
    private static partial Regex FqdnRegex();

    /// <summary>A lower-case DNS name with at least two labels, at most 253 characters.</summary>
    public static bool IsFqdn(string? value) => value is { Length: > 0 and <= 253 } && FqdnRegex().IsMatch(value);

    /// <summary>
    /// Parses a CIDR and says what is wrong with it. Host bits must be zero: Postfix would accept
    /// 10.1.2.3/8, but a reader would take it for one host.
    /// </summary>
    public static string? CidrProblem(string value, out IPNetwork network)
    {
        network = default;
        if (!value.Contains('/'))
        {
            return IsIpAddress(value)
                ? $"\"{value}\" is not a CIDR: give a prefix length, e.g. \"{value}/{(value.Contains(':') ? 128 : 32)}\" for this one host"
                : $"\"{value}\" is not a CIDR: give a network address and a prefix length, such as 192.0.2.0/24, 2001:db8::/32, or 192.0.2.10/32 for one host";
        }

        var text = value.StartsWith('[') ? value.Replace("[", "").Replace("]", "") : value;
        var slash = text.IndexOf('/');
        var host = text[..slash];
        var prefix = text[(slash + 1)..];
        // IPAddress also takes "10.1" and "0x7f.1"; Postfix and readers take only dotted quads.
        var dottedQuad = host.Contains(':') || (host.Count(c => c == '.') == 3 && host.All(c => c == '.' || char.IsAsciiDigit(c)));
        if (!dottedQuad || !IPAddress.TryParse(host, out var address) || host.Contains('%')
            || prefix.Length is 0 or > 3 || !prefix.All(char.IsAsciiDigit) || !int.TryParse(prefix, out var length)
            || length > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        {
            return $"\"{value}\" is not an IPv4 or IPv6 CIDR such as 192.0.2.0/24 or 2001:db8::/32";
        }

        network = new IPNetwork(Mask(address, length), length);
        if (!network.BaseAddress.Equals(address))
            return $"\"{value}\" has host bits set; did you mean \"{network}\"?";
        return null;
    }

    /// <summary>Postfix's notation: IPv6 networks in brackets.</summary>
    public static string ToPostfix(IPNetwork network) =>
        network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{network.BaseAddress}]/{network.PrefixLength}" : network.ToString();

    public static bool IsIpAddress(string value) => IPAddress.TryParse(value, out _) && !value.Contains('/');

    private static IPAddress Mask(IPAddress address, int length)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(length - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
