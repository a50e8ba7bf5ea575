using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mailsub.Core.Api;

/// <summary>
/// Kubernetes times (metav1.Time) are RFC 3339 in whole seconds, UTC. The client library's own
/// converter is internal, so the API context carries this one.
/// </summary>
public sealed class Rfc3339DateTimeConverter : JsonConverter<DateTime>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture));
}
