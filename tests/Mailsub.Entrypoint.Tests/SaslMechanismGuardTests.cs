namespace Mailsub.Entrypoint.Tests;

public class SaslMechanismGuardTests
{
    private const string MasterCf =
        "587       inet  n       -       n       -       -       smtpd\n" +
        "  -o smtpd_tls_security_level=encrypt\n" +
        "  -o smtpd_sasl_auth_enable=yes\n" +
        "465       inet  n       -       n       -       -       smtpd\n" +
        "  -o smtpd_tls_wrappermode=yes\n" +
        "  -o smtpd_sasl_auth_enable=yes\n" +
        "  -o smtpd_sasl_tls_security_options=noanonymous\n" +
        "25        inet  n       -       n       -       -       smtpd\n" +
        "pickup    unix  n       -       n       60      1       pickup\n";

    private static Dictionary<string, string> MainCfValues(string securityOptions, string tlsOptions = "$smtpd_sasl_security_options") => new()
    {
        ["smtpd_sasl_auth_enable"] = "no",
        ["smtpd_sasl_security_options"] = securityOptions,
        ["smtpd_sasl_tls_security_options"] = tlsOptions,
    };

    [Fact]
    public void Noplaintext_with_only_plaintext_mechanisms_names_each_service_left_without_one()
    {
        var problems = SaslMechanismGuard.Problems("mech_list: PLAIN LOGIN\n", MasterCf, MainCfValues("noanonymous, noplaintext"));

        // 465 allows plaintext after TLS by its own -o; 25 does not enable SASL.
        Assert.StartsWith("service 587: smtpd_sasl_tls_security_options = noanonymous, noplaintext leaves none", Assert.Single(problems));
    }

    [Theory]
    [InlineData("mech_list: PLAIN LOGIN CRAM-MD5", "noanonymous, noplaintext", "$smtpd_sasl_security_options")]
    [InlineData("mech_list: PLAIN LOGIN", "noanonymous, noplaintext", "noanonymous")]
    [InlineData("mech_list: PLAIN LOGIN", "noanonymous", "${smtpd_sasl_security_options}")]
    [InlineData("pwcheck_method: auxprop", "noanonymous, noplaintext", "$smtpd_sasl_security_options")]
    [InlineData("mech_list: PLAIN", "noanonymous, noplaintext, nodictionary", "$smtpd_sasl_security_options")]
    public void Configs_that_leave_a_mechanism_or_cannot_be_judged_pass(string smtpdConf, string options, string tlsOptions)
    {
        Assert.Empty(SaslMechanismGuard.Problems(smtpdConf, MasterCf, MainCfValues(options, tlsOptions)));
    }

    [Fact]
    public void Noanonymous_removes_anonymous()
    {
        Assert.Equal(2, SaslMechanismGuard.Problems("mech_list: ANONYMOUS", MasterCf, MainCfValues("noanonymous")).Count);
    }

    [Fact]
    public void Braced_overrides_are_read_as_the_core_reads_them()
    {
        var masterCf = "587 inet n - n - - smtpd -o { smtpd_sasl_auth_enable = yes } -o { smtpd_sasl_tls_security_options = noanonymous, noplaintext }\n";

        Assert.Single(SaslMechanismGuard.Problems("mech_list: PLAIN LOGIN", masterCf, MainCfValues("noanonymous")));
    }

    [Fact]
    public void Mech_list_is_split_as_Cyrus_splits_it()
    {
        // Cyrus skips "CRAM-MD5,", a name no mechanism has, and noplaintext then removes PLAIN.
        Assert.Empty(SaslMechanismGuard.Problems("mech_list: CRAM-MD5 PLAIN", MasterCf, MainCfValues("noanonymous, noplaintext")));
        Assert.StartsWith("service 587: smtpd_sasl_tls_security_options = noanonymous, noplaintext leaves none of mech_list PLAIN,",
            Assert.Single(SaslMechanismGuard.Problems("mech_list: CRAM-MD5, PLAIN", MasterCf, MainCfValues("noanonymous, noplaintext"))));
    }
}
