using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Probe;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Status;

/// <summary>
/// Everything the status of one MailSubmission is decided from, gathered by a reconcile as far as
/// it got: each step runs only when the one before lets the children be applied, so a field is
/// null when an earlier step stopped (an invalid spec is not rendered, an Unhealthy policy
/// resolves no users, missing users apply nothing).
/// </summary>
public sealed record StatusInput
{
    /// <summary>The resource as read: its generation and the status it carries.</summary>
    public required MailSubmission Submission { get; init; }

    /// <summary>The lastTransitionTime of a condition whose status changes (whole seconds: what the API server keeps).</summary>
    public required DateTime Now { get; init; }

    public required ValidationResult Validation { get; init; }

    /// <summary>The policy of the rendered configuration; null when the spec is invalid.</summary>
    public PolicyReport? Policy { get; init; }

    /// <summary>The rendered configuration's hash; null when the spec is invalid.</summary>
    public string? ConfigHash { get; init; }

    /// <summary>The users' passwords, or which Secret is missing; null when the policy is Unhealthy.</summary>
    public UsersResolution? Users { get; init; }

    /// <summary>The DKIM keys and their records, or which Secret is missing; null when the users did not resolve.</summary>
    public DkimResolution? Dkim { get; init; }

    /// <summary>The children as the caches show them after this reconcile applied them; null when nothing was applied.</summary>
    public ChildrenObservation? Children { get; init; }

    /// <summary>Whether the operator probes the running service (mailsub run --live-probe); off: LiveProbe Unknown, ProbeDisabled.</summary>
    public bool ProbeEnabled { get; init; }

    /// <summary>The last live probe of this submission; null when none ran yet. Counts only for the configuration it probed.</summary>
    public LiveProbeResult? LiveProbe { get; init; }
}

/// <summary>The users' passwords, or which referenced Secret or key is missing (names only, never values).</summary>
public sealed record UsersResolution(IReadOnlyDictionary<string, string>? Passwords, string Reason, string Message)
{
    public bool Ready => Passwords is not null;
}

/// <summary>Every DKIM private key by record name and the TXT records to publish, or why a key is
/// missing or unusable (names only, never key material).</summary>
public sealed record DkimResolution(IReadOnlyDictionary<string, string>? Keys, IReadOnlyList<DkimRecordStatus> Records, string Message)
{
    public bool Ready => Keys is not null;
}

/// <param name="Writes">Children this reconcile created, changed or deleted (other workers' writes excluded).</param>
/// <param name="CertManagerInstalled">Whether cert-manager.io/v1 Certificates are served.</param>
/// <param name="CertificateReady">The Ready condition of the submission's Certificate; null when there is none.</param>
/// <param name="TlsSecretFound">Whether the TLS Secret Postfix mounts exists.</param>
/// <param name="Deployment">The Postfix Deployment; null when it is not there.</param>
public sealed record ChildrenObservation(int Writes, bool CertManagerInstalled, ObservedCondition? CertificateReady, bool TlsSecretFound,
    DeploymentObservation? Deployment);

/// <summary>A condition of another object (a Certificate's Ready, a Deployment's Available), as read.</summary>
public sealed class ObservedCondition(string? status, string? message)
{
    public string? Status { get; } = status;
    public string? Message { get; } = message;
    public bool IsTrue => Status == ConditionStatus.True;
}

/// <param name="replicas">spec.replicas (1 when unset).</param>
/// <param name="availableReplicas">status.availableReplicas (0 when unset).</param>
/// <param name="available">The Deployment's Available condition; null when it has none.</param>
public sealed class DeploymentObservation(long replicas, long availableReplicas, ObservedCondition? available)
{
    public long Replicas { get; } = replicas;
    public long AvailableReplicas { get; } = availableReplicas;
    public ObservedCondition? Available { get; } = available;
}
