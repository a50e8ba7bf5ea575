using Mailsub.Core.Api;
using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Policy;

public class AuthRulesTests
{
    private const string SeedSasl = "pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: CRAM-MD5 DIGEST-MD5\n";

    [Fact]
    public void AuthOverCleartext_fires_when_plaintext_mechanisms_are_offered_before_starttls()
    {
        var finding = Assert.Single(Config.Main("smtpd_tls_auth_only = no", "smtpd_sasl_security_options = noanonymous")
            .Service("25").Findings(AuthRules.AuthOverCleartext));

        Assert.Equal((Severity.Error, FindingCodes.AuthOverCleartext, "smtpd_tls_auth_only", ConditionTypes.AuthProtected),
            (finding.Severity, finding.Code, finding.Location, finding.ConditionType));
        Assert.Contains("PLAIN, LOGIN", finding.Message);
    }

    [Fact]
    public void AuthOverCleartext_fires_on_a_submission_listener_without_tls()
    {
        var finding = Assert.Single(Config.Main("smtpd_sasl_security_options = noanonymous")
            .Service("587", "-o smtpd_tls_security_level=none -o smtpd_tls_auth_only=no").Findings(AuthRules.AuthOverCleartext));

        Assert.Equal("587/smtpd_tls_auth_only", finding.Location);
    }

    [Fact]
    public void AuthOverCleartext_assumes_plaintext_mechanisms_when_mech_list_is_unset()
    {
        Assert.Single(Config.Main("smtpd_tls_auth_only = no", "smtpd_sasl_security_options = noanonymous").Service("25")
            .Sasl("pwcheck_method: saslauthd\n").Findings(AuthRules.AuthOverCleartext));
    }

    [Fact]
    public void AuthOverCleartext_does_not_fire_when_tls_auth_only_noplaintext_or_only_challenge_mechanisms_apply()
    {
        Assert.Empty(Config.Service("25").Findings(AuthRules.AuthOverCleartext));
        Assert.Empty(Config.Main("smtpd_tls_auth_only = no").Service("25").Sasl(SeedSasl).Findings(AuthRules.AuthOverCleartext));
        Assert.Empty(Config.Main("smtpd_tls_auth_only = no", "smtpd_sasl_security_options = noanonymous").Service("25").Sasl(SeedSasl).Findings(AuthRules.AuthOverCleartext));
        Assert.Empty(Config.Main("smtpd_tls_auth_only = no", "smtpd_sasl_security_options = noanonymous").Findings(AuthRules.AuthOverCleartext));
    }

    [Fact]
    public void AnonymousAuth_fires_when_noanonymous_is_missing()
    {
        var finding = Assert.Single(Config.Main("smtpd_sasl_tls_security_options =").Sasl("mech_list: PLAIN ANONYMOUS\n").Findings(AuthRules.AnonymousAuth));

        Assert.Equal(("smtpd_sasl_tls_security_options", Severity.Error), (finding.Location, finding.Severity));
    }

    [Fact]
    public void AnonymousAuth_does_not_fire_with_noanonymous_or_without_the_mechanism()
    {
        Assert.Empty(Config.Healthy.Findings(AuthRules.AnonymousAuth));
        Assert.Empty(Config.Main("smtpd_sasl_tls_security_options =").Findings(AuthRules.AnonymousAuth));
    }

    [Fact]
    public void NoAuthMechanism_fires_when_noplaintext_applies_inside_tls_and_only_plain_is_listed()
    {
        var finding = Assert.Single(Config.Main("smtpd_sasl_tls_security_options = $smtpd_sasl_security_options").Findings(AuthRules.NoAuthMechanism));

        Assert.Equal(("smtpd_sasl_tls_security_options", Severity.Error), (finding.Location, finding.Severity));
        Assert.Contains("inside TLS", finding.Message);
    }

    [Fact]
    public void NoAuthMechanism_fires_before_starttls_on_an_optional_tls_listener()
    {
        var finding = Assert.Single(Config.Main("smtpd_tls_auth_only = no").Service("25").Findings(AuthRules.NoAuthMechanism));

        Assert.Equal("smtpd_sasl_security_options", finding.Location);
        Assert.Contains("before STARTTLS", finding.Message);
    }

    [Fact]
    public void NoAuthMechanism_does_not_fire_when_a_mechanism_is_left_or_the_list_is_unknown()
    {
        Assert.Empty(Config.Healthy.Findings(AuthRules.NoAuthMechanism));
        Assert.Empty(Config.Main("smtpd_sasl_tls_security_options = $smtpd_sasl_security_options").Sasl(SeedSasl).Findings(AuthRules.NoAuthMechanism));
        Assert.Empty(Config.Main("smtpd_sasl_tls_security_options = $smtpd_sasl_security_options").Sasl("pwcheck_method: auxprop\n").Findings(AuthRules.NoAuthMechanism));
        Assert.Empty(Config.Main("smtpd_sasl_tls_security_options = $smtpd_sasl_security_options", "smtpd_sasl_type = dovecot").Findings(AuthRules.NoAuthMechanism));
    }

    [Fact]
    public void LegacyAuthMechanism_warns_on_cram_md5_and_digest_md5()
    {
        var finding = Assert.Single(Config.Sasl(SeedSasl).Findings(AuthRules.LegacyAuthMechanism));

        Assert.Equal((Severity.Warning, "smtpd.conf/mech_list", ConditionTypes.AuthProtected), (finding.Severity, finding.Location, finding.ConditionType));
        Assert.Contains("RFC 6331", finding.Message);
    }

    [Fact]
    public void LegacyAuthMechanism_does_not_fire_on_modern_mechanisms_or_without_auth()
    {
        Assert.Empty(Config.Healthy.Findings(AuthRules.LegacyAuthMechanism));
        Assert.Empty(Config.Main("smtpd_sasl_auth_enable = no").Sasl(SeedSasl).Findings(AuthRules.LegacyAuthMechanism));
    }

    [Fact]
    public void AuthNeverOffered_fires_when_tls_auth_only_meets_a_listener_without_tls()
    {
        var finding = Assert.Single(Config.Service("25", "-o smtpd_tls_security_level=none").Findings(AuthRules.AuthNeverOffered));

        Assert.Equal(("25/smtpd_tls_auth_only", ConditionTypes.ConfigValid), (finding.Location, finding.ConditionType));
    }

    [Fact]
    public void AuthNeverOffered_does_not_fire_when_tls_is_offered_or_auth_is_off()
    {
        Assert.Empty(Config.Service("25").Findings(AuthRules.AuthNeverOffered));
        Assert.Empty(Config.Service("25", "-o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=no").Findings(AuthRules.AuthNeverOffered));
    }

    [Fact]
    public void AuthAttemptsUnlimited_warns_once_per_value_that_leaves_guessing_unbounded()
    {
        var finding = Assert.Single(Config.Without("smtpd_client_auth_rate_limit").Findings(AuthRules.AuthAttemptsUnlimited));
        Assert.Equal(("smtpd_client_auth_rate_limit", ConditionTypes.AuthProtected, Severity.Warning), (finding.Location, finding.ConditionType, finding.Severity));

        var listener = Assert.Single(Config.Service("587", "-o smtpd_client_auth_rate_limit=0")
            .Findings(AuthRules.AuthAttemptsUnlimited));
        Assert.Equal("587/smtpd_client_auth_rate_limit", listener.Location);
    }

    [Fact]
    public void AuthAttemptsUnlimited_does_not_fire_with_a_limit_or_without_auth()
    {
        Assert.Empty(Config.Healthy.Findings(AuthRules.AuthAttemptsUnlimited));
        Assert.Empty(Config.Main("smtpd_client_auth_rate_limit = 0", "smtpd_sasl_auth_enable = no").Findings(AuthRules.AuthAttemptsUnlimited));
    }

    [Theory]
    [InlineData("smtp_tls_security_level = may")]
    [InlineData("smtp_tls_security_level = none")]
    [InlineData("smtp_use_tls = yes")]
    public void RelayHostCredentialsUnprotected_warns_when_tls_to_the_relay_is_optional(string tls)
    {
        var finding = Assert.Single(Config.Main("relayhost = [smtp.example.net]:587", "smtp_sasl_auth_enable = yes", tls).Findings(AuthRules.RelayHostCredentialsUnprotected));

        Assert.Equal((Severity.Warning, "smtp_tls_security_level"), (finding.Severity, finding.Location));
    }

    [Fact]
    public void RelayHostCredentialsUnprotected_follows_an_smtp_service_override()
    {
        var finding = Assert.Single(Config.Main("smtp_sasl_auth_enable = yes", "smtp_tls_security_level = encrypt")
            .MasterLine("relay unix - - n - - smtp -o smtp_tls_security_level=may").Findings(AuthRules.RelayHostCredentialsUnprotected));

        Assert.Equal("relay/unix/smtp_tls_security_level", finding.Location);
    }

    [Fact]
    public void RelayHostCredentialsUnprotected_does_not_fire_with_mandatory_tls_or_without_credentials()
    {
        Assert.Empty(Config.Main("smtp_sasl_auth_enable = yes", "smtp_tls_security_level = encrypt").Findings(AuthRules.RelayHostCredentialsUnprotected));
        Assert.Empty(Config.Main("smtp_sasl_auth_enable = yes", "smtp_enforce_tls = yes").Findings(AuthRules.RelayHostCredentialsUnprotected));
        Assert.Empty(Config.Main("smtp_tls_security_level = may").Findings(AuthRules.RelayHostCredentialsUnprotected));
    }
}
