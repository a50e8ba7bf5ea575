using System.CommandLine;
using Mailsub.Cli;

var root = new RootCommand("Mailsub: authenticated mail submission (Postfix + Cyrus SASL + STARTTLS) as a Kubernetes resource.");
root.Subcommands.Add(RenderCommand.Create());
root.Subcommands.Add(LintCommand.Create());
root.Subcommands.Add(ImportCommand.Create());
root.Subcommands.Add(CrdCommand.Create());
root.Subcommands.Add(DocsCommand.Create());
root.Subcommands.Add(RunCommand.Create());
return root.Parse(args).Invoke();
