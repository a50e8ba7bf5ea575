using k8s.Models;
using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>main.cf, master.cf and smtpd.conf. Never a secret: passwords live in the users Secret.</summary>
public static class PostfixConfigMap
{
    public static V1ConfigMap Build(ValidSubmission valid, RenderedConfig rendered) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = ChildMetadata.For(valid, ChildNames.Postfix(valid)),
        Data = rendered.Files.ToDictionary(file => file.Key, file => file.Value),
    };
}
