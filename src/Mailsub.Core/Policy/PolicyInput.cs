using Mailsub.Core.Api;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Policy;

/// <summary>
/// What the rules judge: the effective Postfix configuration, the SASL configuration, and the
/// facts of the MailSubmission the files cannot show (where the certificate comes from, which
/// port is meant as which listener).
/// </summary>
public sealed class PolicyInput(EffectiveConfig config, SmtpdConf sasl, TlsSource tlsSource, IReadOnlyList<Listener> listeners)
{
    public EffectiveConfig Config { get; } = config;
    public SmtpdConf Sasl { get; } = sasl;
    public TlsSource TlsSource { get; } = tlsSource;

    /// <summary>The listeners the spec asks for.</summary>
    public IReadOnlyList<Listener> Listeners { get; } = listeners;

    /// <summary>spec.tls.profile: what the key of an existing certificate is judged against.</summary>
    public TlsProfile Profile { get; init; } = TlsProfile.Intermediate;

    /// <summary>spec.tls.privateKeyAlgorithm as given; null leaves the choice to the profile.</summary>
    public PrivateKeyAlgorithm? RequestedKey { get; init; }

    /// <summary>The spec.tls.secretName certificate as read; null when there is none, or nothing read it (mailsub lint).</summary>
    public ExistingCertificate? SecretCertificate { get; init; }

    /// <summary>spec.workload.service: how clients reach the listeners; null when unknown, which hides no client.</summary>
    public ServiceSpec? Service { get; init; }

    /// <summary>Analyses rendered files against the submission they were rendered from.</summary>
    /// <param name="secretCertificate">The spec.tls.secretName certificate, when the caller has read it.</param>
    public static PolicyInput From(ValidSubmission submission, string mainCf, string masterCf, string smtpdConf,
        ExistingCertificate? secretCertificate = null) =>
        new(EffectiveConfig.Parse(mainCf, masterCf), SmtpdConf.Parse(smtpdConf), submission.TlsSource, submission.Listeners)
        {
            Profile = submission.Spec.Tls.Profile,
            RequestedKey = submission.Spec.Tls.PrivateKeyAlgorithm,
            SecretCertificate = secretCertificate,
            Service = submission.Spec.Workload.Service,
        };

    /// <summary>What a listener is meant to be: as the spec says for its port, else by IANA port (587, 465), else plain SMTP.</summary>
    public ListenerKind KindOf(SmtpdListener listener) =>
        Listeners.FirstOrDefault(l => l.Port == listener.Port)?.Kind ?? listener.Port switch
        {
            587 => ListenerKind.Submission,
            465 => ListenerKind.Submissions,
            _ => ListenerKind.Smtp,
        };

    /// <summary>
    /// The SASL mechanisms a listener may offer before security options: mech_list for Cyrus, else
    /// what Cyrus has installed (Known false: the analysis cannot be sure).
    /// </summary>
    public (IReadOnlyList<string> Mechanisms, bool Known) MechanismsOf(SmtpdListener listener) =>
        listener.Parameters.Get("smtpd_sasl_type").Equals("cyrus", StringComparison.OrdinalIgnoreCase) && Sasl.Mechanisms is { } list
            ? (list, true)
            : (SaslMechanisms.Installed, false);
}
