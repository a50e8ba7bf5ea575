using k8s;
using k8s.Models;
using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>
/// Every object a MailSubmission owns, in the order they are applied: what the pods mount comes
/// before the pods, the Service and budget after them. The generated-passwords Secret is not
/// among them: it is an input the controller keeps, not a function of the resource.
/// </summary>
public static class ChildObjects
{
    /// <param name="passwords">Every user's password by login name, resolved by the controller.</param>
    /// <param name="dkimKeys">Every DKIM private key by record name, resolved by the controller; empty without spec.dkim.</param>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Build(ValidSubmission valid, RenderedConfig rendered,
        IReadOnlyDictionary<string, string> passwords, BuildOptions options, IReadOnlyDictionary<string, string>? dkimKeys = null)
    {
        List<IKubernetesObject<V1ObjectMeta>> objects = [];
        // The keys before the ConfigMap whose KeyTable names them: a new selector's key is in the
        // pod before the tables that sign with it (the entrypoint refuses tables naming a missing key).
        if (valid.DkimKeys.Count > 0)
            objects.Add(DkimSecrets.Mounted(valid, dkimKeys ?? new Dictionary<string, string>()));
        objects.Add(PostfixConfigMap.Build(valid, rendered, options));
        objects.Add(UsersSecret.Build(valid, passwords));
        if (ServerCertificate.Build(valid) is { } certificate)
            objects.Add(certificate);
        objects.Add(PostfixDeployment.Build(valid, rendered, options));
        objects.Add(SubmissionService.Build(valid));
        if (PeersService.Build(valid) is { } peers)
            objects.Add(peers);
        if (PostfixDisruptionBudget.Build(valid, options) is { } budget)
            objects.Add(budget);
        return objects;
    }
}
