using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;
using Mailsub.Core.Serialization;
using Mailsub.Core.Status;
using Mailsub.Core.Validation;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Controllers;
using Mailsub.Runtime.Kinds;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator;

/// <summary>
/// One MailSubmission to its children and status, in three steps: gather (validate, render, check
/// policy, resolve users, apply what changed, prune what is no longer wanted, read back what the
/// caches show; each only when the step before lets the children be applied), evaluate (the pure
/// <see cref="SubmissionHealth"/>), then write the status and record its Events. All reads come
/// from the informer caches (Secret values through <see cref="SecretReader"/>).
/// </summary>
public sealed class SubmissionReconciler(OperatorState state, ILogger logger)
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var submission = state.Submissions.Get(key.Namespace!, key.Name);
        if (submission is null || submission.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done; // deleted: the garbage collector deletes the children
        }
        var started = DateTime.UtcNow;
        var now = new DateTime(started.Ticks - started.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var input = await GatherAsync(submission, now, ct).ConfigureAwait(false);
        input = input with { ProbeEnabled = state.Prober is not null, LiveProbe = state.Prober?.ResultFor(key, submission.Metadata.Uid) };
        var status = SubmissionHealth.Evaluate(input);
        try
        {
            await WriteStatusAsync(submission, submission.Status, status, ct).ConfigureAwait(false);
        }
        catch (KubeConflictException)
        {
            // Expected now and then (the cache lags a write): not an error, another look will do.
            Interlocked.Increment(ref state.StatusConflicts);
            logger.LogInformation("status conflict: the resource changed since it was read, retrying with the newer version object={Object} read_version={ReadVersion}",
                key, submission.Metadata.ResourceVersion);
            return ReconcileResult.RequeueWithBackoff;
        }
        foreach (var e in SubmissionEvents.Between(submission.Status, status))
        {
            await state.Events.RecordAsync(submission, e.Type, e.Reason, e.Message, ct).ConfigureAwait(false);
        }
        var ready = StatusConditions.Find(status.Conditions, ConditionTypes.Ready);
        logger.LogInformation(
            "reconciled object={Object} generation={Generation} ready={Ready} reason={Reason} changes={Changes} policy={Policy} duration_ms={DurationMs}",
            key, submission.Metadata.Generation, ready?.Status, ready?.Reason, input.Children?.Writes ?? 0, status.Policy ?? "-",
            (int)(DateTime.UtcNow - started).TotalMilliseconds);
        return ReconcileResult.Done;
    }

    /// <summary>
    /// Goes as far as the submission lets it: an invalid spec is not rendered, an Unhealthy policy
    /// resolves no users, missing users apply nothing (so the running service keeps its last good
    /// configuration); <see cref="SubmissionHealth"/> says why from where the input ends.
    /// </summary>
    private async Task<StatusInput> GatherAsync(MailSubmission submission, DateTime now, CancellationToken ct)
    {
        // The same check the admission webhook runs (SubmissionAdmission): this is the second line,
        // for objects stored while no webhook refused them.
        var check = await SubmissionCheck.RunAsync(submission, v => state.TlsCertificates.ReadAsync(v, ct)).ConfigureAwait(false);
        var input = new StatusInput { Submission = submission, Now = now, Validation = check.Validation };
        if (input.Validation.Valid is not { } valid || check.Rendered is not { } rendered || check.Report is not { } report)
        {
            return input;
        }
        input = input with { Policy = report, ConfigHash = rendered.Hash };
        if (report.Summary == PolicySummary.Unhealthy)
        {
            return input;
        }
        var users = await state.Passwords.ResolveAsync(valid, ct).ConfigureAwait(false);
        input = input with { Users = users };
        if (!users.Ready)
        {
            return input;
        }
        var dkim = await state.DkimKeys.ResolveAsync(valid, ct).ConfigureAwait(false);
        input = input with { Dkim = dkim };
        if (!dkim.Ready)
        {
            return input;
        }
        var writes = await ApplyChildrenAsync(submission, valid, rendered, users.Passwords!, dkim.Keys!, ct).ConfigureAwait(false);
        var children = Observe(valid, writes);
        state.Prober?.Observe(new ObjectKey(valid.Namespace, valid.Name), submission.Metadata.Uid, rendered.Hash, valid,
            children.Deployment is { Available.IsTrue: true, AvailableReplicas: > 0 });
        return input with { Children = children };
    }

    /// <summary>
    /// Applies the children of the kinds the server serves, prunes the rest and tells the pods when
    /// what they mount changed (<see cref="PodVolumeRefresh"/>); returns this reconcile's own writes.
    /// </summary>
    private async Task<int> ApplyChildrenAsync(MailSubmission submission, ValidSubmission valid, RenderedConfig rendered,
        IReadOnlyDictionary<string, string> passwords, IReadOnlyDictionary<string, string> dkimKeys, CancellationToken ct)
    {
        var changes = 0;
        var peersIp = ClusterIpOf(state.Services.Get(valid.Namespace, ChildNames.Peers(valid)));
        string? appliedFirst = null;
        if (peersIp is null && PeersService.Build(valid) is { } peers)
        {
            // The ConfigMap names the peers Service's cluster IP, which the API server assigns when
            // it creates the Service: applied first and read from the reply, the address is in the
            // ConfigMap's first write instead of a second one a reconcile later (with a second pod
            // volume refresh and status write).
            var result = await state.Applier.ApplyAsync(submission, (JsonObject)ObjectJson.ToNode(peers), ct).ConfigureAwait(false);
            changes += result.Changed ? 1 : 0;
            peersIp = ClusterIpOf(result.Written);
            appliedFirst = peers.Metadata.Name;
        }
        var options = new BuildOptions(state.Options.PostfixImage, state.DisruptionBudgetVersion, peersIp);
        var keep = new HashSet<(ApiResource, string)>
        {
            (WellKnownResources.Secrets, ChildNames.GeneratedPasswords(valid)),
        };
        if (DkimSecrets.GeneratedNames(valid).Count > 0)
        {
            keep.Add((WellKnownResources.Secrets, ChildNames.GeneratedDkimKeys(valid)));
        }
        var mounted = new StringBuilder();
        var mountedChanged = false;
        foreach (var child in ChildObjects.Build(valid, rendered, passwords, options, dkimKeys))
        {
            var resource = ChildKind.ResourceOf(child.ApiVersion, child.Kind);
            if (state.CacheOf(resource) is null)
            {
                continue; // not served (no cert-manager: TLSReady says so; no PodDisruptionBudget version)
            }
            keep.Add((resource, child.Metadata.Name));
            if (resource == WellKnownResources.Services && child.Metadata.Name == appliedFirst)
            {
                continue;
            }
            var body = (JsonObject)ObjectJson.ToNode(child);
            var changed = (await state.Applier.ApplyAsync(submission, body, ct).ConfigureAwait(false)).Changed;
            changes += changed ? 1 : 0;
            if (resource == WellKnownResources.ConfigMaps
                || (resource == WellKnownResources.Secrets && (child.Metadata.Name == ChildNames.Users(valid) || child.Metadata.Name == ChildNames.Dkim(valid))))
            {
                // The apply body's own hash, stamped by the applier: no second serialization.
                mounted.Append(JsonPath.GetString(body, "metadata", "annotations", ChildApplier.ApplyHashAnnotation)).Append(',');
                mountedChanged |= changed;
            }
        }
        changes += await state.Applier.PruneAsync(submission, state.Children, keep, ct).ConfigureAwait(false);
        var secretVersions = string.Join(",", new[] { ChildNames.TlsSecret(valid), valid.Spec.RelayHost?.CredentialsSecretRef?.Name }
            .Select(n => n is null ? "" : JsonPath.GetString(state.Secrets.Get(valid.Namespace, n), "metadata", "resourceVersion")));
        var version = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(mounted.Append(secretVersions).ToString())))[..16].ToLowerInvariant();
        await state.VolumeRefresh.RefreshAsync(new ObjectKey(valid.Namespace, valid.Name),
            string.Join(",", ChildMetadata.Selector(valid).Select(l => $"{l.Key}={l.Value}")), version, secretVersions, mountedChanged, ct).ConfigureAwait(false);
        return changes;
    }

    private static IPAddress? ClusterIpOf(JsonObject? service) =>
        IPAddress.TryParse(JsonPath.GetString(service, "spec", "clusterIP"), out var ip) ? ip : null;

    // No kubelet runs against the integration tests' control plane, so nothing makes pods ready
    // there: the tests patch the Deployment's status, as envtest users do.
    private ChildrenObservation Observe(ValidSubmission valid, int writes)
    {
        var certificates = state.Certificates;
        var certificate = certificates?.Get(valid.Namespace, ChildNames.Certificate(valid));
        var deployment = state.Deployments.Get(valid.Namespace, ChildNames.Postfix(valid));
        return new ChildrenObservation(
            writes,
            CertManagerInstalled: certificates is not null,
            CertificateReady: ConditionOf(certificate, "Ready"),
            TlsSecretFound: ChildNames.TlsSecret(valid) is { } tls && state.Secrets.Get(valid.Namespace, tls) is not null,
            Deployment: deployment is null ? null : new DeploymentObservation(
                JsonPath.GetInt64(deployment, "spec", "replicas") ?? 1,
                JsonPath.GetInt64(deployment, "status", "availableReplicas") ?? 0,
                ConditionOf(deployment, "Available")));
    }

    /// <summary>The condition of <paramref name="type"/> in another object's status.conditions.</summary>
    private static ObservedCondition? ConditionOf(JsonObject? obj, string type) =>
        obj?["status"]?["conditions"] is JsonArray cs && cs.FirstOrDefault(x => JsonPath.GetString(x, "type") == type) is { } c
            ? new ObservedCondition(JsonPath.GetString(c, "status"), JsonPath.GetString(c, "message"))
            : null;

    private async Task WriteStatusAsync(MailSubmission submission, MailSubmissionStatus? old, MailSubmissionStatus status, CancellationToken ct)
    {
        if (old is not null && old.ObservedGeneration == status.ObservedGeneration && old.Policy == status.Policy
            && old.ConfigHash == status.ConfigHash && old.UsersSecretName == status.UsersSecretName
            && old.TlsSecretName == status.TlsSecretName && old.AvailableReplicas == status.AvailableReplicas
            && SameRecords(old.DkimRecords, status.DkimRecords)
            && StatusConditions.SameAs(old.Conditions, status.Conditions))
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

    private static bool SameRecords(List<DkimRecordStatus>? a, List<DkimRecordStatus>? b) =>
        (a ?? []).Count == (b ?? []).Count
        && (a ?? []).Zip(b ?? []).All(p => p.First.Name == p.Second.Name && p.First.Value == p.Second.Value && p.First.Signing == p.Second.Signing);
}
