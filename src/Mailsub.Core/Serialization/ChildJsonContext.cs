using System.Text.Json.Serialization;
using k8s.Models;

namespace Mailsub.Core.Serialization;

/// <summary>
/// Source-generated JSON metadata for the kinds the builders make, and only those: the client's
/// own context (<c>KubernetesJson</c>) resolves every one of its ~800 models by type, so it rooted
/// all of them in the NativeAOT binary. The options are the client's (camelCase names from the
/// models' attributes, nulls left out), so the bodies are the same bytes.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(V1Secret))]
[JsonSerializable(typeof(V1Deployment))]
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(V1PodDisruptionBudget))]
internal sealed partial class ChildJsonContext : JsonSerializerContext;
