using Mailsub.Core.Api;
using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Policy;

public class ParameterRulesTests
{
    [Fact]
    public void UnparsableConfig_reports_each_bad_line()
    {
        var findings = Config.Healthy.MainText("this is not a parameter").MasterLine("broken inet n -").Findings(ParameterRules.UnparsableConfig);

        Assert.Equal(["main.cf:17", "master.cf:4"], findings.Select(f => f.Location));
        Assert.All(findings, f => Assert.Equal((Severity.Error, ConditionTypes.ConfigValid), (f.Severity, f.ConditionType)));
    }

    [Fact]
    public void UnparsableConfig_does_not_fire_on_valid_files() => Assert.Empty(Config.Healthy.Findings(ParameterRules.UnparsableConfig));

    [Fact]
    public void DeprecatedParameter_names_the_replacement_in_main_cf_and_overrides()
    {
        var findings = Config.Main("smtpd_use_tls = yes").Service("587", "-o smtpd_enforce_tls=yes").Findings(ParameterRules.DeprecatedParameter);

        Assert.Equal(["smtpd_use_tls", "587/smtpd_enforce_tls"], findings.Select(f => f.Location));
        Assert.Contains("smtpd_tls_security_level = may", findings[0].Message);
        Assert.All(findings, f => Assert.Equal(Severity.Warning, f.Severity));
    }

    [Fact]
    public void DeprecatedParameter_does_not_fire_on_current_names() => Assert.Empty(Config.Healthy.Findings(ParameterRules.DeprecatedParameter));

    [Fact]
    public void UnknownParameter_warns_on_misspellings_in_main_cf_and_overrides()
    {
        var findings = Config.Main("smtpd_tls_securty_level = encrypt").Service("465", "-o smtpd_bogus=1").Findings(ParameterRules.UnknownParameter);

        Assert.Equal(["smtpd_tls_securty_level", "465/smtpd_bogus"], findings.Select(f => f.Location));
        Assert.Contains("unused parameter", findings[0].Message);
    }

    [Fact]
    public void UnknownParameter_accepts_user_defined_parameters()
    {
        var config = Config.Main("mua_client_restrictions = permit_sasl_authenticated, reject", "smtpd_restriction_classes = trusted_clients",
                "trusted_clients = permit_mynetworks", "relay_destination_concurrency_limit = 2", "mailman_time_limit = 100s")
            .Service("587", "-o smtpd_client_restrictions=$mua_client_restrictions")
            .MasterLine("relay unix - - n - - smtp")
            .MasterLine("mailman unix - n n - - pipe flags=FRX user=list argv=/usr/lib/mailman/bin/postfix-to-mailman.py");

        Assert.Empty(config.Findings(ParameterRules.UnknownParameter));
    }

    [Fact]
    public void UnknownParameter_rejects_per_transport_names_of_services_that_are_not_delivery_agents()
    {
        Assert.Equal(["submission_destination_concurrency_limit"],
            Config.Main("submission_destination_concurrency_limit = 3").Findings(ParameterRules.UnknownParameter).Select(f => f.Location));
    }

    [Fact]
    public void DuplicateParameter_warns_on_repeated_main_cf_names_and_overrides()
    {
        var findings = Config.Healthy.MainText("myhostname = other.example.com")
            .Service("587", "-o smtpd_tls_security_level=none").Findings(ParameterRules.DuplicateParameter);

        Assert.Equal(["myhostname", "587/smtpd_tls_security_level"], findings.Select(f => f.Location));
        Assert.Contains("lines 2, 17", findings[0].Message);
        Assert.Contains("smtpd_tls_security_level=none", findings[1].Message);
    }

    [Fact]
    public void DuplicateParameter_does_not_fire_on_single_definitions() => Assert.Empty(Config.Healthy.Findings(ParameterRules.DuplicateParameter));

    [Fact]
    public void RenamedRestriction_warns_on_pre_2_3_names()
    {
        var finding = Assert.Single(Config.Main("smtpd_recipient_restrictions = reject_invalid_hostname, reject_non_fqdn_recipient").Findings(ParameterRules.RenamedRestriction));

        Assert.Equal("smtpd_recipient_restrictions", finding.Location);
        Assert.Contains("reject_invalid_helo_hostname", finding.Message);
    }

    [Fact]
    public void RenamedRestriction_does_not_fire_on_current_names() => Assert.Empty(Config.Healthy.Findings(ParameterRules.RenamedRestriction));
}
