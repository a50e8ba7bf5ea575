using System.Net;
using System.Net.Sockets;

namespace Mailsub.Postfix;

/// <summary>
/// How mail accepted by a pod outlives the pod (docs/queue-handoff.md). The queue lives in an
/// emptyDir, so a pod that stops with mail it could not deliver (the relay host is down) would take
/// that mail with it. Instead the draining pod sends what is left to a peer: every replica listens
/// on <see cref="Port"/> behind the peers Service, where only a client presenting the
/// submission's own certificate (which every replica mounts, and nobody else holds) may relay.
/// The peer queues the mail like any other and delivers it when the relay is back.
/// </summary>
public static class QueueHandoff
{
    /// <summary>The handoff listener in master.cf and on the peers Service. Not a client port.</summary>
    public const int Port = 19587;

    /// <summary>
    /// A file of the config directory (a ConfigMap key) with where the peers Service answers,
    /// <c>[address]:port</c>, written by the operator once the API server has given the Service
    /// its cluster IP.
    /// </summary>
    public const string PeerFileName = "handoff-peer";

    /// <summary>The peer file's content for the peers Service at <paramref name="clusterIp"/>.</summary>
    public static string PeerFor(IPAddress clusterIp) => $"[{clusterIp}]:{Port}";

    /// <summary>
    /// The relayhost a peer file names, or null when it does not hold one address and port: the
    /// value goes into main.cf, so anything else is refused rather than passed on.
    /// </summary>
    public static string? ParsePeer(string? text)
    {
        var value = text?.Trim() ?? "";
        var close = value.IndexOf("]:", StringComparison.Ordinal);
        if (!value.StartsWith('[') || close < 0)
            return null;
        if (!IPAddress.TryParse(value[1..close], out var address) || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return null;
        if (!int.TryParse(value[(close + 2)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return null;
        return $"[{address}]:{port}";
    }

    /// <summary>
    /// The master.cf service a draining pod delivers through. A name of its own, so that the reload
    /// that installs <see cref="ClientMasterCf"/> removes the smtp(8) services the queue used
    /// until then.
    /// </summary>
    public const string Transport = "handoff-out";

    /// <summary>
    /// main.cf of a draining pod: every queued message, whatever route it had, goes to
    /// <paramref name="peer"/> through <see cref="Transport"/> over TLS with the pod's certificate
    /// as client certificate. The relay host's credentials are never offered to a peer.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ClientParameters(string peer, string keyFile, string certificateFile) =>
    [
        new("relayhost", peer),
        new("default_transport", Transport),
        new("relay_transport", Transport),
        new("transport_maps", ""),
        new("sender_dependent_relayhost_maps", ""),
        new("sender_dependent_default_transport_maps", ""),
        new("smtp_tls_security_level", "encrypt"),
        new("smtp_tls_chain_files", $"{keyFile}, {certificateFile}"),
        new("smtp_sasl_auth_enable", "no"),
    ];

    /// <summary>
    /// master.cf of a draining pod: no listeners, and every smtp(8) service replaced by
    /// <see cref="Transport"/>. Master stops a service that left master.cf and sends SIGTERM to
    /// its processes, so a delivery that hangs on a relay host that does not answer (up to
    /// smtp_connect_timeout, 30 s, then smtp_helo_timeout, 300 s) releases its message to the
    /// handoff at once instead of holding it past the grace period. A delivery cut off after the
    /// relay host took the message but before it said so is sent again: a duplicate, not a loss.
    /// </summary>
    public static string ClientMasterCf(string masterCf) =>
        MasterCf.WithoutServices(masterCf, service => service.IsInet || service.IsSmtpClient) +
        $"{Transport} unix  -       -       n       -       -       smtp\n  -o syslog_name=postfix/{Transport}\n";

    /// <summary>
    /// relay_clientcerts for the handoff listener: the certificate's and its public key's SHA-256
    /// fingerprints (smtpd_tls_fingerprint_digest), so a reissued certificate with the same key
    /// still matches on a peer that has not seen it yet.
    /// </summary>
    public static string ClientCertificates(IEnumerable<string> fingerprints) =>
        $"inline:{{ {string.Join(", ", fingerprints.Select(f => $"{f}=peer"))} }}";
}
