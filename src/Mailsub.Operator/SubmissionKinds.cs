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

    public static readonly JsonObjectKind ConfigMaps = new(Kinds.ConfigMapResource);
    public static readonly JsonObjectKind Secrets = new(Kinds.SecretResource);
    public static readonly JsonObjectKind Deployments = new(Kinds.DeploymentResource);
    public static readonly JsonObjectKind Services = new(Kinds.ServiceResource);
    public static readonly JsonObjectKind Certificates = new(Kinds.CertificateResource);
    public static readonly ApiResource EventResource = new("", "v1", "events", "Event");

    /// <summary>The resource of a child by its apiVersion and kind, as the builders set them.</summary>
    public static ApiResource ResourceOf(string apiVersion, string kind) => (apiVersion, kind) switch
    {
        ("v1", "ConfigMap") => Kinds.ConfigMapResource,
        ("v1", "Secret") => Kinds.SecretResource,
        ("v1", "Service") => Kinds.ServiceResource,
        ("apps/v1", "Deployment") => Kinds.DeploymentResource,
        ("policy/v1", "PodDisruptionBudget") => Kinds.PodDisruptionBudgetV1Resource,
        ("policy/v1beta1", "PodDisruptionBudget") => Kinds.PodDisruptionBudgetV1Beta1Resource,
        ("cert-manager.io/v1", "Certificate") => Kinds.CertificateResource,
        _ => throw new ArgumentException($"No resource known for {apiVersion} {kind}."),
    };

    public static string? Str(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node is JsonObject o ? o[p] : null;
        }
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    public static long? Int(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node is JsonObject o ? o[p] : null;
        }
        return node is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;
    }
}
