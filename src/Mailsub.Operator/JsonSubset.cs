using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mailsub.Operator;

/// <summary>
/// Whether an object already holds every field of an apply body: each field the body sets has the
/// same value in the object, which may hold more (server defaults, other managers' fields, status).
/// Lists compare element by element and must have the same length.
/// </summary>
public static class JsonSubset
{
    public static bool Contains(JsonNode? actual, JsonNode? desired)
    {
        switch (desired)
        {
            case null:
                return actual is null;
            case JsonObject d:
                if (actual is not JsonObject a)
                {
                    return d.Count == 0 && actual is null;
                }
                foreach (var (name, value) in d)
                {
                    if (!a.TryGetPropertyValue(name, out var av))
                    {
                        if (IsEmpty(value))
                        {
                            continue; // an empty list or object the server does not keep
                        }
                        return false;
                    }
                    if (!Contains(av, value))
                    {
                        return false;
                    }
                }
                return true;
            case JsonArray d:
                if (actual is not JsonArray arr || arr.Count != d.Count)
                {
                    return d.Count == 0 && actual is null;
                }
                for (var i = 0; i < d.Count; i++)
                {
                    if (!Contains(arr[i], d[i]))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return actual is JsonValue av2 && ScalarEquals(av2, (JsonValue)desired);
        }
    }

    private static bool IsEmpty(JsonNode? node) => node is null || node is JsonObject { Count: 0 } || node is JsonArray { Count: 0 };

    private static bool ScalarEquals(JsonValue a, JsonValue d)
    {
        var aj = a.ToJsonString();
        var dj = d.ToJsonString();
        if (aj == dj)
        {
            return true;
        }
        return a.GetValueKind() == JsonValueKind.Number && d.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(aj, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x)
            && decimal.TryParse(dj, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var y)
            && x == y;
    }
}
