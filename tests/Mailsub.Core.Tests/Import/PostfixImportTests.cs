using Mailsub.Core.Api;
using Mailsub.Core.Import;
using Mailsub.Core.Policy;
using Xunit.Abstractions;

namespace Mailsub.Core.Tests.Import;

public class PostfixImportTests(ITestOutputHelper output)
{
    internal static string ReadTutorial(string file) => File.ReadAllText(Repository.PathOf("tests", "Mailsub.Core.Tests", "Policy", "Fixtures", "tutorial", file));

    internal static ImportResult Tutorial() =>
        PostfixImport.Import(new ImportSource(ReadTutorial("main.cf"), ReadTutorial("master.cf"), ReadTutorial("smtpd.conf")), "tutorial", "mail");

    private const string Minimal = "myhostname = mail.example.com\nsmtpd_tls_chain_files = /etc/ssl/key.pem, /etc/ssl/cert.pem\n";

    private static ImportResult Import(params string[] mainCf) =>
        PostfixImport.Import(new ImportSource(Minimal + string.Join('\n', mainCf) + "\n"), "test", "mail");

    private static ImportResult ImportWithMaster(string masterCf, params string[] mainCf) =>
        PostfixImport.Import(new ImportSource(Minimal + string.Join('\n', mainCf) + "\n", masterCf), "test", "mail");

    private static Finding Only(ImportResult result, string code, string location) =>
        Assert.Single(result.Findings, f => f.Code == code && f.Location == location);

    [Fact]
    public void The_tutorial_imports_as_the_seed_policy()
    {
        var result = Tutorial();
        foreach (var f in result.Findings)
            output.WriteLine($"{f.Severity} {f.Code} {f.Location}: {f.Message}");

        Assert.NotNull(result.Valid);
        Assert.False(result.HasErrors);
        var spec = result.Resource.Spec;
        Assert.Equal(("mail.example.net", "example.net", OriginSource.Hostname), (spec.Hostname, spec.Domain, spec.Origin));
        Assert.Equal(["127.0.0.0/8", "::1/128"], spec.TrustedNetworks);
        Assert.Equal((false, false, true, 25), (spec.Listeners.Submission.Enabled, spec.Listeners.Submissions.Enabled, spec.Listeners.Smtp.Enabled, spec.Listeners.Smtp.Port));
        Assert.Equal((AuthProfile.Seed, "$myhostname"), (spec.Auth.Profile, spec.Auth.LocalDomain));
        Assert.Equal(("tutorial-tls", SmtpTlsLevel.May, 1, true, "3600s"),
            (spec.Tls.SecretName, spec.Tls.SmtpSecurityLevel, spec.Tls.LogLevel, spec.Tls.ReceivedHeader, spec.Tls.SessionCacheTimeout));
        Assert.Equal(["permit_sasl_authenticated", "permit_mynetworks", "reject_unauth_destination"], spec.Restrictions.Relay);
        Assert.Equal(
            ["permit_sasl_authenticated", "permit_mynetworks", "reject_unauth_destination", "reject_invalid_helo_hostname",
             "reject_non_fqdn_sender", "reject_non_fqdn_recipient", "reject_unauth_pipelining"],
            spec.Restrictions.Recipient);
        Assert.Equal([MailToCommandsSource.Alias, MailToCommandsSource.Forward, MailToCommandsSource.Include], spec.AllowMailToCommands);
        Assert.Empty(spec.ExtraConfig);
    }

    [Fact]
    public void The_tutorials_traps_are_named_at_their_parameters()
    {
        var findings = Tutorial().Findings.Select(f => (f.Code, f.Location)).ToList();

        // The policy analysis of the hand-written files ...
        Assert.Contains((FindingCodes.DeprecatedParameter, "smtpd_use_tls"), findings);
        Assert.Contains((FindingCodes.RenamedRestriction, "smtpd_recipient_restrictions"), findings);
        Assert.Contains((FindingCodes.RelayControlInRecipientRestrictions, "smtpd_relay_restrictions"), findings);
        // ... then the import's own.
        Assert.Contains((ImportCodes.Imported, "smtpd_use_tls"), findings);
        Assert.Contains((ImportCodes.Imported, "smtpd_relay_restrictions"), findings);
        Assert.Contains((ImportCodes.Trap, "smtpd_sasl_tls_security_options"), findings);
        Assert.Contains((ImportCodes.RenderedByOperator, "mydestination"), findings);
        Assert.Contains((ImportCodes.NeedsInput, "smtpd_tls_cert_file"), findings);
        Assert.Contains((ImportCodes.NeedsInput, "spec.auth.users"), findings);
    }

    [Fact]
    public void Smtpd_use_tls_becomes_the_security_level_and_is_a_trap_next_to_a_level()
    {
        var alone = Import("smtpd_use_tls = yes");
        Assert.Equal(SmtpTlsLevel.May, alone.Resource.Spec.Tls.SmtpSecurityLevel);
        Assert.Contains("spec.tls.smtpSecurityLevel: may", Only(alone, ImportCodes.Imported, "smtpd_use_tls").Message);

        var shadowed = Import("smtpd_use_tls = yes", "smtpd_tls_security_level = none");
        Assert.Equal(SmtpTlsLevel.None, shadowed.Resource.Spec.Tls.SmtpSecurityLevel);
        Assert.Contains("has no effect", Only(shadowed, ImportCodes.Trap, "smtpd_use_tls").Message);
    }

    [Fact]
    public void Reject_invalid_hostname_is_respelled()
    {
        var result = Import("smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination", "smtpd_recipient_restrictions = reject_invalid_hostname");

        Assert.Equal(["reject_invalid_helo_hostname"], result.Resource.Spec.Restrictions.Recipient);
        Assert.Contains("imported as reject_invalid_helo_hostname", Only(result, ImportCodes.Imported, "smtpd_recipient_restrictions").Message);
        Assert.Contains(result.Findings, f => f.Code == FindingCodes.RenamedRestriction);
    }

    [Fact]
    public void Noplaintext_without_tls_security_options_is_a_trap_and_stays_seed()
    {
        var result = Import("smtpd_sasl_auth_enable = yes", "smtpd_sasl_security_options = noanonymous, noplaintext");

        Assert.Equal(AuthProfile.Seed, result.Resource.Spec.Auth.Profile);
        var trap = Only(result, ImportCodes.Trap, "smtpd_sasl_tls_security_options");
        Assert.Equal(Severity.Warning, trap.Severity);
        Assert.Contains("CRAM-MD5, DIGEST-MD5", trap.Message);
        Assert.Contains("Modern", trap.Message);
    }

    [Fact]
    public void Noplaintext_outside_tls_only_is_the_modern_profile()
    {
        var result = Import("smtpd_sasl_auth_enable = yes", "smtpd_sasl_security_options = noanonymous, noplaintext", "smtpd_sasl_tls_security_options = noanonymous");

        Assert.Equal(AuthProfile.Modern, result.Resource.Spec.Auth.Profile);
        Assert.DoesNotContain(result.Findings, f => f.Code == ImportCodes.Trap && f.Location == "smtpd_sasl_tls_security_options");
    }

    [Fact]
    public void Relay_rules_in_the_recipient_restrictions_move_to_the_relay_list()
    {
        var result = Import("smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, reject_non_fqdn_sender");

        Assert.Equal(["permit_mynetworks", "reject_unauth_destination"], result.Resource.Spec.Restrictions.Relay);
        Assert.Equal(["permit_mynetworks", "reject_unauth_destination", "reject_non_fqdn_sender"], result.Resource.Spec.Restrictions.Recipient);
        Only(result, ImportCodes.Imported, "smtpd_relay_restrictions");
        Assert.Contains(result.Findings, f => f.Code == FindingCodes.RelayControlInRecipientRestrictions);
    }

    [Fact]
    public void Mynetworks_wider_than_loopback_is_a_trap()
    {
        var result = Import("mynetworks = 127.0.0.0/8, 192.168.1.0/24, [2001:db8::]/64",
            "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination");

        Assert.Equal(["127.0.0.0/8", "192.168.1.0/24", "2001:db8::/64"], result.Resource.Spec.TrustedNetworks);
        var trap = Only(result, ImportCodes.Trap, "mynetworks");
        Assert.Contains("192.168.1.0/24, [2001:db8::]/64 beyond loopback", trap.Message);
        Assert.DoesNotContain("127.0.0.0/8", trap.Message);
    }

    [Fact]
    public void Loopback_only_mynetworks_is_no_trap()
    {
        var result = Import("mynetworks = 127.0.0.0/8 [::1]/128");

        Assert.DoesNotContain(result.Findings, f => f.Location == "mynetworks");
    }

    [Fact]
    public void A_mynetworks_table_cannot_be_imported_and_is_an_error()
    {
        var result = Import("mynetworks = hash:/etc/postfix/network_table");

        Assert.Equal(Severity.Error, Only(result, ImportCodes.NotImported, "mynetworks").Severity);
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void A_known_parameter_without_files_goes_to_extra_config_and_one_with_files_does_not()
    {
        var result = Import("smtpd_helo_required = yes", "header_checks = regexp:/etc/postfix/header_checks");

        Assert.Equal("yes", result.Resource.Spec.ExtraConfig["smtpd_helo_required"]);
        Only(result, ImportCodes.CopiedToExtraConfig, "smtpd_helo_required");
        Assert.False(result.Resource.Spec.ExtraConfig.ContainsKey("header_checks"));
        Assert.Contains("spec.extraConfig once", Only(result, ImportCodes.NotImported, "header_checks").Message);
    }

    [Fact]
    public void A_value_Postfix_would_refuse_is_not_copied()
    {
        var result = Import("smtpd_helo_required = maybe");

        Assert.False(result.Resource.Spec.ExtraConfig.ContainsKey("smtpd_helo_required"));
        Assert.Contains("is not yes or no", Only(result, ImportCodes.NotImported, "smtpd_helo_required").Message);
        Assert.NotNull(result.Valid);
    }

    [Fact]
    public void A_parameter_the_operator_renders_is_named_only_when_its_value_changes()
    {
        var result = Import("inet_interfaces = all", "inet_protocols = ipv4", "smtpd_tls_mandatory_protocols = >=TLSv1");

        Assert.DoesNotContain(result.Findings, f => f.Location == "inet_interfaces");
        Assert.Contains("renders inet_protocols = all", Only(result, ImportCodes.RenderedByOperator, "inet_protocols").Message);
        Assert.Contains("spec.tls.minProtocol", Only(result, ImportCodes.RenderedByOperator, "smtpd_tls_mandatory_protocols").Message);
    }

    [Fact]
    public void Master_cf_listeners_map_to_submission_submissions_and_smtp()
    {
        const string master = """
            smtp      inet  n       -       y       -       -       smtpd
            submission inet n       -       y       -       -       smtpd
              -o syslog_name=postfix/submission
              -o smtpd_tls_security_level=encrypt
              -o smtpd_helo_required=yes
            smtps     inet  n       -       y       -       -       smtpd
              -o smtpd_tls_wrappermode=yes
            """;
        var result = ImportWithMaster(master, "smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination");

        var listeners = result.Resource.Spec.Listeners;
        Assert.Equal((true, 587), (listeners.Submission.Enabled, listeners.Submission.Port));
        Assert.Equal((true, 465), (listeners.Submissions.Enabled, listeners.Submissions.Port));
        Assert.Equal((true, 25), (listeners.Smtp.Enabled, listeners.Smtp.Port));
        // Mailsub's own submission overrides match; the extra one is named.
        Assert.DoesNotContain(result.Findings, f => f.Location is "587/syslog_name" or "587/smtpd_tls_security_level");
        Assert.Contains("no per-listener parameters", Only(result, ImportCodes.NotImported, "587/smtpd_helo_required").Message);
    }

    [Fact]
    public void Without_master_cf_the_stock_smtp_listener_is_assumed()
    {
        var result = Import();

        Assert.Equal((false, false, true), (result.Resource.Spec.Listeners.Submission.Enabled, result.Resource.Spec.Listeners.Submissions.Enabled, result.Resource.Spec.Listeners.Smtp.Enabled));
        Only(result, ImportCodes.Imported, "master.cf");
    }

    [Fact]
    public void A_missing_hostname_is_an_error_at_the_spec_field()
    {
        var result = PostfixImport.Import(new ImportSource("mynetworks = 127.0.0.0/8\n"), "test", "mail");

        Assert.Null(result.Valid);
        Assert.Equal(Severity.Error, Only(result, ImportCodes.NeedsInput, "myhostname").Severity);
        Assert.Contains(result.Findings, f => f.Code == ImportCodes.InvalidResource && f.Location == "spec.hostname");
    }

    [Fact]
    public void Dovecot_sasl_needs_the_users()
    {
        var result = Import("smtpd_sasl_auth_enable = yes", "smtpd_sasl_type = dovecot", "smtpd_sasl_path = private/auth");

        Assert.Equal(Severity.Error, Only(result, ImportCodes.NeedsInput, "smtpd_sasl_type").Severity);
        Assert.Contains("smtpd_sasl_path", result.Findings.Where(f => f.Code == ImportCodes.RenderedByOperator).Select(f => f.Location));
    }

    [Fact]
    public void A_relay_host_is_imported_bracketed_with_its_credentials_secret()
    {
        var result = Import("relayhost = [smtp.example.org]:587", "smtp_tls_security_level = encrypt", "smtp_sasl_auth_enable = yes", "smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd");

        var relay = result.Resource.Spec.RelayHost!;
        Assert.Equal(("smtp.example.org", 587, RelayTlsLevel.Encrypt, "test-relay-credentials"), (relay.Host, relay.Port, relay.TlsLevel, relay.CredentialsSecretRef!.Name));
        Only(result, ImportCodes.NeedsInput, "smtp_sasl_password_maps");
    }
}
