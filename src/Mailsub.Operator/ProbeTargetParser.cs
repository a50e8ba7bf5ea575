namespace Mailsub.Operator;

/// <summary>
/// `mailsub run --probe-target NAMESPACE/SERVICE[:PORT]=HOST[:PORT]`: where the live probe reaches
/// a Service when its cluster IP is not reachable from the operator (tests on loopback, an
/// operator outside the cluster network).
/// </summary>
public static class ProbeTargetParser
{
    /// <summary>The map from "ns/name" or "ns/name:port" to "host" or "host:port"; an error names the bad entry.</summary>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> entries, out string? error)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=');
            var service = eq < 0 ? "" : entry[..eq];
            var slash = service.IndexOf('/');
            var colon = service.LastIndexOf(':');
            if (eq <= 0 || eq == entry.Length - 1 || slash <= 0 || slash == service.Length - 1
                || (colon > slash && !int.TryParse(service[(colon + 1)..], out _)) || HostPort(entry[(eq + 1)..], 1) is null)
            {
                error = $"--probe-target '{entry}': expected NAMESPACE/SERVICE[:PORT]=HOST[:PORT], e.g. mail/modern:587=127.0.0.1:2587";
                return map;
            }
            map[service] = entry[(eq + 1)..];
        }
        return map;
    }

    /// <summary>"host", "host:port", "[v6]:port" or a bare IPv6 address; the port defaults to <paramref name="port"/>.</summary>
    public static (string Host, int Port)? HostPort(string value, int port)
    {
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']');
            if (close < 0)
            {
                return null;
            }
            var rest = value[(close + 1)..];
            return rest.Length == 0 ? (value[1..close], port)
                : rest[0] == ':' && int.TryParse(rest[1..], out var p6) && p6 is > 0 and < 65536 ? (value[1..close], p6) : null;
        }
        var colon = value.LastIndexOf(':');
        if (colon < 0 || value.IndexOf(':') != colon)
        {
            return value.Length == 0 ? null : (value, port); // a bare name, IPv4 address or IPv6 address
        }
        return int.TryParse(value[(colon + 1)..], out var p) && p is > 0 and < 65536 && colon > 0 ? (value[..colon], p) : null;
    }
}
