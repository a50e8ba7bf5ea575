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
}
