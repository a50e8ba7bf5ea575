namespace Mailsub.Operator;

/// <summary>controller-runtime style bind addresses: ":8080" (every address), "127.0.0.1:8080", "0" (off).</summary>
public static class BindAddress
{
    public static bool IsOff(string? address) => string.IsNullOrEmpty(address) || address == "0";

    /// <summary>Host for HttpListener ("+" for every address) and port.</summary>
    public static (string Host, int Port) Parse(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            throw new FormatException($"'{address}' is not a bind address of the form [host]:port.");
        }
        var host = address[..colon].Trim('[', ']');
        return (host is "" or "0.0.0.0" or "::" ? "+" : host, port);
    }

    /// <summary>The endpoint for a socket: every IPv4 address for ":port", else the IP given.</summary>
    public static System.Net.IPEndPoint Endpoint(string address)
    {
        var (host, port) = Parse(address);
        var ip = host == "+" ? System.Net.IPAddress.Any
            : System.Net.IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new FormatException($"'{address}': the host of a socket bind address must be an IP address.");
        return new System.Net.IPEndPoint(ip, port);
    }
}
