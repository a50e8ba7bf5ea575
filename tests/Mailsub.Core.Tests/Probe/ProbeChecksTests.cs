using System.Net;
using Mailsub.Core.Api;
using Mailsub.Core.Probe;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Probe;

/// <summary>The live probe's checks, SMTP replies in, verdict out: each check passing and failing.</summary>
public class ProbeChecksTests
{
    private const string Fingerprint = "AB12";

    private static readonly IPAddress Stranger = IPAddress.Parse("192.0.2.7");

    private static ListenerProbe Probe(ListenerKind kind, int port, Action<MailSubmissionSpec>? change = null)
    {
        var valid = Gen.Valid(Gen.Submission("mail", s =>
        {
            s.Listeners.Smtp.Enabled = true;
            change?.Invoke(s);
        }));
        return ListenerProbe.For(valid).Single(p => p.Listener.Kind == kind && p.Listener.Port == port);
    }

    private static SmtpReply Reply(int code, params string[] lines) => new(code, lines);

    private static readonly TlsSession GoodTls = new(TlsProtocol.TLSv1_3, "Tls13", "TLS_AES_256_GCM_SHA384", Fingerprint);

    /// <summary>What a healthy Postfix answers on <paramref name="probe"/>, as the operator's client records it.</summary>
    private static ListenerObservation Healthy(ListenerProbe probe, Action<ListenerObservation>? change = null)
    {
        var seen = new ListenerObservation { Source = Stranger, Banner = Reply(220, "mail.example.com ESMTP Postfix") };
        if (probe.StartTls)
        {
            seen.EhloBeforeTls = Reply(250, "mail.example.com", "PIPELINING", "STARTTLS", "8BITMIME");
            seen.MailBeforeTls = Reply(530, "5.7.0 Must issue a STARTTLS command first");
            seen.StartTls = Reply(220, "2.0.0 Ready to start TLS");
        }
        if (probe.StartTls || probe.ImplicitTls)
        {
            seen.Tls = GoodTls;
            seen.EhloInTls = Reply(250, "mail.example.com", "AUTH PLAIN LOGIN");
        }
        foreach (var (_, recipient) in probe.RelayAttempts)
        {
            seen.Relay.Add(new RelayAttempt(recipient, Reply(250, "2.1.0 Ok"), Reply(554, "5.7.1 <x>: Relay access denied")));
        }
        change?.Invoke(seen);
        return seen;
    }

    private static string? FailedCheck(ListenerProbe probe, Action<ListenerObservation>? change = null) =>
        ProbeChecks.FirstFailure(probe, Healthy(probe, change), Fingerprint)?.Check;

    [Theory]
    [InlineData(ListenerKind.Submission, 587)]
    [InlineData(ListenerKind.Submissions, 465)]
    [InlineData(ListenerKind.Smtp, 25)]
    public void A_healthy_listener_passes_every_check(ListenerKind kind, int port) =>
        Assert.Null(FailedCheck(Probe(kind, port)));

    [Theory]
    [InlineData(220, "other.example.com ESMTP Postfix")]
    [InlineData(554, "mail.example.com ESMTP not today")]
    [InlineData(220, "")]
    public void The_banner_must_greet_with_220_and_the_hostname(int code, string line)
    {
        var probe = Probe(ListenerKind.Submission, 587);
        var failure = ProbeChecks.FirstFailure(probe, Healthy(probe, s => s.Banner = Reply(code, line)), Fingerprint);

        Assert.Equal(ConditionReasons.ProbeBanner, failure?.Check);
        Assert.Contains($"\"{code} {line}\"", failure!.Message, StringComparison.Ordinal);
        Assert.StartsWith("submission (587): ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listener_that_accepts_but_never_greets_fails_the_banner_check() =>
        Assert.Equal(ConditionReasons.ProbeBanner, FailedCheck(Probe(ListenerKind.Smtp, 25), s => (s.Banner, s.Error) = (null, "no reply within 10 s")));

    [Fact]
    public void Submission_must_offer_STARTTLS_and_hide_AUTH_before_it()
    {
        var probe = Probe(ListenerKind.Submission, 587);

        Assert.Equal(ConditionReasons.ProbeStartTlsNotOffered, FailedCheck(probe, s => s.EhloBeforeTls = Reply(250, "mail.example.com", "PIPELINING")));
        Assert.Equal(ConditionReasons.ProbeAuthBeforeTls, FailedCheck(probe, s => s.EhloBeforeTls = Reply(250, "mail.example.com", "STARTTLS", "AUTH PLAIN")));
        Assert.Equal(ConditionReasons.ProbeAuthBeforeTls, FailedCheck(probe, s => s.EhloBeforeTls = Reply(250, "mail.example.com", "STARTTLS", "AUTH=PLAIN")));
        // AUTH inside TLS is what submission is for.
        Assert.Null(FailedCheck(probe, s => s.EhloInTls = Reply(250, "mail.example.com", "AUTH PLAIN LOGIN")));
        // A keyword that merely starts with AUTH is not AUTH.
        Assert.Null(FailedCheck(probe, s => s.EhloBeforeTls = Reply(250, "mail.example.com", "STARTTLS", "AUTHX")));
    }

    [Fact]
    public void Submission_must_refuse_MAIL_before_STARTTLS()
    {
        var probe = Probe(ListenerKind.Submission, 587);

        Assert.Equal(ConditionReasons.ProbeMailBeforeTls, FailedCheck(probe, s => s.MailBeforeTls = Reply(250, "2.1.0 Ok")));
        Assert.Null(FailedCheck(probe, s => s.MailBeforeTls = Reply(454, "4.7.0 TLS not available due to local problem")));
    }

    [Fact]
    public void A_failed_STARTTLS_or_a_plaintext_465_fails_the_TLS_checks()
    {
        var submission = Probe(ListenerKind.Submission, 587);
        Assert.Equal(ConditionReasons.ProbeStartTlsFailed, FailedCheck(submission, s => (s.StartTls, s.Tls) = (Reply(454, "4.7.0 TLS not available"), null)));
        Assert.Equal(ConditionReasons.ProbeStartTlsFailed, FailedCheck(submission, s => (s.Tls, s.Error) = (null, "handshake failed")));

        var submissions = Probe(ListenerKind.Submissions, 465);
        Assert.Equal(ConditionReasons.ProbeNoImplicitTls, FailedCheck(submissions, s => (s.Banner, s.Tls, s.Error) = (null, null, "received plaintext")));
    }

    [Theory]
    [InlineData(TlsProfile.Intermediate, TlsProtocol.TLSv1_2, TlsProtocol.TLSv1_2, null)]
    [InlineData(TlsProfile.Intermediate, TlsProtocol.TLSv1_2, TlsProtocol.TLSv1_1, "ProbeTlsProtocol")]
    [InlineData(TlsProfile.Intermediate, TlsProtocol.TLSv1_3, TlsProtocol.TLSv1_2, "ProbeTlsProtocol")]
    [InlineData(TlsProfile.Modern, TlsProtocol.TLSv1_2, TlsProtocol.TLSv1_2, "ProbeTlsProtocol")]
    [InlineData(TlsProfile.Modern, TlsProtocol.TLSv1_2, TlsProtocol.TLSv1_3, null)]
    public void The_negotiated_protocol_is_not_below_the_configured_minimum(TlsProfile profile, TlsProtocol min, TlsProtocol negotiated, string? check)
    {
        var probe = Probe(ListenerKind.Submissions, 465, s => (s.Tls.Profile, s.Tls.MinProtocol) = (profile, min));

        Assert.Equal(check, FailedCheck(probe, s => s.Tls = GoodTls with
        {
            Protocol = negotiated,
            Cipher = negotiated == TlsProtocol.TLSv1_3 ? "TLS_AES_128_GCM_SHA256" : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        }));
    }

    [Theory]
    [InlineData(TlsProfile.Intermediate, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", null)]
    [InlineData(TlsProfile.Intermediate, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", null)]
    [InlineData(TlsProfile.Intermediate, "TLS_RSA_WITH_AES_256_GCM_SHA384", "ProbeTlsCipher")]
    [InlineData(TlsProfile.Intermediate, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ProbeTlsCipher")]
    [InlineData(TlsProfile.Intermediate, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "ProbeTlsCipher")]
    [InlineData(TlsProfile.Legacy, "TLS_RSA_WITH_AES_128_CBC_SHA", null)]
    [InlineData(TlsProfile.Legacy, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "ProbeTlsCipher")]
    public void The_negotiated_cipher_is_one_the_profile_allows(TlsProfile profile, string cipher, string? check)
    {
        var probe = Probe(ListenerKind.Submissions, 465, s => (s.Tls.Profile, s.Tls.MinProtocol) = (profile, TlsProtocol.TLSv1_2));

        Assert.Equal(check, FailedCheck(probe, s => s.Tls = GoodTls with { Protocol = TlsProtocol.TLSv1_2, ProtocolName = "Tls12", Cipher = cipher }));
    }

    [Fact]
    public void The_certificate_served_must_be_the_TLS_Secrets()
    {
        var probe = Probe(ListenerKind.Submissions, 465);

        var failure = ProbeChecks.FirstFailure(probe, Healthy(probe, s => s.Tls = GoodTls with { CertificateSha256 = "CD34" }), Fingerprint);
        Assert.Equal(ConditionReasons.ProbeCertificateMismatch, failure?.Check);
        Assert.Contains("CD34", failure!.Message, StringComparison.Ordinal);
        // Lower-case hex is the same fingerprint; an unreadable Secret is not compared (TLSReady says why).
        Assert.Null(ProbeChecks.FirstFailure(probe, Healthy(probe), Fingerprint.ToLowerInvariant()));
        Assert.Null(ProbeChecks.FirstFailure(probe, Healthy(probe, s => s.Tls = GoodTls with { CertificateSha256 = "CD34" }), null));
    }

    [Theory]
    [InlineData(0, "ProbeOpenRelay", "mailsub-probe@relay-probe.example")]
    [InlineData(1, "ProbeOpenRelayPercentHack", "mailsub-probe%relay-probe.example@mail.example.com")]
    [InlineData(2, "ProbeOpenRelayQuotedLocalPart", "\"mailsub-probe@relay-probe.example\"@mail.example.com")]
    [InlineData(3, "ProbeOpenRelaySourceRoute", "@mail.example.com:mailsub-probe@relay-probe.example")]
    public void Every_relay_attempt_must_be_refused_at_RCPT(int attempt, string check, string recipient)
    {
        foreach (var probe in new[] { Probe(ListenerKind.Submission, 587), Probe(ListenerKind.Submissions, 465), Probe(ListenerKind.Smtp, 25) })
        {
            Assert.Equal(recipient, probe.RelayAttempts[attempt].Recipient);
            var failure = ProbeChecks.FirstFailure(probe, Healthy(probe, s => s.Relay[attempt] = s.Relay[attempt] with { Rcpt = Reply(250, "2.1.5 Ok") }), Fingerprint);
            Assert.Equal(check, failure?.Check);
            Assert.Contains("\"250 2.1.5 Ok\"", failure!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_refused_MAIL_refuses_the_relay_and_a_probe_from_a_trusted_network_does_not_judge_it()
    {
        var probe = Probe(ListenerKind.Smtp, 25, s => s.TrustedNetworks = ["192.0.2.0/24"]);
        var relaying = (Action<ListenerObservation>)(s => s.Relay[0] = s.Relay[0] with { Rcpt = Reply(250, "2.1.5 Ok") });

        Assert.Null(FailedCheck(probe, relaying));
        Assert.Equal(ConditionReasons.ProbeOpenRelay, FailedCheck(probe, s => { relaying(s); s.Source = IPAddress.Parse("198.51.100.1"); }));
        Assert.Null(FailedCheck(Probe(ListenerKind.Smtp, 25), s => s.Relay[0] = s.Relay[0] with { Mail = Reply(554, "5.7.1 go away"), Rcpt = null }));
    }

    [Fact]
    public void A_dialogue_cut_short_fails_unless_the_server_hung_up_after_refusing()
    {
        var probe = Probe(ListenerKind.Smtp, 25);

        Assert.Equal(ConditionReasons.ProbeIncomplete, FailedCheck(probe, s => s.Error = "the server closed the connection"));
        Assert.Null(FailedCheck(probe, s =>
        {
            s.Relay.RemoveRange(2, 2);
            s.Relay[1] = s.Relay[1] with { Rcpt = Reply(421, "4.7.0 Error: too many errors") };
            s.Error = "the server closed the connection";
        }));
    }

    [Fact]
    public void The_result_is_the_first_failure_False_an_unreachable_listener_Unknown_else_True()
    {
        var probes = ListenerProbe.For(Gen.Valid(Gen.Submission("mail"))).OrderBy(p => p.Listener.Port).Reverse().ToList(); // 587, 465
        var healthy = probes.Select(p => (p, Healthy(p))).ToList();

        var passed = LiveProbeResult.Judge("h", healthy, Fingerprint);
        Assert.Equal(("True", ConditionReasons.ProbePassed), (passed.Status, passed.Reason));
        Assert.StartsWith("Probed submission (587), submissions (465): ", passed.Message, StringComparison.Ordinal);

        var unreachable = LiveProbeResult.Judge("h", [healthy[0], (probes[1], new ListenerObservation { ConnectError = "Connection refused" })], Fingerprint);
        Assert.Equal(("Unknown", ConditionReasons.ProbeUnreachable), (unreachable.Status, unreachable.Reason));

        var failed = LiveProbeResult.Judge("h", [(probes[0], Healthy(probes[0], s => s.MailBeforeTls = Reply(250, "2.1.0 Ok"))),
            (probes[1], new ListenerObservation { ConnectError = "Connection refused" })], Fingerprint);
        Assert.Equal(("False", ConditionReasons.ProbeMailBeforeTls, "h"), (failed.Status, failed.Reason, failed.ConfigHash));
    }

    [Fact]
    public void The_Secrets_fingerprint_is_the_SHA256_of_its_first_certificate()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=mail.example.com", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Equal(ListenerProbe.Sha256(certificate.RawData), ListenerProbe.CertificateSha256(certificate.ExportCertificatePem() + "\n" + certificate.ExportCertificatePem()));
        Assert.Null(ListenerProbe.CertificateSha256("not a certificate"));
    }
}
