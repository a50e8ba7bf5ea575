using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mailsub.Core.CertManager;

namespace Mailsub.Core.Serialization;

/// <summary>Child objects as JSON: the body of a server-side apply and of `mailsub render`.</summary>
public static class ObjectJson
{
    public static JsonNode ToNode(IKubernetesObject<V1ObjectMeta> child) => child switch
    {
        Certificate certificate => JsonSerializer.SerializeToNode(certificate, CertManagerJsonContext.Default.Certificate)!,
        V1ConfigMap configMap => JsonSerializer.SerializeToNode(configMap, ChildJsonContext.Default.V1ConfigMap)!,
        V1Secret secret => JsonSerializer.SerializeToNode(secret, ChildJsonContext.Default.V1Secret)!,
        V1Deployment deployment => JsonSerializer.SerializeToNode(deployment, ChildJsonContext.Default.V1Deployment)!,
        V1Service service => JsonSerializer.SerializeToNode(service, ChildJsonContext.Default.V1Service)!,
        V1PodDisruptionBudget budget => JsonSerializer.SerializeToNode(budget, ChildJsonContext.Default.V1PodDisruptionBudget)!,
        _ => throw new ArgumentException($"No JSON metadata for {child.GetType().Name}: add it to ChildJsonContext."),
    };

    /// <summary>Multi-document YAML, as `kubectl apply -f` takes it.</summary>
    public static string ToYaml(IEnumerable<IKubernetesObject<V1ObjectMeta>> children) =>
        YamlWriter.WriteAll(children.Select(ToNode));
}
