using System.Collections.Frozen;
using Mailsub.Core.Api;

namespace Mailsub.Core.Policy;

/// <summary>
/// Relay control, per listener. smtpd relays a message only if both smtpd_relay_restrictions and
/// smtpd_recipient_restrictions let it through, so the service is an open relay only when neither
/// list reaches a guard before a bare permit.
/// </summary>
public static class RelayRules
{
    // Postfix's own startup check (smtpd_check.c) accepts any of these as a "working instance".
    private static readonly FrozenSet<string> Guards = new[]
    {
        "reject_unauth_destination", "defer_unauth_destination", "reject", "defer", "defer_if_permit", "check_relay_domains",
    }.ToFrozenSet(StringComparer.Ordinal);

    private enum Outcome
    {
        /// <summary>A guard is reached before anything permits unconditionally.</summary>
        Guarded,
        /// <summary>A bare permit comes first.</summary>
        Permits,
        /// <summary>The list ends (an empty list permits) without a guard.</summary>
        NoGuard,
        /// <summary>The only guard follows warn_if_reject, which turns the reject into a log line.</summary>
        WarnOnly,
    }

    private sealed record Walk(string Parameter, Outcome Outcome, IReadOnlyList<string> LookupsBeforeGuard)
    {
        public string Describe() => Outcome switch
        {
            Outcome.Permits => $"{Parameter} permits every client (\"permit\") before any reject_unauth_destination",
            Outcome.WarnOnly => $"{Parameter} only logs unauthorised relaying: warn_if_reject turns its reject_unauth_destination into a warning",
            _ => $"{Parameter} has no reject_unauth_destination",
        };
    }

    private static Walk Evaluate(EffectiveParameters parameters, string name)
    {
        var restrictions = RestrictionList.Of(parameters, name);
        var lookups = new List<string>();
        var warnOnly = false;
        for (var i = 0; i < restrictions.Count; i++)
        {
            var restriction = restrictions[i];
            if (restriction == "warn_if_reject")
            {
                warnOnly |= i + 1 < restrictions.Count && Guards.Contains(restrictions[i + 1]);
                i++;
            }
            else if (Guards.Contains(restriction))
            {
                return new Walk(name, Outcome.Guarded, lookups);
            }
            // permit_auth_destination is not here: it permits only mail for local and relay_domains destinations.
            else if (restriction == "permit")
            {
                return new Walk(name, Outcome.Permits, lookups);
            }
            else if (restriction.StartsWith("check_", StringComparison.Ordinal))
            {
                lookups.Add(restriction);
            }
        }
        return new Walk(name, warnOnly ? Outcome.WarnOnly : Outcome.NoGuard, lookups);
    }

    private static (Walk Relay, Walk Recipient) Walks(SmtpdListener listener) =>
        (Evaluate(listener.Parameters, "smtpd_relay_restrictions"), Evaluate(listener.Parameters, "smtpd_recipient_restrictions"));

    private static string RelayPath(SmtpdListener listener) =>
        listener.Parameters.PathOf("smtpd_relay_restrictions", "smtpd_recipient_restrictions", "smtpd_restriction_classes");

    /// <summary>Postfix refuses to run smtpd when neither list names a guard at all (a configuration error, not an open relay).</summary>
    private static bool GuardMissing(SmtpdListener listener) =>
        !RestrictionList.Of(listener.Parameters, "smtpd_relay_restrictions").Any(Guards.Contains)
        && !RestrictionList.Of(listener.Parameters, "smtpd_recipient_restrictions").Any(Guards.Contains);

    public static IEnumerable<Finding> RelayGuardMissing(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(GuardMissing))
        {
            yield return Finding.Error(ConditionTypes.ConfigValid, FindingCodes.RelayGuardMissing, RelayPath(listener),
                "Neither smtpd_relay_restrictions nor smtpd_recipient_restrictions contains reject_unauth_destination " +
                "(or defer_unauth_destination, reject, defer), so smtpd exits with \"specify at least one working instance\" " +
                "and accepts no mail. End smtpd_relay_restrictions with reject_unauth_destination after the permit_* entries.");
        }
    }

    public static IEnumerable<Finding> OpenRelay(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(l => !GuardMissing(l)))
        {
            var (relay, recipient) = Walks(listener);
            if (relay.Outcome != Outcome.Guarded && recipient.Outcome != Outcome.Guarded)
            {
                yield return Finding.Error(ConditionTypes.RelayProtected, FindingCodes.OpenRelay, RelayPath(listener),
                    $"Any client can relay mail to any destination: {relay.Describe()}, and {recipient.Describe()}. " +
                    "End smtpd_relay_restrictions with reject_unauth_destination right after permit_sasl_authenticated and permit_mynetworks, with no bare permit or warn_if_reject before it.");
            }
        }
    }

    public static IEnumerable<Finding> RelayControlInRecipientRestrictions(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners)
        {
            var (relay, recipient) = Walks(listener);
            if (relay.Outcome != Outcome.Guarded && recipient.Outcome == Outcome.Guarded)
            {
                yield return Finding.Warning(ConditionTypes.RelayProtected, FindingCodes.RelayControlInRecipientRestrictions, RelayPath(listener),
                    $"Only smtpd_recipient_restrictions stops relaying ({relay.Describe()}), so a change to the recipient checks can open the relay. " +
                    "Put relay control in smtpd_relay_restrictions (Postfix 2.10+): permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination.");
            }
        }
    }

    /// <summary>check_*_access and policy services before the guard can answer OK, which relays; the analysis cannot see their tables.</summary>
    public static IEnumerable<Finding> RelayDependsOnLookup(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners)
        {
            var (relay, recipient) = Walks(listener);
            var walks = new[] { relay, recipient };
            var guarded = walks.Where(w => w.Outcome == Outcome.Guarded).ToList();
            if (guarded.Count == 0 || guarded.Any(w => w.LookupsBeforeGuard.Count == 0))
                continue;
            var lookups = string.Join(", ", guarded.SelectMany(w => w.LookupsBeforeGuard).Distinct());
            yield return Finding.Info(ConditionTypes.RelayProtected, FindingCodes.RelayDependsOnLookup, RelayPath(listener),
                $"{lookups} run before reject_unauth_destination: an OK from them relays mail, and the analysis cannot see what they answer. " +
                "Make sure they return OK only for clients that may relay, or move them after the guard.");
        }
    }

    /// <summary>Whether mynetworks relays here: permit_mynetworks in either list that decides relaying.</summary>
    internal static bool RelaysForMynetworks(EffectiveParameters parameters) =>
        RestrictionList.Of(parameters, "smtpd_relay_restrictions").Concat(RestrictionList.Of(parameters, "smtpd_recipient_restrictions")).Contains("permit_mynetworks");

    /// <summary>
    /// mynetworks relays without authentication wherever permit_mynetworks is used. Thresholds are
    /// in NetworkBreadth: Open (wider than IPv4 /8, or IPv6 /16 outside fc00::/7) is an error,
    /// Wide (IPv4 shorter than /16 or all of 192.168/16, IPv6 shorter than /48) a warning.
    /// </summary>
    public static IEnumerable<Finding> TrustedNetworksTooWide(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners)
        {
            var parameters = listener.Parameters;
            if (!RelaysForMynetworks(parameters))
                continue;
            var path = parameters.PathOf("mynetworks", "mynetworks_style");
            if (!parameters.IsSet("mynetworks"))
            {
                var style = parameters.Get("mynetworks_style").ToLowerInvariant();
                if (style is "subnet" or "class")
                {
                    yield return Finding.Warning(ConditionTypes.RelayProtected, FindingCodes.TrustedNetworksTooWide, path,
                        $"mynetworks is unset, so Postfix trusts every host on the pod's {(style == "subnet" ? "subnets" : "class A/B/C networks")} " +
                        $"(mynetworks_style = {style}); in a cluster those are other pods and nodes, and they relay without authentication. " +
                        "Set mynetworks (spec.trustedNetworks) to the clients that need it.");
                }
                continue;
            }
            var open = new List<string>();
            var wide = new List<string>();
            foreach (var entry in parameters.List("mynetworks"))
            {
                if (TrustedNetworks.Parse(entry) is not { } network)
                    continue;
                switch (TrustedNetworks.Breadth(network.Address, network.Prefix))
                {
                    case NetworkBreadth.Open:
                        open.Add(entry);
                        break;
                    case NetworkBreadth.Wide:
                        wide.Add(entry);
                        break;
                }
            }
            if (open.Count > 0)
            {
                yield return Finding.Error(ConditionTypes.RelayProtected, FindingCodes.TrustedNetworksOpen, path,
                    $"spec.trustedNetworks (mynetworks) trusts {string.Join(", ", open)}: practically every host on the Internet relays through it without authentication. " +
                    "Remove it and let clients authenticate.");
            }
            if (wide.Count > 0)
            {
                yield return Finding.Warning(ConditionTypes.RelayProtected, FindingCodes.TrustedNetworksTooWide, path,
                    $"spec.trustedNetworks (mynetworks) trusts {string.Join(", ", wide)}: every host there (in a cluster typically every pod and node) relays without authentication. " +
                    "Narrow it to the hosts that need it, e.g. single /32 or /128 addresses, and let the rest authenticate.");
            }
        }
    }
}
