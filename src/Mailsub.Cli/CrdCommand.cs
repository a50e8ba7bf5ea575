using System.CommandLine;
using Mailsub.Core.Schema;

namespace Mailsub.Cli;

/// <summary>`mailsub crd`: the CustomResourceDefinition, generated from the API types.</summary>
public static class CrdCommand
{
    public static Command Create()
    {
        var command = new Command("crd", "Print the MailSubmission CustomResourceDefinition (the file in crds/).");
        command.SetAction(_ =>
        {
            Console.Out.Write(CrdGenerator.ToYaml());
            return ExitCodes.Ok;
        });
        return command;
    }
}
