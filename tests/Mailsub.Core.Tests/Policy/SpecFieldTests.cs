using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Policy;

public class SpecFieldTests
{
    [Theory]
    [InlineData("mynetworks", "spec.trustedNetworks")]
    [InlineData("587/mynetworks", "spec.trustedNetworks")]
    [InlineData("smtpd.conf/mech_list", "spec.auth.profile")]
    [InlineData("spec.tls", "spec.tls")]
    [InlineData("smtpd_tls_protocols", "spec.tls.minProtocol")]
    [InlineData("smtpd_relay_restrictions", "spec.restrictions.relay")]
    [InlineData("465/smtpd_tls_wrappermode", "spec.listeners.submissions")]
    [InlineData("smtp_tls_security_level", "spec.relayHost.tlsLevel")]
    [InlineData("mailbox_size_limit", "spec.limits.messageSizeBytes")]
    // Set by spec.extraConfig: the key itself.
    [InlineData("smtpd_helo_required", "spec.extraConfig.smtpd_helo_required")]
    [InlineData("587/smtpd_helo_required", "spec.extraConfig.smtpd_helo_required")]
    [InlineData("main.cf:40", "spec.extraConfig")]
    // A listener's override that no field sets: the listener.
    [InlineData("587/smtpd_client_restrictions", "spec.listeners.submission")]
    // What the templates alone decide.
    [InlineData("queue_directory", null)]
    [InlineData("relay/unix/smtp_bind_address", null)]
    public void Names_the_field_a_rendered_location_comes_from(string location, string? field)
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.ExtraConfig["smtpd_helo_required"] = "yes"));

        Assert.Equal(field, SpecField.Of(valid, location));
    }

    [Fact]
    public void A_main_cf_line_is_the_templates_when_there_is_no_extraConfig() =>
        Assert.Null(SpecField.Of(Gen.Valid(Gen.Submission("m")), "main.cf:40"));
}
