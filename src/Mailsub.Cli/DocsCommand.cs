using System.CommandLine;
using Mailsub.Core.Schema;

namespace Mailsub.Cli;

/// <summary>`mailsub docs`: the API reference (docs/reference.md), generated from the API types.</summary>
public static class DocsCommand
{
    public static Command Create()
    {
        var command = new Command("docs", "Print the MailSubmission API reference in Markdown (the file docs/reference.md).");
        command.SetAction(_ =>
        {
            Console.Out.Write(ReferenceGenerator.Generate());
            return ExitCodes.Ok;
        });
        return command;
    }
}
