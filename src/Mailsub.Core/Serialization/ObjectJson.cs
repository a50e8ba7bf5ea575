using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mailsub.Core.CertManager;

namespace Mailsub.Core.Serialization;

/// <summary>Child objects as JSON: the body of a server-side apply and of `mailsub render`.</summary>
public static class ObjectJson
{
    public static JsonNode ToNode(IKubernetesObject<V1ObjectMeta> child) => child is Certificate certificate
        ? JsonSerializer.SerializeToNode(certificate, CertManagerJsonContext.Default.Certificate)!
        : JsonNode.Parse(KubernetesJson.Serialize(child))!;

    /// <summary>Multi-document YAML, as `kubectl apply -f` takes it.</summary>
    public static string ToYaml(IEnumerable<IKubernetesObject<V1ObjectMeta>> children) =>
        YamlWriter.WriteAll(children.Select(ToNode));
}
