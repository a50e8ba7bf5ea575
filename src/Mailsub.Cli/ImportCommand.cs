using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Import;
using Mailsub.Core.Policy;
using Mailsub.Core.Serialization;

namespace Mailsub.Cli;

/// <summary>
/// `mailsub import -f main.cf [--master master.cf] [--sasl smtpd.conf]`: the MailSubmission that
/// reproduces a hand-written Postfix configuration, on stdout, and on stderr the findings: the
/// policy analysis of the files, and every parameter the resource does not carry over. Exit codes
/// as lint: 1 on an error finding (the resource is printed anyway, to be fixed), 2 when a file
/// cannot be read.
/// </summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var main = new Option<FileInfo>("--file", "-f") { Description = "The hand-written main.cf.", Required = true };
        var master = new Option<FileInfo?>("--master") { Description = "Its master.cf. Without it, Debian's stock master.cf (smtpd on port 25 only)." };
        var sasl = new Option<FileInfo?>("--sasl") { Description = "Cyrus SASL's smtpd.conf (its mech_list). Without it, every mechanism Cyrus installs." };
        var name = new Option<string?>("--name") { Description = "metadata.name. Default: the host name with dashes (mail.example.net: mail-example-net)." };
        var @namespace = new Option<string>("--namespace", "-n") { Description = "metadata.namespace.", DefaultValueFactory = _ => "default" };
        var format = new Option<string>("--output", "-o") { Description = "text (the resource as YAML on stdout, the findings as a table on stderr), or json (one object: resource, findings) for CI.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("import", "Print the MailSubmission that reproduces a hand-written Postfix configuration (relay, AUTH, TLS), and a finding for each trap in it and each parameter it cannot carry over. Exit 1 on an error finding, 2 when a file cannot be read.")
        {
            main, master, sasl, name, @namespace, format,
        };
        command.SetAction(parse =>
        {
            var files = new[] { parse.GetValue(main), parse.GetValue(master), parse.GetValue(sasl) }.Select(Read).ToList();
            if (files.Any(f => f.Problem is not null))
            {
                foreach (var problem in files.Select(f => f.Problem).OfType<string>())
                    Console.Error.WriteLine($"error: {problem}");
                Console.Error.WriteLine("nothing was imported.");
                return ExitCodes.InvalidInput;
            }
            var result = PostfixImport.Import(new ImportSource(files[0].Text!, files[1].Text, files[2].Text), parse.GetValue(name), parse.GetValue(@namespace)!);
            var resource = JsonSerializer.SerializeToNode(result.Resource, ApiJsonContext.Default.MailSubmission)!;
            string? FieldOf(Finding f) => result.Valid is { } valid ? SpecField.Of(valid, f.Location) : f.Location.StartsWith("spec", StringComparison.Ordinal) ? f.Location : null;
            if (parse.GetValue(format) == "json")
            {
                FindingOutput.Write(new JsonObject
                {
                    ["resource"] = resource,
                    ["findings"] = FindingOutput.Json(result.Findings, FieldOf, "source"),
                });
            }
            else
            {
                Console.Out.WriteLine($"# Imported by `mailsub import` from {parse.GetValue(main)!.Name}; the findings (stderr) say what it could not carry over.");
                Console.Out.Write(YamlWriter.Write(resource));
                FindingOutput.WriteTable(Console.Error, result.Findings, FieldOf, "SOURCE");
                var errors = result.Findings.Count(f => f.Severity == Severity.Error);
                var warnings = result.Findings.Count(f => f.Severity == Severity.Warning);
                Console.Error.WriteLine($"{result.Findings.Count} findings: {errors} errors, {warnings} warnings. " +
                    (errors > 0 ? "Fix the errors in the printed resource before applying it." : "Review the warnings, then apply the resource."));
            }
            return result.HasErrors ? ExitCodes.PolicyError : ExitCodes.Ok;
        });
        return command;
    }

    private static (string? Text, string? Problem) Read(FileInfo? file)
    {
        if (file is null)
            return (null, null);
        try
        {
            return (File.ReadAllText(file.FullName), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read {file.FullName}: {e.Message}");
        }
    }
}
