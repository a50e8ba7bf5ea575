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
    public InformerSet<JsonObject>? Certificates { get; init; }
    public ApiResource? DisruptionBudgetResource { get; init; }
    public DisruptionBudgetApiVersion DisruptionBudgetVersion { get; init; }
    public required ChildApplier Applier { get; init; }
    public required UserPasswords Passwords { get; init; }
    public required SecretReader SecretData { get; init; }
    public required EventRecorder Events { get; init; }
    public long StatusWrites;

    public IEnumerable<ApiResource> ChildResources
    {
        get
        {
            yield return Runtime.Kinds.Kinds.ConfigMapResource;
            yield return Runtime.Kinds.Kinds.SecretResource;
            yield return Runtime.Kinds.Kinds.DeploymentResource;
            yield return Runtime.Kinds.Kinds.ServiceResource;
            if (DisruptionBudgetResource is { } pdb)
            {
                yield return pdb;
            }
            if (Certificates is not null)
            {
                yield return Runtime.Kinds.Kinds.CertificateResource;
            }
        }
    }

    public InformerSet<JsonObject>? CacheOf(ApiResource resource) =>
        resource == Runtime.Kinds.Kinds.ConfigMapResource ? ConfigMaps
        : resource == Runtime.Kinds.Kinds.SecretResource ? Secrets
        : resource == Runtime.Kinds.Kinds.DeploymentResource ? Deployments
        : resource == Runtime.Kinds.Kinds.ServiceResource ? Services
        : resource == Runtime.Kinds.Kinds.CertificateResource ? Certificates
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
