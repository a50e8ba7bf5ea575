using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mailsub.Core.Serialization;

/// <summary>
/// Writes JSON as block-style YAML, the way kubectl shows objects: keys in the order given,
/// multi-line strings (main.cf) as literal blocks, and quotes only where YAML would otherwise read
/// a string as something else. Deterministic, so rendered manifests can be golden files.
/// </summary>
public static partial class YamlWriter
{
    // Plain scalars that can never be read back as anything but the same string.
    [GeneratedRegex(@"^[A-Za-z_/.$][-A-Za-z0-9_./@$]*( [-A-Za-z0-9_./@$]+)*$")]
    private static partial Regex PlainSafeRegex();

    [GeneratedRegex(@"^(true|false|null|yes|no|on|off|y|n|~)$", RegexOptions.IgnoreCase)]
    private static partial Regex ReservedWordRegex();

    /// <summary>Documents separated by "---", each ending in a newline.</summary>
    public static string WriteAll(IEnumerable<JsonNode?> documents) =>
        string.Join("---\n", documents.Select(Write));

    public static string Write(JsonNode? node)
    {
        var builder = new StringBuilder();
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                WriteObject(builder, obj, 0);
                break;
            case JsonArray array when array.Count > 0:
                WriteArray(builder, array, 0);
                break;
            default:
                builder.Append(Scalar(node, 0)).Append('\n');
                break;
        }
        return builder.ToString();
    }

    private static void WriteObject(StringBuilder builder, JsonObject obj, int indent)
    {
        foreach (var (key, value) in obj)
        {
            builder.Append(' ', indent).Append(Key(key)).Append(':');
            WriteValue(builder, value, indent + 2, indent);
        }
    }

    private static void WriteArray(StringBuilder builder, JsonArray array, int indent)
    {
        foreach (var item in array)
        {
            builder.Append(' ', indent).Append('-');
            if (item is JsonObject obj && obj.Count > 0)
            {
                // The first key shares the dash's line, the rest align under it.
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (first)
                        builder.Append(' ');
                    else
                        builder.Append(' ', indent + 2);
                    builder.Append(Key(key)).Append(':');
                    WriteValue(builder, value, indent + 4, indent + 2);
                    first = false;
                }
            }
            else
            {
                WriteValue(builder, item, indent + 2, indent);
            }
        }
    }

    private static void WriteValue(StringBuilder builder, JsonNode? value, int childIndent, int ownIndent)
    {
        switch (value)
        {
            case JsonObject obj when obj.Count > 0:
                builder.Append('\n');
                WriteObject(builder, obj, childIndent);
                break;
            case JsonArray array when array.Count > 0:
                // kubectl style: sequence items at the key's own indentation.
                builder.Append('\n');
                WriteArray(builder, array, ownIndent);
                break;
            default:
                builder.Append(' ').Append(Scalar(value, childIndent)).Append('\n');
                break;
        }
    }

    private static string Key(string key) => IsPlainSafe(key) ? key : Quote(key);

    private static string Scalar(JsonNode? node, int indent)
    {
        switch (node)
        {
            case null:
                return "null";
            case JsonObject:
                return "{}";
            case JsonArray:
                return "[]";
        }
        switch (node.GetValueKind())
        {
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Number:
                return node.ToJsonString();
            default:
                var text = node.GetValue<string>();
                if (text.Contains('\n') && !text.EndsWith("\n\n") && !text.Any(c => char.IsControl(c) && c != '\n') && !char.IsWhiteSpace(text[0]))
                    return LiteralBlock(text, indent);
                return IsPlainSafe(text) ? text : Quote(text);
        }
    }

    private static bool IsPlainSafe(string text) =>
        text.Length > 0 && PlainSafeRegex().IsMatch(text) && !ReservedWordRegex().IsMatch(text)
        && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string LiteralBlock(string text, int indent)
    {
        // "|" keeps the one final newline, "|-" means there is none.
        var chomp = text.EndsWith('\n') ? "" : "-";
        var body = text.EndsWith('\n') ? text[..^1] : text;
        var pad = new string(' ', indent);
        var lines = body.Split('\n').Select(l => l.Length == 0 ? "" : pad + l);
        return "|" + chomp + "\n" + string.Join("\n", lines);
    }

    private static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }
}
