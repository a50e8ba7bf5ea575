using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using Mailsub.Core.Api;

namespace Mailsub.Core.Schema;

/// <summary>
/// Derives a structural OpenAPI v3 schema (what a v1 CRD needs, Kubernetes 1.20 and later) from the
/// source-generated JSON metadata of the C# types, so the types stay the single source. Defaults
/// come from the types' own initializers, read off a fresh instance.
/// </summary>
public sealed class OpenApiSchemaGenerator(JsonSerializerOptions options)
{
    private const int MaxDepth = 16;

    public JsonObject For(Type type, bool withDefaults) => Schema(options.GetTypeInfo(type), withDefaults, 0);

    private JsonObject Schema(JsonTypeInfo info, bool withDefaults, int depth)
    {
        if (depth > MaxDepth)
            throw new InvalidOperationException($"{info.Type} nests deeper than {MaxDepth} levels; is the type recursive?");
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;

        // Affinity is the whole core/v1 scheduling vocabulary; the API server checks it when the
        // operator copies it into the Deployment.
        if (type == typeof(V1Affinity))
            return new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        if (type == typeof(ResourceQuantity) || type == typeof(IntOrString))
            return new JsonObject { ["x-kubernetes-int-or-string"] = true, ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }) };
        if (EnumValues.Of(type) is { } values)
            return new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()) };

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable:
                return new JsonObject { ["type"] = "array", ["items"] = Schema(options.GetTypeInfo(info.ElementType!), withDefaults, depth + 1) };
            case JsonTypeInfoKind.Dictionary:
                return new JsonObject { ["type"] = "object", ["additionalProperties"] = Schema(options.GetTypeInfo(info.ElementType!), withDefaults, depth + 1) };
            case JsonTypeInfoKind.Object:
                return ObjectSchema(info, type, withDefaults, depth);
            default:
                return Primitive(type);
        }
    }

    private JsonObject ObjectSchema(JsonTypeInfo info, Type type, bool withDefaults, int depth)
    {
        var schema = new JsonObject();
        if (Attribute<DescriptionAttribute>(type) is { } typeDescription)
            schema["description"] = typeDescription.Description;
        schema["type"] = "object";
        var instance = withDefaults ? info.CreateObject?.Invoke() : null;
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in info.Properties)
        {
            var provider = property.AttributeProvider;
            var propertySchema = Schema(options.GetTypeInfo(property.PropertyType), withDefaults, depth + 1);
            var description = Attribute<DescriptionAttribute>(provider)?.Description;
            if (description is null && propertySchema["description"] is { } inherited)
                description = inherited.GetValue<string>();
            propertySchema.Remove("description");
            // Description first reads best in `kubectl explain` and in the generated file.
            var ordered = new JsonObject();
            if (description is not null)
                ordered["description"] = description;
            foreach (var (key, node) in propertySchema.ToList())
            {
                propertySchema.Remove(key);
                ordered[key] = node;
            }
            ApplyConstraints(ordered, provider, required, property.Name);
            // A required field has no default: the author must say it.
            if (instance is not null && Attribute<RequiredAttribute>(provider) is null
                && property.Get?.Invoke(instance) is { } value && DefaultValue(value, property.PropertyType) is { } defaultValue)
            {
                ordered["default"] = defaultValue;
            }

            properties[property.Name] = ordered;
        }
        if (properties.Count > 0)
            schema["properties"] = properties;
        if (required.Count > 0)
            schema["required"] = required;
        return schema;
    }

    private static void ApplyConstraints(JsonObject schema, ICustomAttributeProvider? provider, JsonArray required, string name)
    {
        if (Attribute<RequiredAttribute>(provider) is not null)
            required.Add((JsonNode)name);
        if (Attribute<PatternAttribute>(provider) is { } pattern)
            schema["pattern"] = pattern.Pattern;
        if (Attribute<RangeAttribute>(provider) is { } range)
        {
            schema["minimum"] = range.Minimum;
            schema["maximum"] = range.Maximum;
        }
        if (Attribute<MaxLengthAttribute>(provider) is { } maxLength)
        {
            var keyword = schema["type"]?.GetValue<string>() switch
            {
                "array" => "maxItems",
                "object" => "maxProperties",
                _ => "maxLength",
            };
            schema[keyword] = maxLength.Length;
        }
        if (Attribute<ListMapKeyAttribute>(provider) is { } listMapKey)
        {
            schema["x-kubernetes-list-type"] = "map";
            schema["x-kubernetes-list-map-keys"] = new JsonArray(listMapKey.Key);
            // A list-map key must be required in every item.
            var items = schema["items"]!.AsObject();
            var itemRequired = items["required"] as JsonArray ?? new JsonArray();
            if (!itemRequired.Any(r => r!.GetValue<string>() == listMapKey.Key))
                itemRequired.Add((JsonNode)listMapKey.Key);
            items["required"] = itemRequired;
        }
    }

    private JsonNode? DefaultValue(object value, Type propertyType)
    {
        var node = JsonSerializer.SerializeToNode(value, options.GetTypeInfo(propertyType));
        return Prune(node) ? null : node;
    }

    /// <summary>Drops empty strings, lists and maps from a default; says whether nothing is left.</summary>
    private static bool Prune(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return true;
            case JsonArray array:
                return array.Count == 0;
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                return text.GetValue<string>().Length == 0;
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (Prune(child))
                        obj.Remove(key);
                }
                return obj.Count == 0;
            default:
                return false;
        }
    }

    private static JsonObject Primitive(Type type) => type switch
    {
        _ when type == typeof(string) => new JsonObject { ["type"] = "string" },
        _ when type == typeof(bool) => new JsonObject { ["type"] = "boolean" },
        _ when type == typeof(int) => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
        _ when type == typeof(long) => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
        _ when type == typeof(double) => new JsonObject { ["type"] = "number" },
        _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        _ => throw new InvalidOperationException($"no OpenAPI mapping for {type}; add one to {nameof(OpenApiSchemaGenerator)}"),
    };

    private static T? Attribute<T>(ICustomAttributeProvider? provider) where T : Attribute =>
        provider?.GetCustomAttributes(typeof(T), true).OfType<T>().FirstOrDefault();
}
