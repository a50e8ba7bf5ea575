using k8s.Models;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>The labels and metadata every child object carries. Owner references are the controller's.</summary>
public static class ChildMetadata
{
    public const string SubmissionLabel = "mailsub.dev/submission";

    /// <summary>The recommended app.kubernetes.io labels, and the owning resource's name.</summary>
    public static Dictionary<string, string> Labels(ValidSubmission valid) => new()
    {
        ["app.kubernetes.io/name"] = "postfix",
        ["app.kubernetes.io/instance"] = valid.Name,
        ["app.kubernetes.io/managed-by"] = "mailsub",
        ["app.kubernetes.io/part-of"] = "mailsub",
        [SubmissionLabel] = valid.Name,
    };

    /// <summary>
    /// The pods' identity for the Deployment, Service and PodDisruptionBudget. A Deployment's
    /// selector cannot change, so it holds only labels that never will.
    /// </summary>
    public static Dictionary<string, string> Selector(ValidSubmission valid) => new()
    {
        ["app.kubernetes.io/name"] = "postfix",
        ["app.kubernetes.io/instance"] = valid.Name,
    };

    public static V1ObjectMeta For(ValidSubmission valid, string name) => new()
    {
        Name = name,
        NamespaceProperty = valid.Namespace,
        Labels = Labels(valid),
    };
}
