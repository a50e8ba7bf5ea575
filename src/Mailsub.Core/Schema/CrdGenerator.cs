using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Serialization;

namespace Mailsub.Core.Schema;

/// <summary>The MailSubmission CustomResourceDefinition, generated from the C# types.</summary>
public static class CrdGenerator
{
    public const string FileName = "mailsub.dev_mailsubmissions.yaml";

    public static JsonObject Build()
    {
        var generator = new OpenApiSchemaGenerator(ApiJsonContext.Default.Options);
        var root = new JsonObject
        {
            ["description"] = typeof(MailSubmission).GetCustomAttribute<DescriptionAttribute>()!.Description,
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["description"] = "Versioned schema of this object: mailsub.dev/v1alpha1.", ["type"] = "string" },
                ["kind"] = new JsonObject { ["description"] = "Kind of this object: MailSubmission.", ["type"] = "string" },
                ["metadata"] = new JsonObject { ["type"] = "object" },
                ["spec"] = generator.For(typeof(MailSubmissionSpec), withDefaults: true),
                ["status"] = generator.For(typeof(MailSubmissionStatus), withDefaults: false),
            },
            ["required"] = new JsonArray("spec"),
        };
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{MailSubmission.Plural}.{MailSubmission.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = MailSubmission.Group,
                ["names"] = new JsonObject
                {
                    ["kind"] = MailSubmission.KindValue,
                    ["listKind"] = MailSubmission.KindValue + "List",
                    ["plural"] = MailSubmission.Plural,
                    ["singular"] = MailSubmission.Singular,
                    ["shortNames"] = new JsonArray(MailSubmission.ShortName),
                    ["categories"] = new JsonArray("mail"),
                },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = MailSubmission.Version,
                    ["served"] = true,
                    ["storage"] = true,
                    ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                    ["additionalPrinterColumns"] = new JsonArray(
                        Column("Ready", "string", $".status.conditions[?(@.type==\"{ConditionTypes.Ready}\")].status", "Whether the service is ready."),
                        Column("Policy", "string", ".status.policy", "Policy health: Healthy, Warning, Unhealthy, or Unknown when the spec fails validation."),
                        Column("TLS", "string", $".status.conditions[?(@.type==\"{ConditionTypes.TlsReady}\")].status", "Whether the certificate is ready."),
                        Column("Age", "date", ".metadata.creationTimestamp", null),
                        // -o wide, as cert-manager's Certificate: what a broken resource needs first.
                        Column("Replicas", "integer", ".spec.workload.replicas", "Postfix pods wanted.", wide: true),
                        Column("Available", "integer", ".status.availableReplicas", "Postfix pods available.", wide: true),
                        Column("Reason", "string", $".status.conditions[?(@.type==\"{ConditionTypes.Ready}\")].reason", "Why the service is or is not ready.", wide: true),
                        Column("Message", "string", $".status.conditions[?(@.type==\"{ConditionTypes.Ready}\")].message", "What to do when it is not.", wide: true)),
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = root },
                }),
            },
        };
    }

    /// <summary>The CRD as the YAML file kept in crds/ and printed by `mailsub crd`.</summary>
    public static string ToYaml() =>
        "# Generated from the C# types in src/Mailsub.Core/Api by `mailsub crd`. Do not edit.\n" + YamlWriter.Write(Build());

    /// <param name="wide">Shown only by `kubectl get -o wide` (priority 1).</param>
    private static JsonObject Column(string name, string type, string path, string? description, bool wide = false)
    {
        var column = new JsonObject { ["name"] = name, ["type"] = type, ["jsonPath"] = path };
        if (description is not null)
            column["description"] = description;
        if (wide)
            column["priority"] = 1;
        return column;
    }
}
