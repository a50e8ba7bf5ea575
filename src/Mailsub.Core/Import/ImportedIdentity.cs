using System.Net;
using System.Net.Sockets;
using Mailsub.Core.Api;

namespace Mailsub.Core.Import;

/// <summary>Host name, domain, origin and the trusted networks.</summary>
internal static class ImportedIdentity
{
    public static void Map(ImportContext import)
    {
        var main = import.Main;
        import.Handled("myhostname", "mydomain", "myorigin", "mynetworks", "mynetworks_style");
        var hostname = main.Get("myhostname").ToLowerInvariant();
        if (hostname.Length == 0)
            import.Error(ImportCodes.NeedsInput, "myhostname", "myhostname is unset, so Postfix took the host's own name, which the files do not show. Set spec.hostname to the name clients connect to.");
        import.Spec.Hostname = hostname;
        if (import.IsSet("mydomain"))
            import.Spec.Domain = main.Get("mydomain").ToLowerInvariant();

        var origin = main.Raw("myorigin") ?? "$myhostname";
        var expanded = main.Get("myorigin");
        var domain = main.Get("mydomain");
        import.Spec.Origin = origin == "$mydomain" || (origin != "$myhostname" && expanded != hostname && expanded == domain) ? OriginSource.Domain : OriginSource.Hostname;
        if (origin is not ("$myhostname" or "$mydomain") && expanded != hostname && expanded != domain)
            import.Warning(ImportCodes.NotImported, "myorigin", $"myorigin = {origin} is neither $myhostname nor $mydomain, the two spec.origin offers; imported as Hostname. Choose the one that fits.");

        TrustedNetworks(import);
    }

    private static void TrustedNetworks(ImportContext import)
    {
        var main = import.Main;
        if (!import.IsSet("mynetworks"))
        {
            // Unset, Postfix derives mynetworks from the host's interfaces; the files cannot say which.
            var style = main.Get("mynetworks_style").ToLowerInvariant();
            if (style != "host")
            {
                import.Warning(ImportCodes.Trap, "mynetworks", $"mynetworks is unset, so Postfix trusted every host on the server's {(style == "class" ? "class A/B/C networks" : "subnets")} (mynetworks_style = {style}) without authentication. " +
                    "Imported as loopback only (spec.trustedNetworks); add the clients that must relay without a login, if any.");
            }

            return;
        }
        var networks = new List<string>();
        var beyondLoopback = new List<string>();
        foreach (var entry in main.List("mynetworks"))
        {
            if (Policy.TrustedNetworks.Parse(entry) is not { } network)
            {
                import.Error(ImportCodes.NotImported, "mynetworks", $"mynetworks entry \"{entry}\" (a table, file, host name or exclusion) cannot be imported: spec.trustedNetworks takes CIDRs only. List the networks it stands for in spec.trustedNetworks.");
                continue;
            }
            var cidr = new IPNetwork(Masked(network.Address, network.Prefix), network.Prefix).ToString();
            if (!networks.Contains(cidr))
                networks.Add(cidr);
            if (!IsLoopback(network.Address, network.Prefix))
                beyondLoopback.Add(entry);
        }
        import.Spec.TrustedNetworks = networks;
        if (beyondLoopback.Count > 0)
        {
            import.Warning(ImportCodes.Trap, "mynetworks", $"mynetworks trusts {string.Join(", ", beyondLoopback)} beyond loopback: every client there relays without authentication (permit_mynetworks). " +
                "In a cluster clients reach the pods through a Service, often with a node's or proxy's address, so the old LAN ranges rarely mean the same clients. " +
                "Keep in spec.trustedNetworks only addresses that must relay without a login, and give everyone else one (spec.auth.users).");
        }
    }

    private static bool IsLoopback(IPAddress address, int prefix) =>
        address.AddressFamily == AddressFamily.InterNetwork ? prefix >= 8 && IPNetwork.Parse("127.0.0.0/8").Contains(address) : prefix == 128 && address.Equals(IPAddress.IPv6Loopback);

    /// <summary>The network address: Postfix ignores host bits, the validator refuses them.</summary>
    private static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
