using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Operator;

/// <summary>
/// The kinds the operator reads and writes. MailSubmissions are typed (the core's model); the
/// children are JSON objects, so one apply path serves typed builders, cert-manager's
/// Certificate and policy/v1beta1 PodDisruptionBudgets alike.
/// </summary>
public static class SubmissionKinds
{
    public static readonly ApiResource SubmissionResource =
        new(MailSubmission.Group, MailSubmission.Version, MailSubmission.Plural, MailSubmission.KindValue);

    public static readonly TypedKind<MailSubmission> Submissions =
        new(SubmissionResource, ApiJsonContext.Default.MailSubmission, m => m.Metadata, m =>
        {
            m.ApiVersion = MailSubmission.ApiVersionValue;
            m.Kind = MailSubmission.KindValue;
        });

    /// <summary>The submission as JSON, for status applies (a body of status and identity only).</summary>
    public static readonly JsonObjectKind SubmissionsJson = new(SubmissionResource);

    public static readonly JsonObjectKind ConfigMaps = new(WellKnownResources.ConfigMaps);
    public static readonly JsonObjectKind Secrets = new(WellKnownResources.Secrets);
    public static readonly JsonObjectKind Deployments = new(WellKnownResources.Deployments);
    public static readonly JsonObjectKind Services = new(WellKnownResources.Services);
    public static readonly JsonObjectKind Certificates = new(WellKnownResources.Certificates);

    /// <summary>The resource of a child by its apiVersion and kind, as the builders set them.</summary>
    public static ApiResource ResourceOf(string apiVersion, string kind) => (apiVersion, kind) switch
    {
        ("v1", "ConfigMap") => WellKnownResources.ConfigMaps,
        ("v1", "Secret") => WellKnownResources.Secrets,
        ("v1", "Service") => WellKnownResources.Services,
        ("apps/v1", "Deployment") => WellKnownResources.Deployments,
        ("policy/v1", "PodDisruptionBudget") => WellKnownResources.PodDisruptionBudgetsV1,
        ("policy/v1beta1", "PodDisruptionBudget") => WellKnownResources.PodDisruptionBudgetsV1Beta1,
        ("cert-manager.io/v1", "Certificate") => WellKnownResources.Certificates,
        _ => throw new ArgumentException($"No resource known for {apiVersion} {kind}."),
    };
}
