using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Status;

/// <summary>
/// The status of a MailSubmission from what a reconcile gathered: the policy-health conditions,
/// then kstatus (Ready, Reconciling and Stalled always present, Reconciling and Stalled False in
/// the normal state and never both True). Pure:
/// the same input gives the same status, so every state is tested without an API server
/// (tests/Mailsub.Core.Tests/Status/SubmissionHealthTests.cs).
/// </summary>
public static class SubmissionHealth
{
    public static MailSubmissionStatus Evaluate(StatusInput input)
    {
        var generation = input.Submission.Metadata.Generation;
        var old = input.Submission.Status;
        var status = new MailSubmissionStatus
        {
            ObservedGeneration = generation,
            // A copy: the cached resource is shared and read-only.
            Conditions = (old?.Conditions ?? []).Select(Copy).ToList(),
            Policy = old?.Policy,
            ConfigHash = old?.ConfigHash,
            UsersSecretName = old?.UsersSecretName,
            TlsSecretName = old?.TlsSecretName,
            AvailableReplicas = old?.AvailableReplicas,
            DkimRecords = old?.DkimRecords,
        };
        var conditions = new Conditions(status.Conditions, generation, input.Now);
        var abnormal = new List<Abnormal>();
        CheckHealth(input, status, conditions, abnormal);
        CheckLiveProbe(input, status, conditions, abnormal);
        // As cert-manager's readiness chain: the first that fails decides, needing a human
        // (Stalled) outranks waiting (Reconciling), and both outrank a live probe that fails.
        SetKstatus(status, conditions,
            abnormal.FirstOrDefault(a => a.Type == ConditionTypes.Stalled) ?? abnormal.FirstOrDefault(a => a.Type == ConditionTypes.Reconciling)
            ?? abnormal.FirstOrDefault());
        status.Conditions.Sort((a, b) => Rank(a.Type).CompareTo(Rank(b.Type)));
        return status;
    }

    /// <summary>Stalled or Reconciling, with the reason and message it gives itself and Ready.</summary>
    private sealed class Abnormal(string type, string reason, string message)
    {
        public string Type { get; } = type;
        public string Reason { get; } = reason;
        public string Message { get; } = message;

        public static Abnormal Stalled(string reason, string message) => new(ConditionTypes.Stalled, reason, message);

        public static Abnormal Reconciling(string reason, string message) => new(ConditionTypes.Reconciling, reason, message);

        /// <summary>
        /// Not Ready, yet neither Stalled nor Reconciling: the service runs what was applied and it
        /// misbehaves (kstatus reads Ready False alone as "current but not ready"). A spec change
        /// may or may not fix it, so nothing claims a human is needed before one looks.
        /// </summary>
        public static Abnormal NotReady(string reason, string message) => new(ConditionTypes.Ready, reason, message);
    }

    private static void CheckHealth(StatusInput input, MailSubmissionStatus status, Conditions conditions, List<Abnormal> abnormal)
    {
        if (input.Validation.Valid is not { } valid)
        {
            // Nothing is applied: the running service keeps its last valid configuration.
            var errors = string.Join("; ", input.Validation.Errors);
            conditions.Set(ConditionTypes.ConfigValid, false, ConditionReasons.InvalidSpec, $"Fix these fields of the spec: {errors}");
            // Only a rendered configuration decides them: what the last one said no longer holds,
            // and reading Healthy here would hide that nothing new can be judged.
            foreach (var type in ConditionTypes.Policy.Where(t => t != ConditionTypes.ConfigValid))
            {
                conditions.Set(type, ConditionStatus.Unknown, ConditionReasons.InvalidSpec,
                    "Not evaluated: the spec fails validation, so no configuration was rendered (see ConfigValid). The running service keeps its last valid configuration.");
            }
            status.Policy = PolicySummary.Unknown;
            abnormal.Add(Abnormal.Stalled(ConditionReasons.InvalidSpec, $"The spec passes the schema but not validation; nothing was applied. {errors}"));
            return;
        }

        var report = input.Policy ?? throw new ArgumentException("A valid spec is rendered and its policy evaluated.", nameof(input));
        foreach (var c in report.Conditions)
        {
            conditions.Set(c.Type, c.Status, c.Reason, c.Message);
        }
        status.Policy = report.Summary;
        if (report.Summary == PolicySummary.Unhealthy)
        {
            // An open relay, a password over cleartext, a listener that cannot work: not deployed.
            // The running service keeps its last healthy configuration.
            var failing = string.Join("; ", report.Conditions.Where(c => c.Status != ConditionStatus.True).Select(c => $"{c.Type} {c.Reason}: {c.Message}"));
            abnormal.Add(Abnormal.Stalled(ConditionReasons.PolicyUnhealthy,
                $"The spec renders a Postfix configuration with policy errors, so nothing was applied. Fix: {failing}"));
            return;
        }
        status.ConfigHash = input.ConfigHash;

        var users = input.Users ?? throw new ArgumentException("A spec whose policy is not Unhealthy has its users resolved.", nameof(input));
        conditions.Set(ConditionTypes.UsersReady, users.Ready, users.Reason, users.Message);
        if (!users.Ready)
        {
            // A users Secret without every user would lock them out: nothing is applied until they resolve.
            abnormal.Add(Abnormal.Stalled(users.Reason, users.Message));
            return;
        }
        status.UsersSecretName = ChildNames.Users(valid);
        status.TlsSecretName = ChildNames.TlsSecret(valid);

        // Null without spec.dkim.
        if (input.Dkim is { Ready: false } dkim)
        {
            // Signing with a key missing from the mounted Secret would tempfail every submission:
            // nothing is applied until the key resolves.
            abnormal.Add(Abnormal.Stalled(ConditionReasons.DkimKeyUnavailable, dkim.Message));
            return;
        }
        // A removed key's record goes with it; a new key's record is here before it signs.
        status.DkimRecords = input.Dkim?.Records is { Count: > 0 } records ? [.. records] : null;

        var children = input.Children ?? throw new ArgumentException("Resolved users mean the children were applied.", nameof(input));
        if (children.Writes > 0)
        {
            abnormal.Add(Abnormal.Reconciling(ConditionReasons.ChildrenApplied, $"Changed {children.Writes} Postfix object(s); waiting for them to settle."));
        }
        // No policy condition is False here (that is an error, so Unhealthy): TLSReady is the
        // policy's True until the certificate's source says otherwise.
        CheckTls(valid, children, conditions, abnormal);
        CheckAvailable(valid, children.Deployment, status, conditions, abnormal);
    }

    /// <summary>
    /// LiveProbe from the last probe of the running service. Only a probe that reached a listener
    /// and saw it misbehave is False (and then Ready is False); disabled, not yet run since this
    /// configuration was applied, or unreachable is Unknown and leaves Ready alone, so an operator
    /// that cannot reach the Service (outside the cluster network) never holds a resource non-Ready.
    /// </summary>
    private static void CheckLiveProbe(StatusInput input, MailSubmissionStatus status, Conditions conditions, List<Abnormal> abnormal)
    {
        if (!input.ProbeEnabled)
        {
            conditions.Set(ConditionTypes.LiveProbe, ConditionStatus.Unknown, ConditionReasons.ProbeDisabled,
                "The operator runs with --live-probe=false: nothing checks the running service (the policy conditions judge the rendered configuration).");
            return;
        }
        if (input.LiveProbe is not { } result || status.ConfigHash is null || result.ConfigHash != status.ConfigHash)
        {
            conditions.Set(ConditionTypes.LiveProbe, ConditionStatus.Unknown, ConditionReasons.ProbePending,
                "Not probed since this configuration was applied: the probe runs once the Deployment is available, then periodically.");
            return;
        }
        conditions.Set(ConditionTypes.LiveProbe, result.Status, result.Reason, result.Message);
        if (result.Failed)
        {
            abnormal.Add(Abnormal.NotReady(result.Reason, $"The live probe failed: {result.Message}"));
        }
    }

    private static void CheckTls(ValidSubmission valid, ChildrenObservation children, Conditions conditions, List<Abnormal> abnormal)
    {
        switch (valid.TlsSource)
        {
            case TlsSource.Issuer when !children.CertManagerInstalled:
                conditions.Set(ConditionTypes.TlsReady, false, ConditionReasons.CertManagerMissing,
                    "spec.tls.issuerRef needs cert-manager, but cert-manager.io/v1 Certificates are not served: install cert-manager (the operator notices it without a restart), or set spec.tls.secretName instead.");
                abnormal.Add(Abnormal.Stalled(ConditionReasons.CertManagerMissing, "cert-manager is not installed (cert-manager.io/v1 Certificates are not served)."));
                break;
            case TlsSource.Issuer:
            {
                var name = ChildNames.Certificate(valid);
                if (children.CertificateReady is not { IsTrue: true })
                {
                    var why = children.CertificateReady?.Message is { } m ? $": {m}" : " yet";
                    conditions.Set(ConditionTypes.TlsReady, false, ConditionReasons.CertificateNotReady,
                        $"Certificate {name} is not Ready{why}. Check issuer {valid.Spec.Tls.IssuerRef!.Kind} {valid.Spec.Tls.IssuerRef.Name}.");
                    abnormal.Add(Abnormal.Reconciling(ConditionReasons.CertificateNotReady, $"Waiting for Certificate {name} to be issued."));
                }
                else if (!children.TlsSecretFound)
                {
                    conditions.Set(ConditionTypes.TlsReady, false, ConditionReasons.TlsSecretMissing, $"Certificate {name} is Ready but its Secret {name} is not there yet.");
                    abnormal.Add(Abnormal.Reconciling(ConditionReasons.TlsSecretMissing, $"Waiting for Secret {name}."));
                }
                break;
            }
            case TlsSource.Secret when !children.TlsSecretFound:
            {
                var name = valid.Spec.Tls.SecretName!;
                conditions.Set(ConditionTypes.TlsReady, false, ConditionReasons.TlsSecretMissing,
                    $"Secret {name} (spec.tls.secretName) not found: create a kubernetes.io/tls Secret with tls.crt and tls.key in namespace {valid.Namespace}.");
                // Nobody but a human creates it.
                abnormal.Add(Abnormal.Stalled(ConditionReasons.TlsSecretMissing, $"Secret {name} (spec.tls.secretName) not found."));
                break;
            }
        }
    }

    private static void CheckAvailable(ValidSubmission valid, DeploymentObservation? deployment, MailSubmissionStatus status, Conditions conditions,
        List<Abnormal> abnormal)
    {
        var name = ChildNames.Postfix(valid);
        status.AvailableReplicas = deployment?.AvailableReplicas;
        if (deployment is null)
        {
            conditions.Set(ConditionTypes.Available, false, ConditionReasons.DeploymentNotFound, $"Deployment {name} is not there yet.");
            abnormal.Add(Abnormal.Reconciling(ConditionReasons.DeploymentNotFound, $"Waiting for Deployment {name}."));
            return;
        }
        if (deployment.Available is { IsTrue: true } && deployment.AvailableReplicas > 0)
        {
            conditions.Set(ConditionTypes.Available, true, ConditionReasons.MinimumReplicasAvailable,
                $"{deployment.AvailableReplicas} of {deployment.Replicas} Postfix replicas available.");
            return;
        }
        conditions.Set(ConditionTypes.Available, false, ConditionReasons.DeploymentUnavailable,
            $"{deployment.AvailableReplicas} of {deployment.Replicas} Postfix replicas available in Deployment {name}; see its pods' events if this persists.");
        abnormal.Add(Abnormal.Reconciling(ConditionReasons.DeploymentUnavailable, $"Waiting for Deployment {name} to become available."));
    }

    /// <summary>
    /// Ready is True exactly when nothing is abnormal: every step that leaves a health condition
    /// other than True also stalls or waits, so Ready takes the reason and message of that.
    /// Reconciling and Stalled are always written, False when they do not apply (kstatus allows
    /// absent or False; False lets `kubectl wait --for=condition=Stalled=False` return).
    /// </summary>
    private static void SetKstatus(MailSubmissionStatus status, Conditions conditions, Abnormal? abnormal)
    {
        if (abnormal is null)
        {
            conditions.Set(ConditionTypes.Reconciling, ConditionStatus.False, ConditionReasons.Reconciled, "Nothing left to apply or wait for.");
            conditions.Set(ConditionTypes.Stalled, ConditionStatus.False, ConditionReasons.Reconciled, "Nothing left to apply or wait for.");
            conditions.Set(ConditionTypes.Ready, true, ConditionReasons.Ready,
                $"Serving with policy {status.Policy}; every policy condition is True and the Deployment is available.");
            return;
        }
        if (abnormal.Type == ConditionTypes.Ready)
        {
            conditions.Set(ConditionTypes.Reconciling, ConditionStatus.False, ConditionReasons.Reconciled, "Nothing left to apply or wait for: see Ready.");
            conditions.Set(ConditionTypes.Stalled, ConditionStatus.False, ConditionReasons.Reconciled, "Nothing left to apply or wait for: see Ready.");
            conditions.Set(ConditionTypes.Ready, false, abnormal.Reason, abnormal.Message);
            return;
        }
        // Never both True: the other one is False, pointing at this one.
        if (abnormal.Type == ConditionTypes.Stalled)
        {
            conditions.Set(ConditionTypes.Reconciling, ConditionStatus.False, ConditionReasons.WaitingForChange,
                "Nothing progresses until the spec or a referenced object changes: see Stalled.");
        }
        else
        {
            conditions.Set(ConditionTypes.Stalled, ConditionStatus.False, ConditionReasons.Progressing,
                "The operator is making progress without help: see Reconciling.");
        }
        conditions.Set(abnormal.Type, ConditionStatus.True, abnormal.Reason, abnormal.Message);
        conditions.Set(ConditionTypes.Ready, false, abnormal.Reason, abnormal.Message);
    }

    /// <summary>The place of a type in <see cref="ConditionTypes.All"/>; unknown types go last.</summary>
    private static int Rank(string type)
    {
        var i = 0;
        while (i < ConditionTypes.All.Count && ConditionTypes.All[i] != type)
        {
            i++;
        }
        return i;
    }

    private static V1Condition Copy(V1Condition c) => new()
    {
        Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message,
        ObservedGeneration = c.ObservedGeneration, LastTransitionTime = c.LastTransitionTime,
    };

    /// <summary>The status's conditions, each set for this generation at this time (meta.SetStatusCondition).</summary>
    private readonly struct Conditions(List<V1Condition> list, long? generation, DateTime now)
    {
        public void Set(string type, string status, string reason, string message) =>
            StatusConditions.Set(list, new V1Condition
            {
                Type = type, Status = status, Reason = reason, Message = message, ObservedGeneration = generation, LastTransitionTime = now,
            }, now);

        public void Set(string type, bool ok, string reason, string message) =>
            Set(type, ok ? ConditionStatus.True : ConditionStatus.False, reason, message);
    }
}
