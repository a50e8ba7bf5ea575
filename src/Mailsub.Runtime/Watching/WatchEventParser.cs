using System.Text.Json;
using Mailsub.Runtime.Api;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Runtime.Watching;

/// <summary>
/// Parses one watch line, <c>{"type":"ADDED","object":{...}}</c>, straight from its UTF-8 bytes:
/// the object is deserialized by the kind from the same reader, so the only allocation is the
/// object itself. "object" before "type" is handled too.
/// </summary>
internal static class WatchEventParser
{
    public static WatchEvent<T> Parse<T>(ReadOnlySpan<byte> line, ResourceKind<T> kind) where T : class
    {
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A watch event that is not a JSON object.");
        }

        WatchEventType? type = null;
        T? obj = null;
        StatusBody? status = null;
        var pending = default(Utf8JsonReader);
        var hasPending = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = ParseType(ref reader);
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                if (type is null)
                {
                    pending = reader; // "object" came first: read it once the type is known
                    hasPending = true;
                    reader.Skip();
                }
                else
                {
                    ReadObject(ref reader, type.Value, kind, ref obj, ref status);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (type is null)
        {
            throw new JsonException("A watch event without a type.");
        }
        if (hasPending)
        {
            ReadObject(ref pending, type.Value, kind, ref obj, ref status);
        }
        if (type == WatchEventType.Error)
        {
            var s = status ?? default;
            return new WatchEvent<T>(WatchEventType.Error, null, s.Code, s.Reason, s.Message);
        }
        if (obj is null)
        {
            throw new JsonException($"A watch event of type {type} without an object.");
        }
        return new WatchEvent<T>(type.Value, obj);
    }

    private static void ReadObject<T>(ref Utf8JsonReader reader, WatchEventType type, ResourceKind<T> kind, ref T? obj, ref StatusBody? status)
        where T : class
    {
        if (type == WatchEventType.Error)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            status = StatusBody.From(doc.RootElement);
        }
        else if (reader.TokenType == JsonTokenType.StartObject)
        {
            obj = kind.Read(ref reader);
        }
        else
        {
            reader.Skip();
        }
    }

    private static WatchEventType ParseType(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("ADDED"u8)) return WatchEventType.Added;
        if (reader.ValueTextEquals("MODIFIED"u8)) return WatchEventType.Modified;
        if (reader.ValueTextEquals("DELETED"u8)) return WatchEventType.Deleted;
        if (reader.ValueTextEquals("BOOKMARK"u8)) return WatchEventType.Bookmark;
        if (reader.ValueTextEquals("ERROR"u8)) return WatchEventType.Error;
        throw new JsonException($"Unknown watch event type '{reader.GetString()}'.");
    }
}
