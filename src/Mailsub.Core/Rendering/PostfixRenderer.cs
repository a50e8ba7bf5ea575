using Mailsub.Core.Validation;
using Scriban;
using Scriban.Runtime;

namespace Mailsub.Core.Rendering;

/// <summary>
/// Renders main.cf, master.cf and the Cyrus SASL smtpd.conf from a validated submission. The
/// templates are parsed once; a parsed Template is immutable and each render gets its own
/// context, so rendering is thread-safe. Input was validated, so any failure here is a bug.
/// </summary>
public static class PostfixRenderer
{
    internal static readonly Template MainCf = Load("main.cf.sbn");
    internal static readonly Template MasterCf = Load("master.cf.sbn");
    internal static readonly Template SmtpdConf = Load("smtpd.conf.sbn");
    internal static readonly Template OpenDkimConf = Load("opendkim.conf.sbn");
    internal static readonly Template KeyTable = Load("KeyTable.sbn");
    internal static readonly Template SigningTable = Load("SigningTable.sbn");

    public static RenderedConfig Render(ValidSubmission valid)
    {
        var model = TemplateModel.Build(valid);
        var dkim = valid.DkimKeys.Count == 0 ? null : new OpenDkimFiles(
            Render(OpenDkimConf, model),
            Render(KeyTable, model),
            Render(SigningTable, model));
        return new RenderedConfig(
            Render(MainCf, model),
            Render(MasterCf, model),
            Render(SmtpdConf, model),
            dkim);
    }

    internal static string Render(Template template, ScriptObject model)
    {
        // No builtin functions (an empty builtin object): the templates only place preformatted
        // values, and nothing culture- or reflection-dependent can creep in. Unknown names throw.
        // Scriban's loop and output limits guard against hostile templates, not ours, and its
        // output limit truncates silently: a long sender table must never be cut short.
        var context = new TemplateContext(new ScriptObject())
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            EnableRelaxedTargetAccess = false,
            LoopLimit = 0,
            LimitToString = 0,
            OutputLimit = 0,
        };
        context.PushGlobal(model);
        try
        {
            // An empty list renders as "name = "; Postfix ignores the trailing blank, diffs do not.
            var lines = template.Render(context).Split('\n').Select(line => line.TrimEnd(' '));
            return string.Join('\n', lines);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"rendering {template.SourceFilePath} failed; this is a Mailsub bug: {e.Message}", e);
        }
    }

    internal static Template Load(string name)
    {
        var resource = $"Mailsub.Core.Templates.{name}";
        using var stream = typeof(PostfixRenderer).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"template {resource} is not embedded in Mailsub.Core; rebuild the assembly");
        using var reader = new StreamReader(stream);
        // A checkout with CRLF line ends must not change the rendered bytes.
        var text = reader.ReadToEnd().Replace("\r\n", "\n");
        var template = Template.Parse(text, name);
        if (template.HasErrors)
            throw new InvalidOperationException($"template {name} does not parse: {string.Join("; ", template.Messages)}");
        return template;
    }
}
