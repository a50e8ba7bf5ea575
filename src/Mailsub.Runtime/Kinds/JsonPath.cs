using System.Text.Json.Nodes;

namespace Mailsub.Runtime.Kinds;

/// <summary>
/// The value at a path of property names in a JSON object, as <c>.metadata.name</c> reads: null
/// where a step is missing or the value has another type, so a partial object reads as absent.
/// </summary>
public static class JsonPath
{
    public static string? GetString(JsonNode? node, params ReadOnlySpan<string> path) =>
        At(node, path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? GetInt64(JsonNode? node, params ReadOnlySpan<string> path) =>
        At(node, path) is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    private static JsonNode? At(JsonNode? node, ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            node = node is JsonObject o ? o[name] : null;
        }
        return node;
    }
}
