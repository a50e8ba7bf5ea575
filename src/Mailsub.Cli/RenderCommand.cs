using System.CommandLine;
using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Core.Rendering;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;

namespace Mailsub.Cli;

/// <summary>
/// `mailsub render -f FILE [-o DIR]`: every child manifest and the plain Postfix files, so a user
/// sees exactly what will run, like `helm template`. The users Secret is left out: the CLI reads no
/// Secrets, so it could only write placeholders, which `kubectl apply` would make real passwords.
/// </summary>
public static class RenderCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "The MailSubmission YAML or JSON file.", Required = true };
        var output = new Option<DirectoryInfo?>("--output-dir", "-o") { Description = "Write one YAML file per object, and postfix/main.cf, master.cf and smtpd.conf, into this folder. Without it, all manifests go to stdout." };
        var image = new Option<string>("--postfix-image") { Description = "Postfix image for resources that name none.", DefaultValueFactory = _ => BuildOptions.DefaultPostfixImage };
        var command = new Command("render", "Render the child manifests (all but the users Secret, which holds passwords only the operator resolves) and the Postfix configuration of a MailSubmission; say on stderr what must exist first. Exit 2 on invalid input, and then nothing is written.") { file, output, image };
        command.SetAction(parse =>
        {
            var valid = SubmissionFile.Load(parse.GetValue(file)!, "nothing was rendered");
            if (valid is null)
                return ExitCodes.InvalidInput;
            var rendered = PostfixRenderer.Render(valid);
            // The passwords and DKIM keys only fill the users and dkim Secrets, which are dropped below.
            var passwords = valid.Spec.Auth.Users.ToDictionary(u => u.Name, _ => "");
            var dkimKeys = valid.DkimKeys.ToDictionary(k => k.RecordName, _ => "");
            var children = ChildObjects.Build(valid, rendered, passwords, new BuildOptions(parse.GetValue(image)!), dkimKeys)
                .Where(c => !(c is V1Secret && (c.Metadata.Name == ChildNames.Users(valid) || c.Metadata.Name == ChildNames.Dkim(valid)))).ToList();
            if (parse.GetValue(output) is not { } directory)
            {
                Console.Out.Write(ObjectJson.ToYaml(children));
            }
            else
            {
                var postfix = Directory.CreateDirectory(Path.Combine(directory.FullName, "postfix"));
                foreach (var child in children)
                    File.WriteAllText(Path.Combine(directory.FullName, $"{child.Kind.ToLowerInvariant()}-{child.Metadata.Name}.yaml"), ObjectJson.ToYaml([child]));
                foreach (var (name, content) in rendered.Files)
                    File.WriteAllText(Path.Combine(postfix.FullName, name), content);
                Console.Error.WriteLine($"wrote {children.Count} manifests and {rendered.Files.Count} Postfix files to {directory.FullName}");
            }
            foreach (var line in Notes(valid))
                Console.Error.WriteLine(line);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What the manifests leave to the operator and to the user, for stderr.</summary>
    private static IEnumerable<string> Notes(ValidSubmission valid)
    {
        var generated = valid.Spec.Auth.Users.Where(u => u.PasswordSecretRef is null).Select(u => u.Name).ToList();
        yield return $"left out: Secret {ChildNames.Users(valid)}, every user's password, which the Deployment mounts. "
            + "The operator writes it when it reconciles, from the Secrets below"
            + (generated.Count > 0 ? $" and the passwords it generates for {string.Join(", ", generated)} (into Secret {ChildNames.GeneratedPasswords(valid)})" : "")
            + "; this command reads no Secrets, so it has no password to put there.";
        if (valid.DkimKeys.Count > 0)
        {
            yield return $"left out: Secret {ChildNames.Dkim(valid)}, the DKIM private keys the Deployment mounts, which the operator writes "
                + $"from the Secrets below and the keys it generates (into Secret {ChildNames.GeneratedDkimKeys(valid)}). Publish these DNS TXT "
                + "records; their public keys are in the MailSubmission's status.dkimRecords once the operator has the keys:";
            foreach (var key in valid.DkimKeys)
                yield return $"  {key.RecordName} TXT \"v=DKIM1; k=rsa; p=<the public key of {(key.PrivateKeySecretRef is { } r ? $"key {r.Key} of Secret {r.Name}" : "the key the operator generates")}>\"{(key.Signs ? " (signing)" : "")}";
        }
        var prerequisites = Prerequisites.Of(valid.Spec).ToList();
        if (prerequisites.Count == 0)
            yield break;
        yield return "must exist before the pods can start:";
        foreach (var p in prerequisites)
            yield return $"  {p.Kind} {(p.Kind == nameof(IssuerKind.ClusterIssuer) ? "" : valid.Namespace + "/")}{p.Name} ({p.Field}): {p.Holds}";
    }
}
