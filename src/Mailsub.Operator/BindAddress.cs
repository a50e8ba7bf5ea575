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
}
