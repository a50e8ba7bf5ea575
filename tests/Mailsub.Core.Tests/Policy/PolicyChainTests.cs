using k8s.Models;
using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Tests.Policy;

public class PolicyChainTests
{
    private static string ReadTutorial(string file) => File.ReadAllText(Repository.PathOf("tests", "Mailsub.Core.Tests", "Policy", "Fixtures", "tutorial", file));

    [Fact]
    public void An_input_from_a_valid_submission_takes_its_certificate_source_and_listener_kinds()
    {
        var resource = new MailSubmission
        {
            Metadata = new V1ObjectMeta { Name = "modern", NamespaceProperty = "mail" },
            Spec = new MailSubmissionSpec { Hostname = "mail.example.com", Tls = new TlsSpec { SecretName = "mail-tls" } },
        };
        var submission = SubmissionValidator.Validate(resource).Valid!;
        var rendered = PostfixRenderer.Render(submission);

        var input = PolicyInput.From(submission, rendered.MainCf, rendered.MasterCf, rendered.SmtpdConf);

        Assert.Equal(TlsSource.Secret, input.TlsSource);
        // The queue handoff listener is plain SMTP to the analysis: relay only by client certificate.
        Assert.Equal([ListenerKind.Submissions, ListenerKind.Submission, ListenerKind.Smtp], input.Config.Listeners.Select(input.KindOf));
        Assert.Equal(PolicySummary.Healthy, PolicyChain.Standard.Evaluate(input).Summary);
    }

    [Fact]
    public void The_healthy_baseline_has_no_findings()
    {
        var report = Config.Healthy.Report();

        Assert.Empty(report.Findings);
        Assert.Equal(PolicySummary.Healthy, report.Summary);
        Assert.Equal(
            [
                (ConditionTypes.RelayProtected, "True", "RelayRestricted"),
                (ConditionTypes.AuthProtected, "True", "NoCleartextPasswords"),
                (ConditionTypes.TlsReady, "True", "TlsConfigured"),
                (ConditionTypes.ConfigValid, "True", "ConfigValid"),
            ],
            report.Conditions.Select(c => (c.Type, c.Status, c.Reason)));
    }

    [Fact]
    public void The_tutorial_as_written_keeps_its_policy_but_not_its_spellings()
    {
        var input = new PolicyInput(EffectiveConfig.Parse(ReadTutorial("main.cf"), ReadTutorial("master.cf")), SmtpdConf.Parse(ReadTutorial("smtpd.conf")),
            TlsSource.Secret, [new Listener(ListenerKind.Smtp, 25)]);

        var report = PolicyChain.Standard.Evaluate(input);

        Assert.Equal(
            [
                (FindingCodes.RelayControlInRecipientRestrictions, "smtpd_relay_restrictions"),
                (FindingCodes.LegacyAuthMechanism, "smtpd.conf/mech_list"),
                (FindingCodes.AuthAttemptsUnlimited, "smtpd_client_auth_rate_limit"),
                (FindingCodes.WeakTlsProtocols, "smtpd_tls_protocols"),
                (FindingCodes.WeakTlsCiphers, "smtpd_tls_ciphers"),
                (FindingCodes.DeprecatedParameter, "smtpd_use_tls"),
                (FindingCodes.DeprecatedParameter, "smtpd_tls_cert_file"),
                (FindingCodes.DeprecatedParameter, "smtpd_tls_key_file"),
                (FindingCodes.RenamedRestriction, "smtpd_recipient_restrictions"),
            ],
            report.Findings.Select(f => (f.Code, f.Location)));
        Assert.Equal(PolicySummary.Warning, report.Summary);
        Assert.All(report.Conditions, c => Assert.Equal("True", c.Status));
    }

    [Fact]
    public void An_open_relay_makes_the_service_unhealthy()
    {
        var report = Config.Main("smtpd_relay_restrictions = permit, reject_unauth_destination").Report();

        Assert.Equal(PolicySummary.Unhealthy, report.Summary);
        var relay = report.Condition(ConditionTypes.RelayProtected);
        Assert.Equal(("False", FindingCodes.OpenRelay), (relay.Status, relay.Reason));
        Assert.Contains("reject_unauth_destination", relay.Message);
    }

    [Fact]
    public void An_error_decides_its_condition_over_an_earlier_warning()
    {
        var report = Config.Main("mynetworks = 10.0.0.0/8", "smtpd_relay_restrictions = permit_mynetworks, permit, reject_unauth_destination").Report();

        var relay = report.Condition(ConditionTypes.RelayProtected);
        Assert.Equal(("False", FindingCodes.OpenRelay), (relay.Status, relay.Reason));
        Assert.EndsWith("(and 1 more RelayProtected finding)", relay.Message);
    }

    [Fact]
    public void Info_findings_change_neither_conditions_nor_the_summary()
    {
        var report = Config.Main("smtpd_relay_restrictions = permit_sasl_authenticated, check_client_access hash:/etc/postfix/clients, reject_unauth_destination").Report();

        Assert.Equal([FindingCodes.RelayDependsOnLookup], report.Findings.Select(f => f.Code));
        Assert.Equal(PolicySummary.Healthy, report.Summary);
        Assert.Equal("RelayRestricted", report.Condition(ConditionTypes.RelayProtected).Reason);
    }

    [Fact]
    public void Listeners_that_inherit_one_main_cf_value_share_a_finding()
    {
        var report = Config.Main("smtpd_tls_mandatory_protocols = >=TLSv1").Report();

        Assert.Single(report.Findings);
    }

    [Fact]
    public void Findings_keep_chain_order()
    {
        var report = Config.Main("smtpd_use_tls = yes", "mynetworks = 0.0.0.0/0").Tls(TlsSource.None).Report();

        Assert.Equal([FindingCodes.TrustedNetworksOpen, FindingCodes.NoCertificateSource, FindingCodes.DeprecatedParameter], report.Findings.Select(f => f.Code));
        Assert.Equal(PolicySummary.Unhealthy, report.Summary);
        Assert.Equal(["False", "True", "False", "True"], report.Conditions.Select(c => c.Status));
        Assert.Equal(FindingCodes.DeprecatedParameter, report.Condition(ConditionTypes.ConfigValid).Reason);
    }
}
