using System.Text.Json;
using System.Text.Json.Nodes;
using Mailsub.Core.Policy;

namespace Mailsub.Cli;

/// <summary>
/// Findings as `lint` and `import` print them: a table, or a JSON array for CI, each finding at
/// the spec field to change, with where in the Postfix files it was found as detail.
/// </summary>
internal static class FindingOutput
{
    private static string Severe(Finding finding) => finding.Severity.ToString().ToLowerInvariant();

    /// <summary>The file location when it says more than the field does.</summary>
    private static string? Detail(Finding finding) => finding.Location.StartsWith("spec", StringComparison.Ordinal) ? null : finding.Location;

    /// <param name="detail">The column of the file location: RENDERED for lint, SOURCE for import.</param>
    public static void WriteTable(TextWriter writer, IReadOnlyList<Finding> findings, Func<Finding, string?> field, string detail)
    {
        if (findings.Count == 0)
        {
            writer.WriteLine("no findings");
        }
        else
        {
            WriteTable(writer, ["FIELD", "SEVERITY", "CODE", detail, "MESSAGE"], findings.Select(f => new[]
            {
                field(f) ?? "-", Severe(f), f.Code, Detail(f) ?? "-", f.Message,
            }));
        }
    }

    /// <summary>Columns padded as kubectl pads them; the last one (a message) is left as it is.</summary>
    public static void WriteTable(TextWriter writer, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
            writer.WriteLine(string.Join("   ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
    }

    /// <param name="detail">The key of the file location: "rendered" for lint, "source" for import.</param>
    public static JsonArray Json(IReadOnlyList<Finding> findings, Func<Finding, string?> field, string detail) =>
        new([.. findings.Select(f => new JsonObject
        {
            ["field"] = field(f),
            ["severity"] = Severe(f),
            ["code"] = f.Code,
            // The import's own findings decide no condition.
            ["condition"] = f.ConditionType.Length > 0 ? f.ConditionType : null,
            [detail] = Detail(f),
            ["message"] = f.Message,
        })]);

    public static void Write(JsonObject json) => Console.Out.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
