using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Serialization;

/// <summary>Reads a MailSubmission from YAML or JSON, turning every failure into a field-named error.</summary>
public static partial class ManifestReader
{
    [GeneratedRegex(@"could not be mapped to any \.NET member")]
    private static partial Regex UnknownMemberRegex();

    [GeneratedRegex(@"could not be converted to (?<type>[\w.`\[\], =]+?)(\. Path|\.$| Path|$)")]
    private static partial Regex ConversionRegex();

    private static readonly FieldPath Input = FieldPath.Root("<input>");

    public static ReadResult ReadMailSubmission(string text)
    {
        IReadOnlyList<JsonNode?> documents;
        try
        {
            documents = YamlDocuments.Parse(text);
        }
        catch (YamlSyntaxException e)
        {
            return ReadResult.Failed(FieldError.Invalid(Input, $"not valid YAML: {e.Message}"));
        }
        var objects = documents.Where(d => d is not null).ToList();
        if (objects.Count != 1)
            return ReadResult.Failed(FieldError.Invalid(Input, $"expected one MailSubmission document, found {objects.Count}"));
        return FromJson(objects[0]!);
    }

    public static ReadResult FromJson(JsonNode node)
    {
        if (node is not JsonObject obj)
            return ReadResult.Failed(FieldError.Invalid(Input, "expected a mapping with apiVersion, kind, metadata and spec"));
        if (obj["kind"]?.GetValueKind() == JsonValueKind.String && obj["kind"]!.GetValue<string>() != MailSubmission.KindValue)
            return ReadResult.Failed(FieldError.Invalid(FieldPath.Root("kind"), $"expected {MailSubmission.KindValue}, found \"{obj["kind"]}\""));
        try
        {
            var resource = obj.Deserialize(ApiJsonContext.Default.MailSubmission);
            return resource is null
                ? ReadResult.Failed(FieldError.Invalid(Input, "empty document"))
                : ReadResult.Ok(resource);
        }
        catch (JsonException e)
        {
            return ReadResult.Failed(Describe(e));
        }
    }

    /// <summary>System.Text.Json speaks of .NET types; a resource author needs the field and the expected shape.</summary>
    private static FieldError Describe(JsonException e)
    {
        // System.Text.Json writes the path in the API's notation already, so it is taken whole.
        var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        path = path.Length == 0 ? "<input>" : path;
        var message = e.Message;
        if (UnknownMemberRegex().IsMatch(message))
        {
            var name = message.Split('\'') is { Length: > 2 } parts ? parts[1] : "?";
            var field = path == "<input>" ? name : path == name || path.EndsWith("." + name, StringComparison.Ordinal) ? path : $"{path}.{name}";
            return FieldError.Invalid(FieldPath.Root(field), "unknown field; check the spelling against `mailsub crd` or `kubectl explain mailsubmission.spec`");
        }
        if (ConversionRegex().Match(message) is { Success: true } match)
            return FieldError.Invalid(FieldPath.Root(path), $"wrong type: expected {Friendly(match.Groups["type"].Value)}");
        return FieldError.Invalid(FieldPath.Root(path), "cannot be read: " + message.Split(" Path:")[0]);
    }

    private static string Friendly(string type)
    {
        var nullable = type.StartsWith("System.Nullable", StringComparison.Ordinal);
        // System.Nullable`1[T] or System.Nullable`1[[T, assembly]]: the T alone.
        var inner = nullable ? type[(type.IndexOf('[') + 1)..].Split(',')[0].Trim('[', ']') : type;
        return inner switch
        {
            "System.Int32" or "System.Int64" => "an integer",
            "System.Boolean" => "true or false",
            "System.String" => "a string",
            _ when inner.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) => "a list",
            _ when inner.StartsWith("System.Collections.Generic.Dictionary", StringComparison.Ordinal) => "a mapping of strings",
            _ when inner.StartsWith("Mailsub.Core.Api.", StringComparison.Ordinal) && EnumValues.Of(inner) is { } values => "one of " + string.Join(", ", values),
            _ when inner.StartsWith("Mailsub.Core.Api.", StringComparison.Ordinal) => "a mapping",
            _ => "a value of type " + inner.Split('.')[^1],
        };
    }
}

public sealed class ReadResult
{
    private ReadResult(MailSubmission? resource, IReadOnlyList<FieldError> errors)
    {
        Resource = resource;
        Errors = errors;
    }

    public MailSubmission? Resource { get; }
    public IReadOnlyList<FieldError> Errors { get; }

    internal static ReadResult Ok(MailSubmission resource) => new(resource, []);
    internal static ReadResult Failed(FieldError error) => new(null, [error]);
}
