using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mailsub.Core.Serialization;

/// <summary>
/// YAML to JSON without reflection: YamlDotNet's node model, with plain scalars resolved by the
/// YAML 1.2 core schema, then System.Text.Json's source-generated contexts take over.
/// </summary>
public static partial class YamlDocuments
{
    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerRegex();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatRegex();

    /// <summary>Every document of a YAML stream, as JSON. Throws <see cref="YamlSyntaxException"/>.</summary>
    public static IReadOnlyList<JsonNode?> Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new YamlSyntaxException($"line {e.Start.Line}, column {e.Start.Column}: {Innermost(e).Message}");
        }
        return stream.Documents.Select(d => ToJson(d.RootNode)).ToList();
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ToObject(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new YamlSyntaxException($"line {node.Start.Line}: unsupported YAML node"),
    };

    private static JsonObject ToObject(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
                throw new YamlSyntaxException($"line {keyNode.Start.Line}, column {keyNode.Start.Column}: mapping keys must be strings");
            if (result.ContainsKey(key))
                throw new YamlSyntaxException($"line {keyNode.Start.Line}, column {keyNode.Start.Column}: key \"{key}\" appears twice");
            result[key] = ToJson(valueNode);
        }
        return result;
    }

    private static JsonNode? ToScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
            return JsonValue.Create(value);
        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when IntegerRegex().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when FloatRegex().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }
}

/// <summary>The input is not well-formed YAML; the message names the line and column.</summary>
public sealed class YamlSyntaxException(string message) : Exception(message);
