using Mailsub.Core.Api;

namespace Mailsub.Core.Probe;

/// <summary>
/// One probe of every listener of a submission, judged: the LiveProbe condition it gives (status,
/// reason, message) and the configuration it was taken under, so a result never outlives the
/// configuration it judged.
/// </summary>
public sealed class LiveProbeResult(string configHash, string status, string reason, string message)
{
    /// <summary>status.configHash when the probe ran.</summary>
    public string ConfigHash { get; } = configHash;

    public string Status { get; } = status;

    public string Reason { get; } = reason;

    public string Message { get; } = message;

    public bool Failed => Status == ConditionStatus.False;

    /// <summary>
    /// The first failing check of the first listener that fails one decides; a listener whose TCP
    /// connection failed judges nothing, so the result is Unknown (unreachable) rather than False:
    /// an operator that cannot reach the Service (outside the cluster network, a NetworkPolicy)
    /// must not hold a working service non-Ready.
    /// </summary>
    /// <param name="certificateSha256">The TLS Secret's tls.crt fingerprint, or null when it cannot be read.</param>
    public static LiveProbeResult Judge(string configHash, IReadOnlyList<(ListenerProbe Probe, ListenerObservation Seen)> listeners, string? certificateSha256)
    {
        foreach (var (probe, seen) in listeners)
        {
            if (seen.ConnectError is null && ProbeChecks.FirstFailure(probe, seen, certificateSha256) is { } failure)
            {
                return new(configHash, ConditionStatus.False, failure.Check, failure.Message);
            }
        }
        var unreachable = listeners.Where(l => l.Seen.ConnectError is not null).ToList();
        if (unreachable.Count > 0)
        {
            var (probe, seen) = unreachable[0];
            return new(configHash, ConditionStatus.Unknown, ConditionReasons.ProbeUnreachable,
                $"{ProbeChecks.Name(probe)}: cannot connect ({seen.ConnectError}); the operator may run outside the cluster network or a NetworkPolicy keeps it out (mailsub run --probe-target names another address). Ready does not wait for it.");
        }
        var names = string.Join(", ", listeners.Select(l => ProbeChecks.Name(l.Probe)));
        var trusted = listeners.FirstOrDefault(l => l.Seen.Source is { } s && l.Probe.Trusts(s));
        var note = trusted.Seen is { Source: { } source }
            ? $" Relaying not judged: the probe's address {source} is in spec.trustedNetworks."
            : " Unauthenticated relaying is refused, including user%domain@, quoted and source-routed addresses.";
        var tls = listeners.Select(l => l.Seen.Tls).FirstOrDefault(t => t is not null);
        return new(configHash, ConditionStatus.True, ConditionReasons.ProbePassed,
            $"Probed {names}: the banner names the hostname, TLS as configured{(tls is null ? "" : $" ({tls.ProtocolName}, {tls.Cipher})")}{(certificateSha256 is null || tls is null ? "" : ", the TLS Secret's certificate served")}." + note);
    }
}
