using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Policy;

public class TlsRulesTests
{
    [Fact]
    public void NoCertificateSource_fires_when_tls_is_offered_without_a_certificate_in_the_spec()
    {
        var finding = Assert.Single(Config.Tls(TlsSource.None).Findings(TlsRules.NoCertificateSource));

        Assert.Equal((Severity.Error, "spec.tls", ConditionTypes.TlsReady), (finding.Severity, finding.Location, finding.ConditionType));
        Assert.Contains("465, 587", finding.Message);
    }

    [Fact]
    public void NoCertificateSource_does_not_fire_with_a_source_or_without_tls()
    {
        Assert.Empty(Config.Tls(TlsSource.Secret).Findings(TlsRules.NoCertificateSource));
        Assert.Empty(Config.Tls(TlsSource.None).Main("smtpd_tls_security_level = none").WithoutService("465").WithoutService("587").Service("25")
            .Findings(TlsRules.NoCertificateSource));
    }

    [Fact]
    public void CertificateNotConfigured_fires_when_no_certificate_file_is_set()
    {
        var findings = Config.Without("smtpd_tls_chain_files").Findings(TlsRules.CertificateNotConfigured);

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal((Severity.Error, "smtpd_tls_chain_files"), (f.Severity, f.Location)));
        Assert.Contains("handshake", findings[0].Message);
        Assert.Contains("454", findings[1].Message);
    }

    [Fact]
    public void CertificateNotConfigured_treats_cert_file_none_as_no_certificate()
    {
        Assert.NotEmpty(Config.Without("smtpd_tls_chain_files").Main("smtpd_tls_cert_file = none").Findings(TlsRules.CertificateNotConfigured));
    }

    [Fact]
    public void CertificateNotConfigured_does_not_fire_with_chain_files_or_the_legacy_cert_file()
    {
        Assert.Empty(Config.Healthy.Findings(TlsRules.CertificateNotConfigured));
        Assert.Empty(Config.Without("smtpd_tls_chain_files").Main("smtpd_tls_cert_file = /etc/postfix/tls/tls.crt").Findings(TlsRules.CertificateNotConfigured));
    }

    [Theory]
    [InlineData("-o smtpd_tls_security_level=may")]
    [InlineData("-o smtpd_tls_security_level=none")]
    [InlineData("-o smtpd_tls_security_level=")]
    public void SubmissionTlsNotRequired_fires_when_587_does_not_require_tls(string options)
    {
        var finding = Assert.Single(Config.Service("587", options).Findings(TlsRules.SubmissionTlsNotRequired));

        Assert.Equal((Severity.Error, "587/smtpd_tls_security_level"), (finding.Severity, finding.Location));
    }

    [Fact]
    public void SubmissionTlsNotRequired_follows_the_spec_listener_kind()
    {
        Assert.Single(Config.Service("2587", "-o smtpd_tls_security_level=may").Listener(ListenerKind.Submission, 2587).Findings(TlsRules.SubmissionTlsNotRequired));
        Assert.Empty(Config.Service("2587", "-o smtpd_tls_security_level=may").Findings(TlsRules.SubmissionTlsNotRequired));
    }

    [Fact]
    public void SubmissionTlsNotRequired_does_not_fire_when_tls_is_required()
    {
        Assert.Empty(Config.Healthy.Findings(TlsRules.SubmissionTlsNotRequired));
        Assert.Empty(Config.Service("587", "-o smtpd_tls_security_level=none -o smtpd_tls_wrappermode=yes").Findings(TlsRules.SubmissionTlsNotRequired));
        Assert.Empty(Config.Service("25").Findings(TlsRules.SubmissionTlsNotRequired));
    }

    [Fact]
    public void ImplicitTlsMissing_fires_when_465_speaks_starttls()
    {
        var finding = Assert.Single(Config.Service("465", "-o smtpd_tls_wrappermode=no -o smtpd_tls_security_level=encrypt").Findings(TlsRules.ImplicitTlsMissing));

        Assert.Equal("465/smtpd_tls_wrappermode", finding.Location);
    }

    [Fact]
    public void ImplicitTlsMissing_does_not_fire_with_wrappermode()
    {
        Assert.Empty(Config.Healthy.Findings(TlsRules.ImplicitTlsMissing));
    }

    [Theory]
    [InlineData("smtpd_tls_mandatory_protocols = >=TLSv1", "smtpd_tls_mandatory_protocols")]
    [InlineData("smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3", "smtpd_tls_mandatory_protocols")]
    [InlineData("smtpd_tls_mandatory_protocols =", "smtpd_tls_mandatory_protocols")]
    public void WeakTlsProtocols_warns_on_mandatory_tls_below_1_2(string main, string parameter)
    {
        var finding = Assert.Single(Config.Main(main).Findings(TlsRules.WeakTlsProtocols));

        Assert.Equal((Severity.Warning, parameter), (finding.Severity, finding.Location));
    }

    [Fact]
    public void WeakTlsProtocols_reads_the_opportunistic_list_on_a_may_listener()
    {
        var finding = Assert.Single(Config.Main("smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1").Service("25").Findings(TlsRules.WeakTlsProtocols));

        Assert.Contains("TLSv1.1", finding.Message);
        Assert.Empty(Config.Main("smtpd_tls_protocols = >=TLSv1").Findings(TlsRules.WeakTlsProtocols));
    }

    [Fact]
    public void WeakTlsProtocols_does_not_fire_from_tls_1_2()
    {
        Assert.Empty(Config.Healthy.Service("25").Findings(TlsRules.WeakTlsProtocols));
        Assert.Empty(Config.Main("smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1").Findings(TlsRules.WeakTlsProtocols));
    }

    [Theory]
    [InlineData("smtpd_tls_mandatory_ciphers = medium", "anonymous ciphers")]
    [InlineData("tls_high_cipherlist = aNULL:-aNULL:HIGH:@STRENGTH", "anonymous ciphers")]
    [InlineData("tls_high_cipherlist = ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384", "static RSA key exchange")]
    [InlineData("tls_high_cipherlist = ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA", "CBC ciphers with SHA-1")]
    [InlineData("tls_high_cipherlist = ECDHE+AESGCM:DHE+AES", "CBC ciphers with SHA-1")]
    public void WeakTlsCiphers_warns_on_a_submission_port_cipher_outside_intermediate(string main, string weakness)
    {
        var finding = Assert.Single(Config.Main(main).Findings(TlsRules.WeakTlsCiphers));

        Assert.Equal((Severity.Warning, "smtpd_tls_mandatory_ciphers"), (finding.Severity, finding.Location));
        Assert.Contains(weakness, finding.Message);
        Assert.Contains("spec.tls.profile", finding.Message);
    }

    [Theory]
    [InlineData("tls_high_cipherlist = ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM")]
    [InlineData("smtpd_tls_mandatory_exclude_ciphers = aNULL, kRSA, SHA1, SHA256, SHA384", "tls_high_cipherlist = HIGH")]
    [InlineData("smtpd_tls_mandatory_protocols = >=TLSv1.3", "smtpd_tls_mandatory_ciphers = medium")]
    public void WeakTlsCiphers_does_not_fire_on_forward_secret_aead_or_tls_1_3(params string[] main)
    {
        Assert.Empty(Config.Healthy.Findings(TlsRules.WeakTlsCiphers));
        Assert.Empty(Config.Main(main).Findings(TlsRules.WeakTlsCiphers));
    }

    [Fact]
    public void WeakTlsCiphers_allows_opportunistic_port_25_everything_but_anonymous_ciphers_where_auth_follows()
    {
        var anonymous = Assert.Single(Config.Main("smtpd_tls_ciphers = medium").Service("25").Findings(TlsRules.WeakTlsCiphers));
        Assert.Equal("smtpd_tls_ciphers", anonymous.Location);
        Assert.Contains("anonymous ciphers", anonymous.Message);
        Assert.DoesNotContain("static RSA", anonymous.Message);

        Assert.Empty(Config.Main("smtpd_tls_ciphers = medium", "smtpd_tls_exclude_ciphers = aNULL").Service("25").Findings(TlsRules.WeakTlsCiphers));
        Assert.Empty(Config.Main("smtpd_tls_ciphers = medium").Service("25", "-o smtpd_sasl_auth_enable=no").Findings(TlsRules.WeakTlsCiphers));
    }
}
