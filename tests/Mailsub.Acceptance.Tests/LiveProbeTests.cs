using Mailsub.Core.Api;
using Mailsub.Core.Probe;
using Mailsub.Core.Validation;
using Mailsub.Operator;
using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>
/// samples/modern.yaml with port 25, trusting only 127.0.0.2 (so the probe, on 127.0.0.1, is a
/// stranger), served by one Postfix whose master.cf also carries broken copies of the
/// listeners, as a hand-edited ConfigMap or a stale pod would serve them: each is a second
/// smtpd service on its own port with the -o options that break one check.
/// </summary>
public sealed class ModernWithBrokenListeners : IAsyncLifetime
{
    /// <summary>Broken copies: port, the listener copied, the -o options replaced or added, the check it must fail.</summary>
    public static readonly (int Port, int Of, string[] Options, string Check)[] Broken =
    [
        (2587, 587, ["smtpd_tls_security_level=none"], ConditionReasons.ProbeStartTlsNotOffered),
        (3587, 587, ["smtpd_tls_security_level=may", "smtpd_tls_auth_only=no", "smtpd_sasl_security_options=noanonymous"], ConditionReasons.ProbeAuthBeforeTls),
        (4587, 587, ["smtpd_tls_security_level=may"], ConditionReasons.ProbeMailBeforeTls),
        (5587, 587, ["{ smtpd_banner = other.example.org ESMTP }"], ConditionReasons.ProbeBanner),
        (2465, 465, ["smtpd_tls_wrappermode=no"], ConditionReasons.ProbeNoImplicitTls),
        // TLSv1.2 only, with a CBC cipher: the Intermediate profile wants AEAD.
        (3465, 465, ["smtpd_tls_mandatory_protocols=>=TLSv1.2,<=TLSv1.2", "tls_high_cipherlist=ECDHE-RSA-AES128-SHA"], ConditionReasons.ProbeTlsCipher),
        // An open relay: the probe's address in mynetworks, as a hand edit would put it there.
        (2025, 25, ["mynetworks=127.0.0.0/8"], ConditionReasons.ProbeOpenRelay),
        (6587, 587, ["mynetworks=127.0.0.0/8"], ConditionReasons.ProbeOpenRelay),
    ];

    public PostfixInstance Postfix { get; private set; } = null!;

    /// <summary>What the TLS Secret holds: an RSA certificate, so the static-RSA copy can negotiate.</summary>
    public TlsMaterial Secret { get; } = TlsMaterial.SelfSigned("mail.example.com", rsa: true);

    public ValidSubmission Valid { get; } = Validate(Samples.Read("modern").WithSmtpListener().Trusting("127.0.0.2/32"));

    private static ValidSubmission Validate(MailSubmission resource) => SubmissionValidator.Validate(resource).Valid!;

    public async Task InitializeAsync()
    {
        var rendered = Samples.Render(Valid.Resource);
        var dir = Directory.CreateTempSubdirectory("mailsub-probe-").FullName;
        try
        {
            foreach (var (name, text) in rendered.Files)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, name), name == "master.cf" ? WithBrokenCopies(text) : text);
            }
            Postfix = await PostfixInstance.StartAsync(new PostfixInstanceOptions
            {
                ConfigDirectory = dir,
                Users = new Dictionary<string, string> { ["alice"] = "alice-secret", ["bob"] = "bob-secret" },
                Tls = Secret,
                GraceSeconds = 5,
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string WithBrokenCopies(string masterCf)
    {
        var lines = masterCf.Split('\n');
        var copies = new List<string>();
        foreach (var (port, of, options, _) in Broken)
        {
            var start = Array.FindIndex(lines, l => l.StartsWith($"{of} ", StringComparison.Ordinal) && l.Contains(" inet ", StringComparison.Ordinal));
            var block = new List<string> { port + lines[start][of.ToString().Length..] };
            var set = options.ToDictionary(o => o[..o.IndexOf('=')], o => o);
            for (var i = start + 1; i < lines.Length && lines[i].StartsWith(' '); i++)
            {
                var option = lines[i].Trim();
                var name = option.StartsWith("-o ", StringComparison.Ordinal) ? option[3..].Split('=')[0] : "";
                if (!set.ContainsKey(name))
                {
                    block.Add(lines[i]);
                }
            }
            block.AddRange(set.Values.Select(o => "  -o " + o));
            copies.AddRange(block);
        }
        return masterCf.TrimEnd('\n') + "\n" + string.Join("\n", copies) + "\n";
    }

    public async Task DisposeAsync()
    {
        if (Postfix is not null)
        {
            await Postfix.DisposeAsync();
        }
    }
}

/// <summary>
/// The live probe's SMTP client (src/Mailsub.Operator/SmtpProbeClient.cs) against a real Postfix
/// 3.7 run by the entrypoint, judged by the core's pure checks: every check passing on the
/// listeners as rendered, and failing on a copy broken for it.
/// </summary>
[Collection(PostfixCollection.Name)]
public sealed class LiveProbeTests(ModernWithBrokenListeners service, ITestOutputHelper output) : IClassFixture<ModernWithBrokenListeners>
{
    private static readonly ProbeTimeouts Timeouts = new() { Reply = TimeSpan.FromSeconds(15), Listener = TimeSpan.FromSeconds(60) };

    private string Fingerprint => ListenerProbe.CertificateSha256(service.Secret.CertificatePem)!;

    private ListenerProbe Expected(int renderedPort, ValidSubmission? valid = null) =>
        ListenerProbe.For(valid ?? service.Valid).Single(p => p.Listener.Port == renderedPort);

    private async Task<ListenerObservation> ProbeAsync(ListenerProbe expected, int port)
    {
        var seen = await SmtpProbeClient.ProbeAsync(expected, service.Postfix.Host, service.Postfix.Port(port), Timeouts, CancellationToken.None);
        output.WriteLine($"{port}: banner={seen.Banner} ehlo={seen.EhloBeforeTls} mail={seen.MailBeforeTls} starttls={seen.StartTls} tls={seen.Tls} error={seen.Error ?? seen.ConnectError}");
        foreach (var a in seen.Relay)
        {
            output.WriteLine($"  RCPT TO:<{a.Recipient}> mail={a.Mail} rcpt={a.Rcpt}");
        }
        return seen;
    }

    [Theory]
    [InlineData(587)]
    [InlineData(465)]
    [InlineData(25)]
    public async Task The_rendered_listener_passes_every_check(int port)
    {
        var expected = Expected(port);
        var seen = await ProbeAsync(expected, port);

        Assert.True(ProbeChecks.FirstFailure(expected, seen, Fingerprint) is null,
            $"{ProbeChecks.FirstFailure(expected, seen, Fingerprint)}\n{service.Postfix.Describe()}");
        Assert.Null(seen.Error);
        Assert.Equal(expected.RelayAttempts.Count, seen.Relay.Count);
        Assert.All(seen.Relay, a => Assert.False(a.Rcpt?.Accepted ?? false, $"{a.Recipient}: {a.Rcpt}"));
        if (port != 25)
        {
            Assert.Equal(Fingerprint, seen.Tls?.CertificateSha256);
            Assert.True(seen.Tls!.Protocol >= TlsProtocol.TLSv1_2, seen.Tls.ToString());
        }
    }

    [Fact]
    public async Task A_certificate_other_than_the_Secrets_fails_on_every_TLS_listener()
    {
        var other = ListenerProbe.CertificateSha256(TlsMaterial.SelfSigned("mail.example.com").CertificatePem);
        foreach (var port in new[] { 587, 465 })
        {
            var expected = Expected(port);
            var failure = ProbeChecks.FirstFailure(expected, await ProbeAsync(expected, port), other);

            Assert.Equal(ConditionReasons.ProbeCertificateMismatch, failure?.Check);
            Assert.Contains(Fingerprint, failure!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_banner_naming_another_host_fails_and_quotes_it()
    {
        var failure = ProbeChecks.FirstFailure(Expected(587), await ProbeAsync(Expected(587), 5587), Fingerprint);

        Assert.Equal(ConditionReasons.ProbeBanner, failure?.Check);
        Assert.Contains("\"220 other.example.org ESMTP\"", failure!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2587)]
    [InlineData(3587)]
    [InlineData(4587)]
    [InlineData(2465)]
    [InlineData(3465)]
    public async Task A_listener_broken_for_one_check_fails_that_check(int port)
    {
        var (_, of, _, check) = ModernWithBrokenListeners.Broken.Single(b => b.Port == port);
        var expected = Expected(of);

        var failure = ProbeChecks.FirstFailure(expected, await ProbeAsync(expected, port), Fingerprint);

        Assert.True(failure?.Check == check, $"expected {check}, got {failure}\n{service.Postfix.Describe()}");
    }

    [Fact]
    public async Task TLSv1_2_is_below_a_TLSv1_3_minimum()
    {
        var modern = Gen.Valid(Samples.Read("modern").WithSmtpListener().Trusting("127.0.0.2/32"), s => s.Tls.MinProtocol = TlsProtocol.TLSv1_3);
        var seen = await ProbeAsync(Expected(465, modern), 3465);

        Assert.Equal(TlsProtocol.TLSv1_2, seen.Tls?.Protocol);
        Assert.Equal(ConditionReasons.ProbeTlsProtocol, ProbeChecks.FirstFailure(Expected(465, modern), seen, Fingerprint)?.Check);
        // The rendered 465 negotiates TLSv1.3, which passes the same minimum.
        Assert.Null(ProbeChecks.FirstFailure(Expected(465, modern), await ProbeAsync(Expected(465, modern), 465), Fingerprint));
    }

    [Theory]
    [InlineData(2025, 25)]
    [InlineData(6587, 587)]
    public async Task An_open_relay_is_caught_at_RCPT_for_each_trick_it_falls_for(int port, int of)
    {
        var expected = Expected(of);
        var seen = await ProbeAsync(expected, port);

        Assert.Equal(ConditionReasons.ProbeOpenRelay, ProbeChecks.FirstFailure(expected, seen, Fingerprint)?.Check);
        // Each attempt judged alone: the trick's own check fails wherever Postfix accepted it.
        var accepted = 0;
        foreach (var (attempt, i) in seen.Relay.Select((a, i) => (a, i)))
        {
            var alone = new ListenerObservation
            {
                Source = seen.Source, Banner = seen.Banner, EhloBeforeTls = seen.EhloBeforeTls, MailBeforeTls = seen.MailBeforeTls,
                StartTls = seen.StartTls, Tls = seen.Tls, EhloInTls = seen.EhloInTls,
            };
            alone.Relay.Add(attempt);
            var failure = ProbeChecks.FirstFailure(expected, alone, Fingerprint);
            Assert.Equal(attempt.Rcpt?.Accepted == true ? expected.RelayAttempts[i].Check : null, failure?.Check);
            accepted += attempt.Rcpt?.Accepted == true ? 1 : 0;
        }
        output.WriteLine($"{accepted} of {seen.Relay.Count} relay attempts accepted");
        Assert.True(seen.Relay[0].Rcpt?.Accepted, seen.Relay[0].ToString());
    }

    [Fact]
    public async Task From_inside_the_trusted_networks_relaying_is_not_judged()
    {
        var trusting = Gen.Valid(Samples.Read("modern").WithSmtpListener().Trusting("127.0.0.0/8"));
        var expected = Expected(25, trusting);
        var seen = await ProbeAsync(expected, 2025);

        Assert.Null(ProbeChecks.FirstFailure(expected, seen, Fingerprint));
        var result = LiveProbeResult.Judge("h", [(expected, seen)], Fingerprint);
        Assert.Contains("Relaying not judged: the probe's address 127.0.0.1 is in spec.trustedNetworks.", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_is_unreachable_not_failed()
    {
        var closed = LoopbackPorts.Free();
        var seen = await SmtpProbeClient.ProbeAsync(Expected(587), "127.0.0.1", closed, Timeouts, CancellationToken.None);

        var result = LiveProbeResult.Judge("h", [(Expected(587), seen)], Fingerprint);
        Assert.Equal((ConditionStatus.Unknown, ConditionReasons.ProbeUnreachable), (result.Status, result.Reason));
    }
}

internal static class Gen
{
    public static ValidSubmission Valid(MailSubmission resource, params Action<MailSubmissionSpec>[] changes)
    {
        foreach (var change in changes)
        {
            change(resource.Spec);
        }
        var result = SubmissionValidator.Validate(resource);
        Assert.True(result.Valid is not null, string.Join("; ", result.Errors));
        return result.Valid!;
    }
}
