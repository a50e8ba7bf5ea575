using System.Text.Json.Serialization;

namespace Mailsub.Core.CertManager;

/// <summary>Source-generated JSON for <see cref="Certificate"/>, as the API server expects it: camelCase, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Certificate))]
public sealed partial class CertManagerJsonContext : JsonSerializerContext;
