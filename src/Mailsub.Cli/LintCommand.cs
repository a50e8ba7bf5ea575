using System.CommandLine;
using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;

namespace Mailsub.Cli;

/// <summary>`mailsub lint -f FILE`: the policy findings of the configuration a resource renders.</summary>
public static class LintCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "The MailSubmission YAML or JSON file.", Required = true };
        var command = new Command("lint", "Print the policy findings (open relay, cleartext AUTH, TLS posture, deprecated parameters). Exit 1 on an error finding, 2 on invalid input.") { file };
        command.SetAction(parse =>
        {
            var valid = SubmissionFile.Load(parse.GetValue(file)!);
            if (valid is null)
                return ExitCodes.InvalidInput;
            var rendered = PostfixRenderer.Render(valid);
            var report = PolicyChain.Standard.Evaluate(PolicyInput.From(valid, rendered.MainCf, rendered.MasterCf, rendered.SmtpdConf));
            foreach (var finding in report.Findings)
                Console.Out.WriteLine($"{finding.Severity.ToString().ToLowerInvariant()}\t{finding.Code}\t{finding.Location}\t{finding.Message}");
            foreach (var condition in report.Conditions)
                Console.Out.WriteLine($"condition\t{condition.Type}={condition.Status}\t{condition.Reason}");
            Console.Out.WriteLine($"policy\t{report.Summary}");
            return report.Findings.Any(f => f.Severity == Severity.Error) ? ExitCodes.PolicyError : ExitCodes.Ok;
        });
        return command;
    }
}
