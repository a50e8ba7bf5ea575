using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Core.CertManager;
using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Controllers;
using Mailsub.Runtime.Informers;
using Mailsub.Runtime.Kinds;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator;

/// <summary>
/// One MailSubmission to its children and status: validate, render, check policy, resolve users,
/// apply what changed, prune what is no longer wanted, then say how it went in status. An invalid
/// spec applies nothing. All reads come from the informer caches (Secret values through
/// <see cref="SecretReader"/>).
/// </summary>
public sealed class SubmissionReconciler(OperatorState state, ILogger logger)
{
    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var objectKey = ObjectKey.Parse(key);
        var submission = state.Submissions.Get(objectKey.Namespace!, objectKey.Name);
        if (submission is null || submission.Metadata.DeletionTimestamp is not null)
        {
            // Deleted: the garbage collector deletes the children through their owner references.
            state.Applier.Forget(objectKey.Namespace!, objectKey.Name);
            state.VolumeRefresh.Forget(objectKey);
            return ReconcileResult.Done;
        }
        var started = DateTime.UtcNow;
        var now = new DateTime(started.Ticks - started.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var generation = submission.Metadata.Generation;
        var old = submission.Status;
        var status = new MailSubmissionStatus
        {
            ObservedGeneration = generation,
            Conditions = (old?.Conditions ?? []).Select(Copy).ToList(),
            Policy = old?.Policy,
            ConfigHash = old?.ConfigHash,
            UsersSecretName = old?.UsersSecretName,
            TlsSecretName = old?.TlsSecretName,
        };
        var outcome = await EvaluateAsync(submission, status, now, ct).ConfigureAwait(false);
        SetReady(status, generation, now, outcome);
        try
        {
            await WriteStatusAsync(submission, old, status, ct).ConfigureAwait(false);
        }
        catch (KubeConflictException)
        {
            // Expected now and then (the cache lags a write): not an error, another look will do.
            Interlocked.Increment(ref state.StatusConflicts);
            logger.LogInformation("status conflict: the resource changed since it was read, retrying with the newer version object={Object} read_version={ReadVersion}",
                key, submission.Metadata.ResourceVersion);
            return ReconcileResult.RequeueWithBackoff;
        }
        await RecordEventsAsync(submission, old, status, ct).ConfigureAwait(false);
        logger.LogInformation(
            "reconciled object={Object} generation={Generation} ready={Ready} reason={Reason} changes={Changes} policy={Policy} duration_ms={DurationMs}",
            key, generation, StatusConditions.Find(status.Conditions, ConditionTypes.Ready)?.Status,
            StatusConditions.Find(status.Conditions, ConditionTypes.Ready)?.Reason, outcome.Writes, status.Policy ?? "-",
            (int)(DateTime.UtcNow - started).TotalMilliseconds);
        return ReconcileResult.Done;
    }

    /// <summary>What the reconcile found beyond the conditions: stalled or progressing, writes made.</summary>
    private sealed class Outcome
    {
        public (string Reason, string Message)? Stalled;
        public (string Reason, string Message)? Progressing;
        public int Writes;
    }

    private async Task<Outcome> EvaluateAsync(MailSubmission submission, MailSubmissionStatus status, DateTime now, CancellationToken ct)
    {
        var outcome = new Outcome();
        var generation = submission.Metadata.Generation;
        var conditions = status.Conditions;
        void Set(string type, bool ok, string reason, string message) =>
            StatusConditions.Set(conditions, new V1Condition
            {
                Type = type,
                Status = ok ? "True" : "False",
                Reason = reason,
                Message = message,
                ObservedGeneration = generation,
                LastTransitionTime = now,
            }, now);

        var validation = SubmissionValidator.Validate(submission);
        if (validation.Valid is not { } valid)
        {
            // Nothing is applied: the running service keeps its last valid configuration.
            var errors = string.Join("; ", validation.Errors);
            Set(ConditionTypes.ConfigValid, false, "InvalidSpec", $"Fix these fields of the spec: {errors}");
            StatusConditions.Remove(conditions, ConditionTypes.RelayProtected);
            StatusConditions.Remove(conditions, ConditionTypes.AuthProtected);
            StatusConditions.Remove(conditions, ConditionTypes.TlsReady);
            outcome.Stalled = ("InvalidSpec", $"The spec passes the schema but not validation; nothing was applied. {errors}");
            return outcome;
        }

        var rendered = PostfixRenderer.Render(valid);
        var report = PolicyChain.Standard.Evaluate(PolicyInput.From(valid, rendered.MainCf, rendered.MasterCf, rendered.SmtpdConf));
        foreach (var c in report.Conditions)
        {
            Set(c.Type, c.Status == "True", c.Reason, c.Message);
        }
        status.Policy = report.Summary;
        if (report.Summary == PolicySummary.Unhealthy)
        {
            // An open relay, a password over cleartext, a listener that cannot work: not deployed.
            // The running service keeps its last healthy configuration.
            var failing = string.Join("; ", report.Conditions.Where(c => c.Status != "True").Select(c => $"{c.Type} {c.Reason}: {c.Message}"));
            outcome.Stalled = ("PolicyUnhealthy", $"The spec renders a Postfix configuration with policy errors, so nothing was applied. Fix: {failing}");
            return outcome;
        }
        status.ConfigHash = rendered.Hash;

        var users = await state.Passwords.ResolveAsync(valid, ct).ConfigureAwait(false);
        Set(ConditionTypes.UsersReady, users.Ready, users.Reason, users.Message);
        if (!users.Ready)
        {
            // A users Secret without every user would lock them out: apply nothing until they resolve.
            outcome.Stalled = (users.Reason, users.Message);
            return outcome;
        }
        status.UsersSecretName = ChildNames.Users(valid);
        status.TlsSecretName = ChildNames.TlsSecret(valid);

        var options = new BuildOptions(state.Options.PostfixImage, state.DisruptionBudgetVersion);
        var keep = new HashSet<(ApiResource, string)>
        {
            (Kinds.SecretResource, ChildNames.GeneratedPasswords(valid)),
        };
        var changes = 0;
        var mounted = new StringBuilder();
        var mountedChanged = false;
        foreach (var child in ChildObjects.Build(valid, rendered, users.Passwords!, options))
        {
            if (child is Certificate && state.Certificates is null)
            {
                continue; // cert-manager is not installed: TLSReady says so below
            }
            if (child is V1PodDisruptionBudget && state.DisruptionBudgetResource is null)
            {
                continue;
            }
            var body = (JsonObject)ObjectJson.ToNode(child);
            keep.Add((SubmissionKinds.ResourceOf(child.ApiVersion, child.Kind), child.Metadata.Name));
            var changed = (await state.Applier.ApplyAsync(submission, body, ct).ConfigureAwait(false)).Changed;
            changes += changed ? 1 : 0;
            if (child is V1ConfigMap || (child is V1Secret && child.Metadata.Name == ChildNames.Users(valid)))
            {
                // The apply body's own hash, stamped by the applier: no second serialization.
                mounted.Append(SubmissionKinds.Str(body, "metadata", "annotations", ChildApplier.ApplyHashAnnotation)).Append(',');
                mountedChanged |= changed;
            }
        }
        changes += await state.Applier.PruneAsync(submission, state.ChildResources, keep, ct).ConfigureAwait(false);
        var secretVersions = string.Join(",", new[] { ChildNames.TlsSecret(valid), valid.Spec.RelayHost?.CredentialsSecretRef?.Name }
            .Select(n => n is null ? "" : SubmissionKinds.Str(state.Secrets.Get(valid.Namespace, n), "metadata", "resourceVersion")));
        var version = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(mounted.Append(secretVersions).ToString())))[..16].ToLowerInvariant();
        await state.VolumeRefresh.RefreshAsync(new ObjectKey(valid.Namespace, valid.Name),
            string.Join(",", ChildMetadata.Selector(valid).Select(l => $"{l.Key}={l.Value}")), version, secretVersions, mountedChanged, ct).ConfigureAwait(false);
        outcome.Writes = changes; // this reconcile's own: other workers change objects meanwhile
        if (outcome.Writes > 0)
        {
            outcome.Progressing = ("ChildrenApplied", $"Changed {outcome.Writes} Postfix object(s); waiting for them to settle.");
        }

        CheckTls(submission, valid, report, Set, outcome);
        CheckAvailable(valid, Set, outcome);
        return outcome;
    }

    private void CheckTls(MailSubmission submission, ValidSubmission valid, PolicyReport report,
        Action<string, bool, string, string> set, Outcome outcome)
    {
        if (report.Condition(ConditionTypes.TlsReady).Status != "True")
        {
            return; // the configuration itself is wrong: the policy's reason stands
        }
        switch (valid.TlsSource)
        {
            case TlsSource.Issuer when state.Certificates is null:
                set(ConditionTypes.TlsReady, false, "CertManagerMissing",
                    "spec.tls.issuerRef needs cert-manager, but cert-manager.io/v1 Certificates are not served: install cert-manager (the operator notices it without a restart), or set spec.tls.secretName instead.");
                outcome.Stalled ??= ("CertManagerMissing", "cert-manager is not installed (cert-manager.io/v1 Certificates are not served).");
                break;
            case TlsSource.Issuer:
            {
                var name = ChildNames.Certificate(valid);
                var certificate = state.Certificates!.Get(valid.Namespace, name);
                var ready = certificate?["status"]?["conditions"] is JsonArray cs
                    ? cs.FirstOrDefault(c => SubmissionKinds.Str(c, "type") == "Ready") : null;
                if (SubmissionKinds.Str(ready, "status") != "True")
                {
                    var why = SubmissionKinds.Str(ready, "message") is { } m ? $": {m}" : " yet";
                    set(ConditionTypes.TlsReady, false, "CertificateNotReady",
                        $"Certificate {name} is not Ready{why}. Check issuer {valid.Spec.Tls.IssuerRef!.Kind} {valid.Spec.Tls.IssuerRef.Name}.");
                    outcome.Progressing ??= ("CertificateNotReady", $"Waiting for Certificate {name} to be issued.");
                }
                else if (state.Secrets.Get(valid.Namespace, name) is null)
                {
                    set(ConditionTypes.TlsReady, false, "TlsSecretMissing", $"Certificate {name} is Ready but its Secret {name} is not there yet.");
                    outcome.Progressing ??= ("TlsSecretMissing", $"Waiting for Secret {name}.");
                }
                break;
            }
            case TlsSource.Secret:
            {
                var name = valid.Spec.Tls.SecretName!;
                if (state.Secrets.Get(valid.Namespace, name) is null)
                {
                    set(ConditionTypes.TlsReady, false, "TlsSecretMissing",
                        $"Secret {name} (spec.tls.secretName) not found: create a kubernetes.io/tls Secret with tls.crt and tls.key in namespace {valid.Namespace}.");
                    outcome.Stalled ??= ("TlsSecretMissing", $"Secret {name} (spec.tls.secretName) not found.");
                }
                break;
            }
        }
    }

    // No kubelet runs against the integration tests' control plane, so nothing makes pods ready
    // there: the tests patch the Deployment's status, as envtest users do.
    private void CheckAvailable(ValidSubmission valid, Action<string, bool, string, string> set, Outcome outcome)
    {
        var name = ChildNames.Postfix(valid);
        var deployment = state.Deployments.Get(valid.Namespace, name);
        if (deployment is null)
        {
            set(ConditionTypes.Available, false, "DeploymentNotFound", $"Deployment {name} is not there yet.");
            outcome.Progressing ??= ("DeploymentNotFound", $"Waiting for Deployment {name}.");
            return;
        }
        var wanted = SubmissionKinds.Int(deployment, "spec", "replicas") ?? 1;
        var available = SubmissionKinds.Int(deployment, "status", "availableReplicas") ?? 0;
        var condition = deployment["status"]?["conditions"] is JsonArray cs
            ? cs.FirstOrDefault(c => SubmissionKinds.Str(c, "type") == "Available") : null;
        if (SubmissionKinds.Str(condition, "status") == "True" && available > 0)
        {
            set(ConditionTypes.Available, true, "MinimumReplicasAvailable", $"{available} of {wanted} Postfix replicas available.");
            return;
        }
        set(ConditionTypes.Available, false, "DeploymentUnavailable",
            $"{available} of {wanted} Postfix replicas available in Deployment {name}; see its pods' events if this persists.");
        outcome.Progressing ??= ("DeploymentUnavailable", $"Waiting for Deployment {name} to become available.");
    }

    /// <summary>kstatus: Ready always present; Reconciling and Stalled only when true, never both.</summary>
    private static void SetReady(MailSubmissionStatus status, long? generation, DateTime now, Outcome outcome)
    {
        var conditions = status.Conditions;
        V1Condition Make(string type, string value, string reason, string message) => new()
        {
            Type = type, Status = value, Reason = reason, Message = message, ObservedGeneration = generation, LastTransitionTime = now,
        };
        string readyReason, readyMessage;
        var ready = false;
        if (outcome.Stalled is { } stalled)
        {
            StatusConditions.Set(conditions, Make(ConditionTypes.Stalled, "True", stalled.Reason, stalled.Message), now);
            StatusConditions.Remove(conditions, ConditionTypes.Reconciling);
            (readyReason, readyMessage) = stalled;
        }
        else if (outcome.Progressing is { } progressing)
        {
            StatusConditions.Set(conditions, Make(ConditionTypes.Reconciling, "True", progressing.Reason, progressing.Message), now);
            StatusConditions.Remove(conditions, ConditionTypes.Stalled);
            (readyReason, readyMessage) = progressing;
        }
        else
        {
            StatusConditions.Remove(conditions, ConditionTypes.Stalled);
            StatusConditions.Remove(conditions, ConditionTypes.Reconciling);
            string[] required = [ConditionTypes.ConfigValid, ConditionTypes.RelayProtected, ConditionTypes.AuthProtected,
                ConditionTypes.TlsReady, ConditionTypes.UsersReady, ConditionTypes.Available];
            var failing = required.Select(t => StatusConditions.Find(conditions, t) ?? Make(t, "Unknown", "NotChecked", $"{t} was not checked."))
                .FirstOrDefault(c => c.Status != "True");
            if (failing is null)
            {
                ready = true;
                (readyReason, readyMessage) = ("Ready", $"Serving with policy {status.Policy}; every policy condition is True and the Deployment is available.");
            }
            else
            {
                (readyReason, readyMessage) = (failing.Reason, $"{failing.Type} is {failing.Status}: {failing.Message}");
            }
        }
        StatusConditions.Set(conditions, Make(ConditionTypes.Ready, ready ? "True" : "False", readyReason, readyMessage), now);
        // A stable order: Ready first, then as the types are listed.
        string[] order = [ConditionTypes.Ready, ConditionTypes.Reconciling, ConditionTypes.Stalled, ConditionTypes.ConfigValid,
            ConditionTypes.RelayProtected, ConditionTypes.AuthProtected, ConditionTypes.TlsReady, ConditionTypes.UsersReady, ConditionTypes.Available];
        conditions.Sort((a, b) => Rank(a.Type).CompareTo(Rank(b.Type)));
        int Rank(string type) => Array.IndexOf(order, type) is var i and >= 0 ? i : order.Length;
    }

    private async Task WriteStatusAsync(MailSubmission submission, MailSubmissionStatus? old, MailSubmissionStatus status, CancellationToken ct)
    {
        if (old is not null && old.ObservedGeneration == status.ObservedGeneration && old.Policy == status.Policy
            && old.ConfigHash == status.ConfigHash && old.UsersSecretName == status.UsersSecretName
            && old.TlsSecretName == status.TlsSecretName && StatusConditions.SameAs(old.Conditions, status.Conditions))
        {
            return;
        }
        var body = new JsonObject
        {
            ["apiVersion"] = MailSubmission.ApiVersionValue,
            ["kind"] = MailSubmission.KindValue,
            // The version the status was computed from, as a precondition: a status computed from a
            // stale cache (or by a leader that has just lost its lease) is refused with a 409, and the
            // retry recomputes it from the newer object instead of overwriting a newer status.
            ["metadata"] = new JsonObject
            {
                ["name"] = submission.Metadata.Name,
                ["namespace"] = submission.Metadata.NamespaceProperty,
                ["resourceVersion"] = submission.Metadata.ResourceVersion,
            },
            ["status"] = JsonSerializer.SerializeToNode(status, ApiJsonContext.Default.MailSubmissionStatus),
        };
        await state.Apply.ApplyStatusAsync(SubmissionKinds.SubmissionsJson, body, ct).ConfigureAwait(false);
        Interlocked.Increment(ref state.StatusWrites);
    }

    private async Task RecordEventsAsync(MailSubmission submission, MailSubmissionStatus? old, MailSubmissionStatus status, CancellationToken ct)
    {
        var before = old?.Conditions;
        var after = status.Conditions;
        bool Became(string type, string value, string? reason = null) =>
            StatusConditions.Find(after, type) is { } now && now.Status == value && (reason is null || now.Reason == reason)
            && !(StatusConditions.Find(before, type) is { } was && was.Status == value && (reason is null || was.Reason == reason));
        if (Became(ConditionTypes.Ready, "True"))
        {
            await state.Events.RecordAsync(submission, "Normal", "Ready", StatusConditions.Find(after, ConditionTypes.Ready)!.Message, ct).ConfigureAwait(false);
        }
        if (Became(ConditionTypes.Stalled, "True", "InvalidSpec"))
        {
            await state.Events.RecordAsync(submission, "Warning", "InvalidSpec", StatusConditions.Find(after, ConditionTypes.ConfigValid)!.Message, ct).ConfigureAwait(false);
        }
        if (Became(ConditionTypes.UsersReady, "False"))
        {
            await state.Events.RecordAsync(submission, "Warning", "UsersMissing", StatusConditions.Find(after, ConditionTypes.UsersReady)!.Message, ct).ConfigureAwait(false);
        }
        if (status.Policy == PolicySummary.Unhealthy && old?.Policy != PolicySummary.Unhealthy)
        {
            var failing = after.Where(c => c.Status == "False" && c.Type is ConditionTypes.RelayProtected or ConditionTypes.AuthProtected
                or ConditionTypes.TlsReady or ConditionTypes.ConfigValid).Select(c => $"{c.Type}: {c.Reason}");
            await state.Events.RecordAsync(submission, "Warning", "PolicyUnhealthy", "Policy became Unhealthy: " + string.Join(", ", failing), ct).ConfigureAwait(false);
        }
    }

    private static V1Condition Copy(V1Condition c) => new()
    {
        Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message,
        ObservedGeneration = c.ObservedGeneration, LastTransitionTime = c.LastTransitionTime,
    };
}
