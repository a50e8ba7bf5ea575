using System.Text.Json.Nodes;
using Mailsub.Core.Serialization;

namespace Mailsub.Chart.Tests;

/// <summary>The objects of a `helm template` (or `kubectl kustomize`) output.</summary>
public sealed class Rendered(string yaml)
{
    public string Yaml { get; } = yaml;

    public IReadOnlyList<JsonObject> Objects { get; } = YamlDocuments.Parse(yaml).OfType<JsonObject>().ToList();

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind) => Assert.Single(OfKind(kind));

    public IEnumerable<string> Kinds => Objects.Select(o => (string)o["kind"]!);

    public static async Task<Rendered> TemplateAsync(params string[] extra) =>
        new(await Tools.Helm(null, ["template", "mailsub", Tools.ChartDirectory, "--namespace", "mailsub-system", .. extra]).ConfigureAwait(false));
}
