namespace Mailsub.Core.Api;

/// <summary>Condition types of a MailSubmission, kept beside the kind as cert-manager does.</summary>
public static class ConditionTypes
{
    // kstatus: Ready is always present; Reconciling and Stalled are abnormal-true.
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
}

/// <summary>Values of status.policy.</summary>
public static class PolicySummary
{
    public const string Healthy = "Healthy";
    public const string Warning = "Warning";
    public const string Unhealthy = "Unhealthy";
}
