using Mailsub.Core.Policy;

namespace Mailsub.Core.Tests.Policy;

public class EffectiveConfigTests
{
    private const string Main =
        """
        compatibility_level = 3.7
        smtpd_tls_security_level = may
        smtpd_sasl_security_options = noanonymous, noplaintext
        smtpd_sasl_tls_security_options = $smtpd_sasl_security_options
        mua_relay = permit_sasl_authenticated, reject
        """;

    private const string Master =
        """
        smtp      inet  n       -       y       -       1       postscreen
        smtpd     pass  -       -       y       -       -       smtpd
          -o smtpd_tls_security_level=none
        submission inet n       -       y       -       -       smtpd
          -o smtpd_tls_security_level=encrypt
          -o smtpd_sasl_security_options=noanonymous
          -o smtpd_relay_restrictions=$mua_relay
        127.0.0.1:10025 inet n  -       n       -       -       smtpd
        pickup    unix  n       -       y       60      1       pickup
        submissions inet n      -       y       -       -       smtpd -o smtpd_tls_wrappermode=yes
        """;

    private static readonly EffectiveConfig Config = EffectiveConfig.Parse(Main, Master);

    [Fact]
    public void Lists_network_smtpd_listeners_by_port()
    {
        Assert.Equal(["25", "465", "587", "127.0.0.1:10025/inet"], Config.Listeners.Select(l => l.Label));
    }

    [Fact]
    public void A_postscreen_listener_reads_the_smtpd_pass_service_overrides()
    {
        var smtp = Config.Listeners.Single(l => l.Port == 25);

        Assert.Equal("postscreen", smtp.Entry.Command);
        Assert.Equal("none", smtp.Parameters.Get("smtpd_tls_security_level"));
        Assert.Equal(TlsMode.None, smtp.Tls);
    }

    [Fact]
    public void Overrides_win_over_main_cf_and_main_cf_over_defaults()
    {
        var submission = Config.Listeners.Single(l => l.Port == 587);

        Assert.Equal("encrypt", submission.Parameters.Get("smtpd_tls_security_level"));
        Assert.Equal("may", Config.Global.Get("smtpd_tls_security_level"));
        Assert.Equal("no", Config.Global.Get("smtpd_tls_auth_only"));
    }

    [Fact]
    public void Main_cf_references_follow_a_listener_override()
    {
        var submission = Config.Listeners.Single(l => l.Port == 587);

        Assert.Equal("noanonymous", submission.Parameters.Get("smtpd_sasl_tls_security_options"));
        Assert.Equal("noanonymous, noplaintext", Config.Global.Get("smtpd_sasl_tls_security_options"));
        Assert.Equal(["permit_sasl_authenticated", "reject"], submission.Parameters.List("smtpd_relay_restrictions"));
    }

    [Fact]
    public void Names_a_parameter_by_listener_only_when_the_listener_overrides_it()
    {
        var submission = Config.Listeners.Single(l => l.Port == 587);

        Assert.Equal("587/smtpd_tls_security_level", submission.Parameters.PathOf("smtpd_tls_security_level"));
        Assert.Equal("mynetworks", submission.Parameters.PathOf("mynetworks"));
        Assert.Equal("587/mynetworks", submission.Parameters.PathOf("mynetworks", "smtpd_relay_restrictions"));
        Assert.Equal("smtpd_tls_security_level", Config.Global.PathOf("smtpd_tls_security_level"));
    }

    [Theory]
    [InlineData("0", "")]
    [InlineData("1", "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination")]
    [InlineData("3.6", "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination")]
    public void Relay_restriction_default_depends_on_the_compatibility_level(string level, string expected)
    {
        var config = EffectiveConfig.Parse($"compatibility_level = {level}\n", "");

        Assert.Equal(expected, config.Global.Get("smtpd_relay_restrictions"));
    }

    [Fact]
    public void Without_a_compatibility_level_postfix_3_7_defaults_apply_level_0()
    {
        var config = EffectiveConfig.Parse("", "");

        Assert.Equal("", config.Global.Get("smtpd_relay_restrictions"));
        Assert.Equal("subnet", config.Global.Get("mynetworks_style"));
        Assert.Null(config.Global.Raw("mynetworks"));
    }

    [Theory]
    [InlineData("smtpd_tls_wrappermode = yes\nsmtpd_tls_security_level = none", TlsMode.Wrapper)]
    [InlineData("smtpd_tls_security_level = encrypt", TlsMode.Required)]
    [InlineData("smtpd_tls_security_level = verify", TlsMode.Required)]
    [InlineData("smtpd_tls_security_level = MAY", TlsMode.Optional)]
    [InlineData("smtpd_tls_security_level = none\nsmtpd_use_tls = yes", TlsMode.None)]
    [InlineData("smtpd_use_tls = yes", TlsMode.Optional)]
    [InlineData("smtpd_use_tls = yes\nsmtpd_enforce_tls = yes", TlsMode.Required)]
    [InlineData("", TlsMode.None)]
    public void Tls_mode_follows_postfix_precedence(string main, TlsMode expected)
    {
        var listener = EffectiveConfig.Parse(main, "smtp inet n - y - - smtpd\n").Listeners.Single();

        Assert.Equal(expected, listener.Tls);
    }
}
