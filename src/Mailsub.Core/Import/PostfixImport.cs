using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Import;

/// <summary>
/// `mailsub import`: a hand-written main.cf (and master.cf, smtpd.conf) in, the MailSubmission
/// that reproduces its relay, AUTH and TLS policy out. The files are read once, as Postfix reads
/// them (EffectiveConfig: defaults, $name expansion, -o overrides), and judged by the standard
/// policy chain, so its traps (deprecated names, relay control in the recipient restrictions, ...)
/// are the analysis's own findings. Each parameter is then either mapped to its spec field,
/// copied into spec.extraConfig, or named in a finding that says what to do with it.
/// </summary>
public static class PostfixImport
{
    // Debian's stock master.cf has one network listener: smtpd on port 25 (the tutorial's).
    private const string StockMasterCf = "smtp      inet  n       -       y       -       -       smtpd\n";

    /// <param name="name">metadata.name; null for the host name with dashes (mail.example.net: mail-example-net).</param>
    public static ImportResult Import(ImportSource source, string? name, string @namespace)
    {
        var config = EffectiveConfig.Parse(source.MainCf, source.MasterCf ?? StockMasterCf);
        name ??= NameFor(config.Global.Get("myhostname"));
        var sasl = source.SmtpdConf is { } smtpdConf ? SmtpdConf.Parse(smtpdConf) : SmtpdConf.Empty;
        var import = new ImportContext(config, sasl, name, @namespace);
        if (source.MasterCf is null)
            import.Info(ImportCodes.Imported, "master.cf", "No master.cf given: read as Debian's stock one, smtpd on port 25 only. Pass --master when yours differs.");

        ImportedIdentity.Map(import);
        ImportedListeners.Map(import);
        ImportedAuth.Map(import);
        ImportedTls.Map(import);
        ImportedRestrictions.Map(import);
        ImportedDelivery.Map(import);
        ImportedParameters.CopyTheRest(import);

        var resource = new MailSubmission
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Spec = import.Spec,
        };
        var validation = SubmissionValidator.Validate(resource);
        foreach (var error in validation.Errors)
            import.Error(ImportCodes.InvalidResource, error.Field, $"The imported resource is invalid here: {error.Message}. Fix the field in the printed resource (or the parameter it came from) and run again.");
        if (validation.Valid is { } valid)
        {
            var rendered = PostfixRenderer.Render(valid);
            ImportedParameters.CompareRendered(import, EffectiveConfig.Parse(rendered.MainCf, rendered.MasterCf));
        }

        var tlsSource = config.Listeners.Any(l => l.HasCertificate) ? TlsSource.Secret : TlsSource.None;
        var policy = PolicyChain.Standard.Evaluate(new PolicyInput(config, sasl, tlsSource, import.Listeners));
        return new ImportResult(resource, validation.Valid, [.. policy.Findings, .. import.Findings]);
    }

    private static string NameFor(string hostname)
    {
        var name = hostname.ToLowerInvariant().Replace('.', '-');
        return name.Length is > 0 and <= 63 ? name : "imported";
    }
}
