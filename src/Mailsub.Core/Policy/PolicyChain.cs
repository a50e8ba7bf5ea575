namespace Mailsub.Core.Policy;

/// <summary>A policy: a pure, named check of the input that yields what it finds (nothing when healthy).</summary>
public delegate IEnumerable<Finding> PolicyRule(PolicyInput input);

/// <summary>
/// Rules evaluated in order, as cert-manager's policies.Chain, except that every rule runs: the
/// report lists all findings, and each condition is decided by the first finding of its type.
/// </summary>
public sealed class PolicyChain(IReadOnlyList<PolicyRule> rules)
{
    /// <summary>Every rule, grouped by the condition it mostly feeds; the order is the report's order.</summary>
    public static PolicyChain Standard { get; } = new PolicyChain(
    [
        RelayRules.OpenRelay,
        RelayRules.RelayControlInRecipientRestrictions,
        RelayRules.RelayDependsOnLookup,
        RelayRules.TrustedNetworksTooWide,
        ExposureRules.TrustedNetworksCoverNodes,
        ExposureRules.ClientAddressHidden,
        AuthRules.AuthOverCleartext,
        AuthRules.AnonymousAuth,
        AuthRules.NoAuthMechanism,
        AuthRules.LegacyAuthMechanism,
        AuthRules.RelayHostCredentialsUnprotected,
        AuthRules.AuthAttemptsUnlimited,
        TlsRules.NoCertificateSource,
        TlsRules.CertificateNotConfigured,
        TlsRules.SubmissionTlsNotRequired,
        TlsRules.ImplicitTlsMissing,
        TlsRules.WeakTlsProtocols,
        TlsRules.WeakTlsCiphers,
        TlsRules.WeakTlsKey,
        TlsRules.CertificateKeyMismatch,
        ParameterRules.UnparsableConfig,
        RelayRules.RelayGuardMissing,
        AuthRules.AuthNeverOffered,
        ParameterRules.DeprecatedParameter,
        ParameterRules.UnknownParameter,
        ParameterRules.DuplicateParameter,
        ParameterRules.RenamedRestriction,
    ]);

    public IReadOnlyList<PolicyRule> Rules { get; } = rules;

    public PolicyReport Evaluate(PolicyInput input)
    {
        // Listeners that inherit the same main.cf value produce the same finding; report it once.
        var seen = new HashSet<Finding>();
        var findings = new List<Finding>();
        foreach (var rule in Rules)
        {
            foreach (var finding in rule(input))
            {
                if (seen.Add(finding))
                    findings.Add(finding);
            }
        }
        return PolicyReport.From(findings);
    }
}
