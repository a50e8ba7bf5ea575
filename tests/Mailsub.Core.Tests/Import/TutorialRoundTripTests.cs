using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Tests.Import;

/// <summary>
/// The seed tutorial's own files, imported, validated and rendered: the parameters that decide
/// relay, AUTH and TLS read the same in both, as Postfix reads them (EffectiveConfig), except
/// where Mailsub differs on purpose, which is asserted row by row with the reason.
/// </summary>
public class TutorialRoundTripTests
{
    private sealed record Side(EffectiveConfig Config, SmtpdConf Sasl)
    {
        public SmtpdListener Port25 => Config.Listeners.Single(l => l.Port == 25);
    }

    private static (Side Source, Side Rendered) Sides()
    {
        var source = new Side(
            EffectiveConfig.Parse(PostfixImportTests.ReadTutorial("main.cf"), PostfixImportTests.ReadTutorial("master.cf")),
            SmtpdConf.Parse(PostfixImportTests.ReadTutorial("smtpd.conf")));
        var imported = PostfixImportTests.Tutorial();
        var valid = SubmissionValidator.Validate(imported.Resource).Valid;
        Assert.NotNull(valid);
        var rendered = PostfixRenderer.Render(valid);
        return (source, new Side(EffectiveConfig.Parse(rendered.MainCf, rendered.MasterCf), SmtpdConf.Parse(rendered.SmtpdConf)));
    }

    /// <summary>
    /// Who may relay: smtpd relays only when every list that has a guard lets the client through
    /// before it, so the permits common to those lists' prefixes.
    /// </summary>
    private static string WhoMayRelay(EffectiveParameters parameters)
    {
        var guarded = new[] { "smtpd_relay_restrictions", "smtpd_recipient_restrictions" }
            .Select(name => RestrictionList.Of(parameters, name))
            .Where(list => list.Any(RestrictionNames.RelayGuards.Contains))
            .Select(list => list.TakeWhile(r => !RestrictionNames.RelayGuards.Contains(r)).ToHashSet())
            .ToList();
        Assert.NotEmpty(guarded);
        return string.Join(", ", guarded.Aggregate((a, b) => [.. a.Intersect(b)]).Order());
    }

    private static string Networks(EffectiveParameters parameters) =>
        string.Join(", ", parameters.List("mynetworks").Select(e => TrustedNetworks.Parse(e) is { } n ? $"{n.Address}/{n.Prefix}" : e).Order());

    private static string Offered(Side side, string options) =>
        string.Join(" ", SaslMechanisms.Offered(side.Sasl.Mechanisms ?? SaslMechanisms.Installed, side.Port25.Parameters.List(options)));

    private static readonly (string Row, Func<Side, string> Read)[] Same =
    [
        ("who may relay on 25", s => WhoMayRelay(s.Port25.Parameters)),
        ("mynetworks", s => Networks(s.Port25.Parameters)),
        ("smtpd_sasl_auth_enable on 25", s => s.Port25.Parameters.Get("smtpd_sasl_auth_enable")),
        ("smtpd_sasl_type", s => s.Port25.Parameters.Get("smtpd_sasl_type")),
        ("TLS on 25 (smtpd_tls_security_level / smtpd_use_tls)", s => s.Port25.Tls.ToString()),
        ("certificate configured on 25", s => s.Port25.HasCertificate.ToString()),
        ("smtpd_tls_auth_only on 25", s => s.Port25.Parameters.Get("smtpd_tls_auth_only")),
        ("AUTH before STARTTLS on 25", s => s.Port25.OffersAuthInCleartext.ToString()),
        ("smtpd_sasl_security_options", s => string.Join(" ", s.Port25.Parameters.List("smtpd_sasl_security_options"))),
        ("smtpd_sasl_tls_security_options", s => string.Join(" ", s.Port25.Parameters.List("smtpd_sasl_tls_security_options"))),
        ("mechanisms offered before TLS", s => Offered(s, "smtpd_sasl_security_options")),
        ("mechanisms offered inside TLS", s => Offered(s, "smtpd_sasl_tls_security_options")),
        ("smtpd_sasl_local_domain", s => s.Port25.Parameters.Get("smtpd_sasl_local_domain")),
        ("myhostname", s => s.Config.Global.Get("myhostname")),
        ("mydomain", s => s.Config.Global.Get("mydomain")),
        ("myorigin", s => s.Config.Global.Get("myorigin")),
        ("smtpd_tls_received_header", s => s.Port25.Parameters.Get("smtpd_tls_received_header")),
        ("smtpd_tls_loglevel", s => s.Port25.Parameters.Get("smtpd_tls_loglevel")),
        ("smtpd_tls_session_cache_timeout", s => s.Port25.Parameters.Get("smtpd_tls_session_cache_timeout")),
        ("allow_mail_to_commands", s => s.Config.Global.Get("allow_mail_to_commands")),
    ];

    [Fact]
    public void Relay_auth_and_tls_read_the_same_in_the_tutorial_and_the_rendered_import()
    {
        var (source, rendered) = Sides();

        var table = Same.Select(row => (row.Row, Source: row.Read(source), Rendered: row.Read(rendered))).ToList();

        Assert.All(table, row => Assert.True(row.Source == row.Rendered, $"{row.Row}: tutorial \"{row.Source}\", rendered \"{row.Rendered}\""));
        // The rows that matter most, spelled out.
        Assert.Contains(("who may relay on 25", "permit_mynetworks, permit_sasl_authenticated", "permit_mynetworks, permit_sasl_authenticated"), table);
        Assert.Contains(("mechanisms offered inside TLS", "CRAM-MD5 DIGEST-MD5", "CRAM-MD5 DIGEST-MD5"), table);
        Assert.Contains(("TLS on 25 (smtpd_tls_security_level / smtpd_use_tls)", "Optional", "Optional"), table);
    }

    [Fact]
    public void Where_they_differ_Mailsub_differs_on_purpose()
    {
        var (source, rendered) = Sides();
        string Both(Func<Side, string> read) => $"{read(source)} | {read(rendered)}";

        // Relay control moves into smtpd_relay_restrictions (Postfix 2.10+), so a change to the
        // recipient checks cannot open the relay; the recipient list keeps the guard as written.
        Assert.Equal(" | permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination",
            Both(s => s.Port25.Parameters.Get("smtpd_relay_restrictions")));
        // reject_invalid_hostname is spelled reject_invalid_helo_hostname: the same check.
        Assert.Equal("reject_invalid_hostname | reject_invalid_helo_hostname",
            Both(s => RestrictionList.Of(s.Port25.Parameters, "smtpd_recipient_restrictions")[3]));
        // mech_list lists only what the security options leave: PLAIN and LOGIN were never offered.
        Assert.Equal("CRAM-MD5 DIGEST-MD5 PLAIN LOGIN | CRAM-MD5 DIGEST-MD5", Both(s => string.Join(" ", s.Sasl.Mechanisms!)));
        // TLSv1 and TLSv1.1 are gone (RFC 8996): Mailsub's floor is TLSv1.2.
        Assert.Equal(">=TLSv1 | >=TLSv1.2", Both(s => s.Port25.Parameters.Get("smtpd_tls_protocols")));
        // Password guessing is bounded: Mailsub's default, 30 AUTH commands per client and minute.
        Assert.Equal(" | 30", Both(s => s.Port25.Parameters.Get("smtpd_client_auth_rate_limit")));
        // The pods keep no mailboxes: $mydomain is no local destination (mail for it goes to its MX).
        Assert.Equal("mail.example.net, localhost.example.net, localhost, example.net | mail.example.net, localhost.example.net, localhost",
            Both(s => s.Config.Global.Get("mydestination")));
        // One more listener: the queue handoff between replicas, which relays only for a client
        // presenting the submission's own certificate.
        Assert.Equal("25 | 25, " + QueueHandoff.Port, Both(s => string.Join(", ", s.Config.Listeners.Select(l => l.Port))));
        Assert.Equal(["permit_tls_clientcerts", "reject"], rendered.Config.Listeners.Single(l => l.Port == QueueHandoff.Port).Parameters.List("smtpd_relay_restrictions"));
    }
}
