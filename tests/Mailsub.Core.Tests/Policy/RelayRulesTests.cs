using Mailsub.Core.Api;
using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Policy;

public class RelayRulesTests
{
    [Fact]
    public void OpenRelay_fires_on_a_permit_before_the_guard()
    {
        var finding = Assert.Single(Config.Main("smtpd_relay_restrictions = permit_mynetworks, permit, reject_unauth_destination").Findings(RelayRules.OpenRelay));

        Assert.Equal((Severity.Error, FindingCodes.OpenRelay, "smtpd_relay_restrictions", ConditionTypes.RelayProtected),
            (finding.Severity, finding.Code, finding.Location, finding.ConditionType));
        Assert.Contains("permits every client", finding.Message);
    }

    [Fact]
    public void OpenRelay_fires_when_the_guard_only_warns()
    {
        var finding = Assert.Single(Config.Main("smtpd_relay_restrictions = permit_sasl_authenticated, warn_if_reject reject_unauth_destination").Findings(RelayRules.OpenRelay));

        Assert.Contains("warn_if_reject", finding.Message);
    }

    [Fact]
    public void OpenRelay_fires_per_listener_on_an_override()
    {
        var finding = Assert.Single(Config.Service("587", "-o smtpd_relay_restrictions=permit,reject_unauth_destination").Findings(RelayRules.OpenRelay));

        Assert.Equal("587/smtpd_relay_restrictions", finding.Location);
    }

    [Fact]
    public void OpenRelay_fires_on_a_permit_inside_a_restriction_class()
    {
        var config = Config.Main("smtpd_restriction_classes = trusted", "trusted = permit", "smtpd_relay_restrictions = trusted, reject_unauth_destination");

        Assert.Equal([FindingCodes.OpenRelay], config.Codes(RelayRules.OpenRelay));
    }

    [Fact]
    public void OpenRelay_does_not_fire_when_either_list_guards()
    {
        Assert.Empty(Config.Healthy.Findings(RelayRules.OpenRelay));
        Assert.Empty(Config.Main("smtpd_relay_restrictions = permit_sasl_authenticated, reject").Findings(RelayRules.OpenRelay));
        Assert.Empty(Config.Main("smtpd_relay_restrictions = permit_auth_destination, reject_unauth_destination").Findings(RelayRules.OpenRelay));
        Assert.Empty(Config.Main("smtpd_relay_restrictions = permit", "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination").Findings(RelayRules.OpenRelay));
    }

    [Fact]
    public void RelayGuardMissing_fires_when_postfix_would_refuse_to_start()
    {
        var finding = Assert.Single(Config.Main("smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated").Findings(RelayRules.RelayGuardMissing));

        Assert.Equal((Severity.Error, ConditionTypes.ConfigValid), (finding.Severity, finding.ConditionType));
        Assert.Empty(Config.Main("smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated").Findings(RelayRules.OpenRelay));
    }

    [Fact]
    public void RelayGuardMissing_fires_with_the_compatibility_level_0_default()
    {
        Assert.Equal([FindingCodes.RelayGuardMissing], Config.Without("compatibility_level", "smtpd_relay_restrictions").Codes(RelayRules.RelayGuardMissing));
    }

    [Fact]
    public void RelayGuardMissing_does_not_fire_with_a_guard_anywhere()
    {
        Assert.Empty(Config.Healthy.Findings(RelayRules.RelayGuardMissing));
        Assert.Empty(Config.Without("smtpd_relay_restrictions").Findings(RelayRules.RelayGuardMissing));
        Assert.Empty(Config.Main("smtpd_relay_restrictions = permit", "smtpd_recipient_restrictions = defer_unauth_destination").Findings(RelayRules.RelayGuardMissing));
    }

    [Fact]
    public void RelayControlInRecipientRestrictions_fires_when_only_recipient_restrictions_guard()
    {
        var config = Config.Main("compatibility_level = 0", "smtpd_relay_restrictions =",
            "smtpd_recipient_restrictions = permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination");

        var finding = Assert.Single(config.Findings(RelayRules.RelayControlInRecipientRestrictions));

        Assert.Equal(Severity.Warning, finding.Severity);
    }

    [Fact]
    public void RelayControlInRecipientRestrictions_does_not_fire_when_relay_restrictions_guard()
    {
        Assert.Empty(Config.Main("smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination").Findings(RelayRules.RelayControlInRecipientRestrictions));
    }

    [Fact]
    public void RelayDependsOnLookup_fires_on_a_table_before_the_only_guard()
    {
        var finding = Assert.Single(Config.Main("smtpd_relay_restrictions = check_client_access hash:/etc/postfix/relay_clients, reject_unauth_destination")
            .Findings(RelayRules.RelayDependsOnLookup));

        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("check_client_access", finding.Message);
    }

    [Fact]
    public void RelayDependsOnLookup_does_not_fire_when_a_list_guards_without_lookups()
    {
        Assert.Empty(Config.Healthy.Findings(RelayRules.RelayDependsOnLookup));
        Assert.Empty(Config.Main("smtpd_relay_restrictions = check_client_access hash:/x, reject_unauth_destination",
            "smtpd_recipient_restrictions = reject_unauth_destination").Findings(RelayRules.RelayDependsOnLookup));
        Assert.Empty(Config.Main("smtpd_relay_restrictions = reject_unauth_destination, check_policy_service inet:127.0.0.1:10023").Findings(RelayRules.RelayDependsOnLookup));
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("127.0.0.0/8 [::]/0")]
    public void TrustedNetworksTooWide_reports_the_whole_internet_as_an_error(string mynetworks)
    {
        var finding = Assert.Single(Config.Main($"mynetworks = {mynetworks}").Findings(RelayRules.TrustedNetworksTooWide));

        Assert.Equal((Severity.Error, FindingCodes.TrustedNetworksOpen, "mynetworks"), (finding.Severity, finding.Code, finding.Location));
        Assert.StartsWith("spec.trustedNetworks (mynetworks) trusts ", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrustedNetworksTooWide_does_not_call_link_local_the_Internet()
    {
        var finding = Assert.Single(Config.Main("mynetworks = [fe80::]/10").Findings(RelayRules.TrustedNetworksTooWide));

        Assert.Equal((Severity.Warning, FindingCodes.TrustedNetworksTooWide), (finding.Severity, finding.Code));
        Assert.DoesNotContain("Internet", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("spec.trustedNetworks (mynetworks) trusts [fe80::]/10: every host there", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("172.16.0.0/12")]
    [InlineData("192.168.0.0/16")]
    [InlineData("[2001:db8::]/32")]
    public void TrustedNetworksTooWide_warns_on_large_private_ranges(string mynetworks)
    {
        var finding = Assert.Single(Config.Main($"mynetworks = 127.0.0.0/8, {mynetworks}").Findings(RelayRules.TrustedNetworksTooWide));

        Assert.Equal((Severity.Warning, FindingCodes.TrustedNetworksTooWide), (finding.Severity, finding.Code));
        Assert.Contains(mynetworks, finding.Message);
    }

    [Fact]
    public void TrustedNetworksTooWide_warns_when_mynetworks_is_left_to_the_subnet_style()
    {
        Assert.Equal([FindingCodes.TrustedNetworksTooWide], Config.Without("mynetworks").Main("compatibility_level = 1").Codes(RelayRules.TrustedNetworksTooWide));
        Assert.Empty(Config.Without("mynetworks").Findings(RelayRules.TrustedNetworksTooWide));
    }

    [Fact]
    public void TrustedNetworksTooWide_follows_a_listener_override()
    {
        var finding = Assert.Single(Config.Service("587", "-o mynetworks=10.0.0.0/8").Findings(RelayRules.TrustedNetworksTooWide));

        Assert.Equal("587/mynetworks", finding.Location);
    }

    [Fact]
    public void TrustedNetworksTooWide_does_not_fire_on_narrow_or_unused_networks()
    {
        Assert.Empty(Config.Healthy.Findings(RelayRules.TrustedNetworksTooWide));
        Assert.Empty(Config.Main("mynetworks = 192.168.10.0/24 [2001:db8:1::]/64").Findings(RelayRules.TrustedNetworksTooWide));
        Assert.Empty(Config.Main("mynetworks =").Findings(RelayRules.TrustedNetworksTooWide));
        Assert.Empty(Config.Main("mynetworks = 0.0.0.0/0", "smtpd_relay_restrictions = permit_sasl_authenticated, reject").Findings(RelayRules.TrustedNetworksTooWide));
    }
}
