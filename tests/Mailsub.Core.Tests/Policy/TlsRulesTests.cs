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

    [Theory]
    [InlineData("RSA 1024")]
    [InlineData("ECDSA P-521")]
    public void WeakTlsKey_fires_on_an_existing_certificate_whose_key_the_profiles_do_not_take(string key)
    {
        var finding = Assert.Single(Config.SecretKey(CertificateKey.FromPem(CertificateKeyTests.Pem(key))!).Findings(TlsRules.WeakTlsKey));

        Assert.Equal((Severity.Warning, "spec.tls.secretName", ConditionTypes.TlsReady), (finding.Severity, finding.Location, finding.ConditionType));
        Assert.Contains($"Secret own-cert (spec.tls.secretName) has an {key.Replace("RSA 1024", "RSA 1024-bit")} key", finding.Message);
        Assert.Contains("the Intermediate profile wants", finding.Message);
        Assert.DoesNotContain("BEGIN", finding.Message);
    }

    [Fact]
    public void WeakTlsKey_fires_on_a_key_that_is_neither_RSA_nor_ECDSA()
    {
        var finding = Assert.Single(Config.SecretKey(new CertificateKey(null, 0, null, "Ed25519"), TlsProfile.Modern).Findings(TlsRules.WeakTlsKey));

        Assert.Contains("has a key of type Ed25519; the Modern profile wants", finding.Message);
    }

    [Theory]
    [InlineData("RSA 2048", TlsProfile.Intermediate)]
    [InlineData("ECDSA P-256", TlsProfile.Intermediate)]
    [InlineData("ECDSA P-384", TlsProfile.Modern)]
    [InlineData("RSA 2048", TlsProfile.Modern)]
    [InlineData("RSA 2048", TlsProfile.Legacy)]
    public void WeakTlsKey_does_not_fire_on_ECDSA_P256_P384_or_RSA_2048(string key, TlsProfile profile)
    {
        Assert.Empty(Config.SecretKey(CertificateKey.FromPem(CertificateKeyTests.Pem(key))!, profile).Findings(TlsRules.WeakTlsKey));
    }

    [Fact]
    public void The_key_rules_do_not_fire_without_a_certificate_read_from_a_Secret()
    {
        Assert.Empty(Config.Tls(TlsSource.Secret).Findings(TlsRules.WeakTlsKey));
        Assert.Empty(Config.Tls(TlsSource.Secret).Findings(TlsRules.CertificateKeyMismatch));
    }

    [Theory]
    [InlineData("ECDSA P-256", TlsProfile.Legacy, null, "the Legacy profile's static-RSA ciphers")]
    [InlineData("RSA 2048", TlsProfile.Intermediate, PrivateKeyAlgorithm.Ecdsa, "spec.tls.privateKeyAlgorithm is ECDSA. Replace the certificate with one for an ECDSA key, or set spec.tls.privateKeyAlgorithm to RSA")]
    [InlineData("ECDSA P-256", TlsProfile.Modern, PrivateKeyAlgorithm.Rsa, "spec.tls.privateKeyAlgorithm is RSA")]
    public void CertificateKeyMismatch_fires_when_the_key_is_not_the_algorithm_asked_for(string key, TlsProfile profile, PrivateKeyAlgorithm? requested, string says)
    {
        var finding = Assert.Single(Config.SecretKey(CertificateKey.FromPem(CertificateKeyTests.Pem(key))!, profile, requested).Findings(TlsRules.CertificateKeyMismatch));

        Assert.Equal((Severity.Warning, "spec.tls.secretName"), (finding.Severity, finding.Location));
        Assert.Contains(says, finding.Message);
    }

    [Theory]
    [InlineData("RSA 2048", TlsProfile.Intermediate, null)]
    [InlineData("RSA 2048", TlsProfile.Modern, null)]
    [InlineData("ECDSA P-256", TlsProfile.Intermediate, null)]
    [InlineData("RSA 2048", TlsProfile.Legacy, null)]
    [InlineData("RSA 2048", TlsProfile.Intermediate, PrivateKeyAlgorithm.Rsa)]
    [InlineData("ECDSA P-256", TlsProfile.Legacy, PrivateKeyAlgorithm.Ecdsa)]
    public void CertificateKeyMismatch_does_not_fire_when_the_profile_takes_either_or_the_key_is_the_one_asked_for(string key, TlsProfile profile, PrivateKeyAlgorithm? requested)
    {
        Assert.Empty(Config.SecretKey(CertificateKey.FromPem(CertificateKeyTests.Pem(key))!, profile, requested).Findings(TlsRules.CertificateKeyMismatch));
    }

    [Fact]
    public void PolicyInput_From_carries_the_profile_the_requested_key_and_the_certificate_read()
    {
        var valid = Gen.Valid(Gen.Submission("m", s =>
        {
            s.Tls = new TlsSpec { SecretName = "own-cert", Profile = TlsProfile.Legacy, PrivateKeyAlgorithm = PrivateKeyAlgorithm.Rsa, MinProtocol = TlsProtocol.TLSv1 };
        }));
        var certificate = new ExistingCertificate("own-cert", CertificateKey.FromPem(CertificateKeyTests.Pem("RSA 1024"))!);

        var input = PolicyInput.From(valid, "", "", "", certificate);

        Assert.Equal((TlsProfile.Legacy, PrivateKeyAlgorithm.Rsa, certificate), (input.Profile, input.RequestedKey, input.SecretCertificate));
    }
}
