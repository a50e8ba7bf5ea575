using Mailsub.Core.Api;

namespace Mailsub.Core.Policy;

/// <summary>A policy-health condition, ready for status.conditions.</summary>
public sealed record PolicyCondition(string Type, string Status, string Reason, string Message);

/// <summary>The findings of a chain, the four policy conditions they decide, and status.policy.</summary>
public sealed class PolicyReport
{
    private PolicyReport(IReadOnlyList<Finding> findings, IReadOnlyList<PolicyCondition> conditions, string summary)
    {
        Findings = findings;
        Conditions = conditions;
        Summary = summary;
    }

    /// <summary>All findings, in chain order.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>RelayProtected, AuthProtected, TLSReady and ConfigValid, always all four.</summary>
    public IReadOnlyList<PolicyCondition> Conditions { get; }

    /// <summary>PolicySummary.Healthy, Warning (any warning) or Unhealthy (any error).</summary>
    public string Summary { get; }

    public PolicyCondition Condition(string type) => Conditions.First(c => c.Type == type);

    private static readonly (string Type, string Reason, string Message)[] Passing =
    [
        (ConditionTypes.RelayProtected, ConditionReasons.RelayRestricted, "Every listener relays only for authenticated clients and trusted networks."),
        (ConditionTypes.AuthProtected, ConditionReasons.NoCleartextPasswords, "No listener takes passwords over an unencrypted connection, and AUTH offers only current mechanisms."),
        (ConditionTypes.TlsReady, ConditionReasons.TlsConfigured, "Every listener that offers TLS has a certificate and TLSv1.2 or later; submission listeners require TLS."),
        (ConditionTypes.ConfigValid, ConditionReasons.ConfigValid, "main.cf and master.cf parse, and every parameter is current and known to Postfix 3.7."),
    ];

    internal static PolicyReport From(IReadOnlyList<Finding> findings)
    {
        var conditions = Passing.Select(passing =>
        {
            // Like cert-manager's readiness chain, the first failing policy decides; errors outrank warnings.
            var ofType = findings.Where(f => f.ConditionType == passing.Type && f.Severity != Severity.Info).ToList();
            var first = ofType.FirstOrDefault(f => f.Severity == Severity.Error) ?? ofType.FirstOrDefault();
            if (first is null)
                return new PolicyCondition(passing.Type, ConditionStatus.True, passing.Reason, passing.Message);
            var more = ofType.Count > 1 ? $" (and {ofType.Count - 1} more {passing.Type} finding{(ofType.Count > 2 ? "s" : "")})" : "";
            return new PolicyCondition(passing.Type, first.Severity == Severity.Error ? ConditionStatus.False : ConditionStatus.True, first.Code, first.Message + more);
        }).ToList();
        var summary = findings.Any(f => f.Severity == Severity.Error) ? PolicySummary.Unhealthy
            : findings.Any(f => f.Severity == Severity.Warning) ? PolicySummary.Warning
            : PolicySummary.Healthy;
        return new PolicyReport(findings, conditions, summary);
    }
}
