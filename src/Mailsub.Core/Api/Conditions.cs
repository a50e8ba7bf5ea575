namespace Mailsub.Core.Api;

/// <summary>Condition types of a MailSubmission, kept beside the kind as cert-manager does.</summary>
public static class ConditionTypes
{
    // kstatus: Ready is always present; Reconciling and Stalled are abnormal-true, written False
    // in the normal state so that `kubectl wait --for=condition=Stalled=False` returns.
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";

    // Policy health.
    public const string ConfigValid = "ConfigValid";
    public const string RelayProtected = "RelayProtected";
    public const string AuthProtected = "AuthProtected";
    public const string TlsReady = "TLSReady";
    public const string UsersReady = "UsersReady";
    public const string Available = "Available";

    /// <summary>The running service as the operator's own SMTP client finds it (src/Mailsub.Operator/LiveProber.cs).</summary>
    public const string LiveProbe = "LiveProbe";

    /// <summary>The four the policy report decides from the rendered configuration, in its order.</summary>
    public static readonly IReadOnlyList<string> Policy = [RelayProtected, AuthProtected, TlsReady, ConfigValid];

    /// <summary>Every type, in the order status.conditions lists them: kstatus first, then the health conditions Ready sums up.</summary>
    public static readonly IReadOnlyList<string> All =
        [Ready, Reconciling, Stalled, ConfigValid, RelayProtected, AuthProtected, TlsReady, UsersReady, Available, LiveProbe];
}

/// <summary>Values of a condition's status, as metav1.ConditionStatus spells them.</summary>
public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}

/// <summary>
/// Reasons of a MailSubmission's conditions other than a policy finding's (a failing or warning
/// policy condition's reason is one of <see cref="Policy.FindingCodes"/>). Stalled and Reconciling
/// take the reason of the condition that put them there, and Ready the reason of either.
/// </summary>
public static class ConditionReasons
{
    // Ready
    public const string Ready = "Ready";

    // ConfigValid (and Stalled); RelayProtected, AuthProtected and TLSReady Unknown: nothing rendered to judge
    public const string ConfigValid = "ConfigValid";
    public const string InvalidSpec = "InvalidSpec";

    // Reconciling and Stalled False: converged; Reconciling False while Stalled; Stalled False while Reconciling
    public const string Reconciled = "Reconciled";
    public const string WaitingForChange = "WaitingForChange";
    public const string Progressing = "Progressing";

    // RelayProtected, AuthProtected, TLSReady when no finding fails them
    public const string RelayRestricted = "RelayRestricted";
    public const string NoCleartextPasswords = "NoCleartextPasswords";
    public const string TlsConfigured = "TlsConfigured";

    // Stalled: a policy error, so nothing was applied
    public const string PolicyUnhealthy = "PolicyUnhealthy";

    // UsersReady
    public const string UsersResolved = "UsersResolved";
    public const string PasswordSecretMissing = "PasswordSecretMissing";
    public const string DkimKeyUnavailable = "DkimKeyUnavailable";

    // Reconciling: this reconcile wrote children
    public const string ChildrenApplied = "ChildrenApplied";

    // TLSReady
    public const string CertManagerMissing = "CertManagerMissing";
    public const string CertificateNotReady = "CertificateNotReady";
    public const string TlsSecretMissing = "TlsSecretMissing";

    // Available
    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string DeploymentNotFound = "DeploymentNotFound";
    public const string DeploymentUnavailable = "DeploymentUnavailable";

    // LiveProbe True, and Unknown: off, not run since the configuration was applied, no TCP connection
    public const string ProbePassed = "ProbePassed";
    public const string ProbeDisabled = "ProbeDisabled";
    public const string ProbePending = "ProbePending";
    public const string ProbeUnreachable = "ProbeUnreachable";

    // LiveProbe False (and Ready): the check that failed, in the order the probe's dialogue runs them
    public const string ProbeBanner = "ProbeBanner";
    public const string ProbeStartTlsNotOffered = "ProbeStartTlsNotOffered";
    public const string ProbeAuthBeforeTls = "ProbeAuthBeforeTls";
    public const string ProbeMailBeforeTls = "ProbeMailBeforeTls";
    public const string ProbeStartTlsFailed = "ProbeStartTlsFailed";
    public const string ProbeNoImplicitTls = "ProbeNoImplicitTls";
    public const string ProbeTlsProtocol = "ProbeTlsProtocol";
    public const string ProbeTlsCipher = "ProbeTlsCipher";
    public const string ProbeCertificateMismatch = "ProbeCertificateMismatch";
    public const string ProbeOpenRelay = "ProbeOpenRelay";
    public const string ProbeOpenRelayPercentHack = "ProbeOpenRelayPercentHack";
    public const string ProbeOpenRelayQuotedLocalPart = "ProbeOpenRelayQuotedLocalPart";
    public const string ProbeOpenRelaySourceRoute = "ProbeOpenRelaySourceRoute";
    public const string ProbeIncomplete = "ProbeIncomplete";
}

/// <summary>Types of core/v1 Events.</summary>
public static class EventTypes
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}

/// <summary>Reasons of the core/v1 Events recorded on a MailSubmission.</summary>
public static class EventReasons
{
    public const string Ready = "Ready";
    public const string InvalidSpec = "InvalidSpec";
    public const string UsersMissing = "UsersMissing";
    public const string PolicyUnhealthy = "PolicyUnhealthy";
    public const string LiveProbeFailed = "LiveProbeFailed";
    public const string LiveProbePassed = "LiveProbePassed";
}

/// <summary>Values of status.policy.</summary>
public static class PolicySummary
{
    public const string Healthy = "Healthy";
    public const string Warning = "Warning";
    public const string Unhealthy = "Unhealthy";

    /// <summary>The spec fails validation, so no configuration was rendered to judge.</summary>
    public const string Unknown = "Unknown";
}
