using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mailsub.Runtime.Kinds;

/// <summary>
/// Builds the <see cref="JsonObject"/> a cache keeps from an object's UTF-8 JSON, laid out for
/// what a controller reads of it. A <see cref="JsonNode.Parse(ReadOnlySpan{byte}, JsonNodeOptions?, JsonDocumentOptions)"/>
/// result keeps the whole text and its token index, and every part a reader touches (the root,
/// metadata, labels, owner references: every cached object's, for keys and indexes) is then
/// expanded into nodes beside it, with its own copy of every property name: both at once. Here
/// the root and metadata are built as nodes once, with names and repeating values shared through
/// a <see cref="StringPool"/>, and each other top-level object (spec, status, data) is parsed
/// lazily from its own text, so a drift check or status read expands only what it walks.
/// </summary>
public static class CompactJson
{
    public static JsonObject Build(ReadOnlySpan<byte> utf8, StringPool pool)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A cached object that is not a JSON object.");
        }
        var properties = new List<KeyValuePair<string, JsonNode?>>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = pool.Intern(reader.GetString()!);
            reader.Read();
            JsonNode? value;
            if (name != "metadata" && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                value = JsonNode.Parse(utf8[start..(int)reader.BytesConsumed]);
            }
            else
            {
                value = Nodes(ref reader, pool, parent: "", name);
            }
            properties.Add(new(name, value));
        }
        return new JsonObject(properties);
    }

    private static JsonNode? Nodes(ref Utf8JsonReader reader, StringPool pool, string parent, string name)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var properties = new List<KeyValuePair<string, JsonNode?>>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = pool.Intern(reader.GetString()!);
                    reader.Read();
                    properties.Add(new(key, Nodes(ref reader, pool, name, key)));
                }
                return new JsonObject(properties);
            case JsonTokenType.StartArray:
                var items = new List<JsonNode?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(Nodes(ref reader, pool, parent, name));
                }
                return new JsonArray([.. items]);
            case JsonTokenType.String:
                var text = reader.GetString()!;
                return JsonValue.Create(Unique(parent, name) ? text : pool.Intern(text));
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var number) ? JsonValue.Create(number) : JsonNode.Parse(reader.ValueSpan);
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            default:
                return null;
        }
    }

    /// <summary>Values no other object shares: not worth a place in the pool.</summary>
    private static bool Unique(string parent, string name) =>
        parent == "annotations"
        || (parent == "metadata" && name is "name" or "uid" or "resourceVersion" or "creationTimestamp" or "deletionTimestamp" or "generateName");
}
