using k8s.Models;
using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Builders;

/// <summary>
/// main.cf, master.cf and smtpd.conf, and where the peers Service answers (QueueHandoff) once it
/// has an address. Never a secret: passwords live in the users Secret.
/// </summary>
public static class PostfixConfigMap
{
    public static V1ConfigMap Build(ValidSubmission valid, RenderedConfig rendered, BuildOptions options)
    {
        var data = rendered.Files.ToDictionary(file => file.Key, file => file.Value);
        if (valid.TlsSource != TlsSource.None && options.PeersClusterIp is { } peers)
            data[QueueHandoff.PeerFileName] = QueueHandoff.PeerFor(peers);
        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = ChildMetadata.For(valid, ChildNames.Postfix(valid)),
            Data = data,
        };
    }
}
