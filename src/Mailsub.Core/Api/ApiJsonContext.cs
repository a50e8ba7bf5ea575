using System.Text.Json.Serialization;

namespace Mailsub.Core.Api;

/// <summary>
/// Source-generated JSON metadata for the API: the only serializer the NativeAOT binary can use,
/// and the type graph the CRD schema is generated from. Unknown fields are errors, so a typo in a
/// resource is reported instead of silently dropped.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(Rfc3339DateTimeConverter)])]
[JsonSerializable(typeof(MailSubmission))]
[JsonSerializable(typeof(MailSubmissionSpec))]
[JsonSerializable(typeof(MailSubmissionStatus))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
