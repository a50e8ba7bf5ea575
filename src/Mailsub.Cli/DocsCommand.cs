using System.CommandLine;
using Mailsub.Core.Schema;

namespace Mailsub.Cli;

/// <summary>`mailsub docs`: the API reference (docs/reference.md, and README's generated block), from the API types.</summary>
public static class DocsCommand
{
    public static Command Create()
    {
        var readme = new Option<FileInfo?>("--readme") { Description = "Rewrite the generated reference block of this README in place instead of printing." };
        var command = new Command("docs", "Print the MailSubmission API reference in Markdown (the file docs/reference.md).") { readme };
        command.SetAction(result =>
        {
            if (result.GetValue(readme) is { } file)
            {
                File.WriteAllText(file.FullName, ReferenceGenerator.ReplaceReadmeBlock(File.ReadAllText(file.FullName)));
                return ExitCodes.Ok;
            }
            Console.Out.Write(ReferenceGenerator.Generate());
            return ExitCodes.Ok;
        });
        return command;
    }
}
