using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Runtime.Api;

namespace Mailsub.Operator;

/// <summary>What a reconcile reads and writes through: the caches, the writers, what discovery found.</summary>
public sealed class OperatorState
{
    public required OperatorOptions Options { get; init; }
    public required ApiConnection Api { get; init; }
    public required ServerSideApply Apply { get; init; }
    public required InformerSet<MailSubmission> Submissions { get; init; }
    public required InformerSet<JsonObject> ConfigMaps { get; init; }
    public required InformerSet<JsonObject> Secrets { get; init; }
    public required InformerSet<JsonObject> Deployments { get; init; }
    public required InformerSet<JsonObject> Services { get; init; }
    public InformerSet<JsonObject>? DisruptionBudgets { get; init; }
    private volatile InformerSet<JsonObject>? _certificates;

    /// <summary>Null while cert-manager's Certificates are not served; set once they are and their cache synced.</summary>
    public InformerSet<JsonObject>? Certificates { get => _certificates; set => _certificates = value; }
    public ApiResource? DisruptionBudgetResource { get; init; }
    public DisruptionBudgetApiVersion DisruptionBudgetVersion { get; init; }
    public required ChildApplier Applier { get; init; }
    public required UserPasswords Passwords { get; init; }
    public required SecretReader SecretData { get; init; }
    public required EventRecorder Events { get; init; }
    public long StatusWrites;
    /// <summary>Status writes refused with 409 (the submission changed since it was read) and retried.</summary>
    public long StatusConflicts;

    public IEnumerable<ApiResource> ChildResources
    {
        get
        {
            yield return WellKnownResources.ConfigMaps;
            yield return WellKnownResources.Secrets;
            yield return WellKnownResources.Deployments;
            yield return WellKnownResources.Services;
            if (DisruptionBudgetResource is { } pdb)
            {
                yield return pdb;
            }
            if (Certificates is not null)
            {
                yield return WellKnownResources.Certificates;
            }
        }
    }

    public InformerSet<JsonObject>? CacheOf(ApiResource resource) =>
        resource == WellKnownResources.ConfigMaps ? ConfigMaps
        : resource == WellKnownResources.Secrets ? Secrets
        : resource == WellKnownResources.Deployments ? Deployments
        : resource == WellKnownResources.Services ? Services
        : resource == WellKnownResources.Certificates ? Certificates
        : resource == DisruptionBudgetResource ? DisruptionBudgets
        : null;

    public IEnumerable<Func<bool>> Synced
    {
        get
        {
            yield return () => Submissions.HasSynced;
            yield return () => ConfigMaps.HasSynced;
            yield return () => Secrets.HasSynced;
            yield return () => Deployments.HasSynced;
            yield return () => Services.HasSynced;
            if (DisruptionBudgets is { } p) yield return () => p.HasSynced;
            if (Certificates is { } c) yield return () => c.HasSynced;
        }
    }
}
