using System.Globalization;

namespace Mailsub.Core.Policy;

/// <summary>smtpd_tls_protocols syntax: `>=TLSv1.2`, `<=TLSv1.3`, `!SSLv3` exclusions, plain inclusions, hexadecimal versions.</summary>
public static class TlsProtocols
{
    /// <summary>Protocol names from oldest to newest.</summary>
    public static IReadOnlyList<string> Ordered { get; } = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

    public const int Tls12 = 4;

    /// <summary>Index in Ordered of the oldest protocol the value allows; null if it allows none. An empty value allows all.</summary>
    public static int? Lowest(string value)
    {
        var elements = value.Split([' ', '\t', ',', ':'], StringSplitOptions.RemoveEmptyEntries);
        var allowed = new bool[Ordered.Count];
        // Listing names to include (rather than exclude) allows only those.
        var includes = elements.Where(e => e[0] is not ('!' or '>' or '<')).Select(IndexOf).Where(i => i >= 0).ToList();
        for (var i = 0; i < allowed.Length; i++)
            allowed[i] = includes.Count == 0 || includes.Contains(i);
        foreach (var element in elements)
        {
            var (bound, name) = element switch
            {
                ['!', .. var rest] => ("!", rest),
                ['>', '=', .. var rest] => (">=", rest),
                ['<', '=', .. var rest] => ("<=", rest),
                _ => ("", element),
            };
            var index = IndexOf(name);
            if (index < 0)
                continue;
            for (var i = 0; i < allowed.Length; i++)
            {
                if ((bound == "!" && i == index) || (bound == ">=" && i < index) || (bound == "<=" && i > index))
                    allowed[i] = false;
            }
        }
        var lowest = Array.IndexOf(allowed, true);
        return lowest < 0 ? null : lowest;
    }

    private static int IndexOf(string name)
    {
        var index = Ordered.ToList().FindIndex(p => p.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
            return index;
        // 0x0301 is TLSv1 ... 0x0304 TLSv1.3; 0x0300 SSLv3, 0x0002 SSLv2.
        var hex = name.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? name[2..] : name;
        if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var version))
            return -1;
        return version switch
        {
            0x0002 => 0,
            >= 0x0300 and <= 0x0304 => version - 0x0300 + 1,
            > 0x0304 => Ordered.Count - 1,
            _ => -1,
        };
    }
}
