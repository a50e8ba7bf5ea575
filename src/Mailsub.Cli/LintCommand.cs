using System.CommandLine;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Validation;

namespace Mailsub.Cli;

/// <summary>
/// `mailsub lint -f FILE [-o text|json]`: the policy findings of the configuration a resource
/// renders, each at the spec field to change (the rendered file and parameter as detail), then the
/// conditions the operator would write and status.policy. The judgement is the webhook's and the
/// reconciler's (<see cref="SubmissionCheck"/>, through <see cref="SubmissionFile"/>).
/// </summary>
public static class LintCommand
{
    private const string NotDone = "the policy analysis needs a valid spec";

    public static Command Create()
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "The MailSubmission YAML or JSON file.", Required = true };
        var format = new Option<string>("--output", "-o") { Description = "text (tables), or json (one object: policy, findings, conditions; on invalid input, errors) for CI.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("lint", "Print the policy findings (open relay, cleartext AUTH, TLS posture, deprecated parameters) at the spec fields they come from. Exit 1 on an error finding, 2 on invalid input.") { file, format };
        command.SetAction(parse =>
        {
            var loaded = SubmissionFile.Read(parse.GetValue(file)!);
            var json = parse.GetValue(format) == "json";
            loaded.Report(NotDone);
            if (loaded.Valid is not { } valid || loaded.Check?.Report is not { } report)
            {
                if (json)
                    FindingOutput.Write(Invalid(loaded));
                return ExitCodes.InvalidInput;
            }
            if (json)
                FindingOutput.Write(Json(valid, report));
            else
                WriteText(valid, report);
            return report.Findings.Any(f => f.Severity == Severity.Error) ? ExitCodes.PolicyError : ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteText(ValidSubmission valid, PolicyReport report)
    {
        FindingOutput.WriteTable(Console.Out, report.Findings, f => SpecField.Of(valid, f.Location), "RENDERED");
        Console.Out.WriteLine();
        FindingOutput.WriteTable(Console.Out, ["CONDITION", "STATUS", "REASON"], report.Conditions.Select(c => new[] { c.Type, c.Status, c.Reason }));
        Console.Out.WriteLine();
        Console.Out.WriteLine($"policy: {report.Summary}");
    }

    private static JsonObject Json(ValidSubmission valid, PolicyReport report) => new()
    {
        ["policy"] = report.Summary,
        ["findings"] = FindingOutput.Json(report.Findings, f => SpecField.Of(valid, f.Location), "rendered"),
        ["conditions"] = new JsonArray([.. report.Conditions.Select(c => new JsonObject
        {
            ["type"] = c.Type, ["status"] = c.Status, ["reason"] = c.Reason, ["message"] = c.Message,
        })]),
    };

    private static JsonObject Invalid(SubmissionFile loaded) => new()
    {
        ["policy"] = PolicySummary.Unknown,
        ["errors"] = loaded.Unreadable is { } unreadable
            ? new JsonArray(new JsonObject { ["field"] = null, ["message"] = unreadable })
            : new JsonArray([.. loaded.Errors.Select(e => new JsonObject { ["field"] = e.Field, ["message"] = e.Message })]),
    };
}
