using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mailsub.Runtime.Webhooks;

namespace Mailsub.Runtime.Tests.Webhooks;

/// <summary>
/// The self-managed CA's rotation rule, with time moved by hand: across three years of one-day
/// steps no write ever leaves a replica serving a certificate the API server does not trust, with
/// the API server one step behind (the leader patches caBundle later) and replicas one step behind
/// (they read the Secret later).
/// </summary>
public sealed class WebhookCertificatePlanTests
{
    private static readonly string[] Names = ["mailsub-webhook.mailsub-system.svc", "mailsub-webhook.mailsub-system.svc.cluster.local"];
    private static readonly IPAddress[] Addresses = [];
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Three_years_of_daily_checks_rotate_the_CA_without_a_moment_of_distrust()
    {
        var state = Next(null, Start)!;
        var (caRotations, servingRenewals, maxBundle) = (0, 0, 1);
        for (var now = Start.AddDays(1); now < Start.AddDays(3 * 365); now = now.AddDays(1))
        {
            if (Next(state, now) is not { } next)
            {
                Assert.True(Trusts(state.CaBundle, state.Certificate, now), $"{now:d}: the unchanged state's certificate is not trusted");
                continue;
            }
            // The API server may still hold the old bundle while a replica serves the new certificate,
            // and a replica may still serve the old certificate while the API server holds the new bundle.
            Assert.True(Trusts(state.CaBundle, next.Certificate, now), $"{now:d}: the new certificate is not trusted by the bundle before");
            Assert.True(Trusts(next.CaBundle, state.Certificate, now), $"{now:d}: the certificate before is not trusted by the new bundle");
            Assert.True(Trusts(next.CaBundle, next.Certificate, now), $"{now:d}: the new state is not self-consistent");
            caRotations += next.NextCaKey is not null && state.NextCaKey is null ? 1 : 0;
            servingRenewals += next.Certificate != state.Certificate ? 1 : 0;
            maxBundle = Math.Max(maxBundle, WebhookCertificatePlan.Parse(next.CaBundle)!.Count);
            state = next;
            // A settle time later the next phase may run: check then too (a one-day step would hide a phase skipped).
            if (Next(state, now + Settle) is { } settled)
            {
                Assert.True(Trusts(state.CaBundle, settled.Certificate, now + Settle), $"{now:d}+settle: the new certificate is not trusted by the bundle before");
                Assert.True(Trusts(settled.CaBundle, state.Certificate, now + Settle), $"{now:d}+settle: the certificate before is not trusted by the new bundle");
                servingRenewals += settled.Certificate != state.Certificate ? 1 : 0;
                state = settled;
            }
        }
        Assert.InRange(caRotations, 3, 5); // a 1-year CA renewed with a third left: every ~8 months
        Assert.InRange(servingRenewals, 19, 25); // every ~60 days, plus one per CA rotation
        Assert.Equal(2, maxBundle);
    }

    [Fact]
    public void The_new_CA_signs_only_after_it_was_in_the_bundle_a_settle_time_and_the_old_leaves_a_settle_time_later()
    {
        var created = Next(null, Start)!;
        var due = Start + WebhookCertificateAuthority.CaLifetime * 2 / 3 + TimeSpan.FromMinutes(10);
        // The serving certificate was renewed on the way there (every 60 days).
        var current = Advance(Advance(Advance(Advance(created, Start.AddDays(61)), Start.AddDays(122)), Start.AddDays(183)), due.AddMinutes(-20));
        var oldCa = Single(current.CaBundle);

        var added = Next(current, due)!;
        Assert.Equal(2, WebhookCertificatePlan.Parse(added.CaBundle)!.Count);
        Assert.NotNull(added.NextCaKey);
        Assert.Equal(due, added.NextCaAddedAt);
        Assert.Equal(current.Certificate, added.Certificate); // still the old CA's
        Assert.Equal(current.CaKey, added.CaKey);

        Assert.Null(Next(added, due + Settle - TimeSpan.FromSeconds(1)));
        var moved = Next(added, due + Settle)!;
        Assert.Null(moved.NextCaKey);
        Assert.Equal(added.NextCaKey, moved.CaKey);
        using (var serving = X509Certificate2.CreateFromPem(moved.Certificate))
        {
            Assert.NotEqual(oldCa.Subject, serving.Issuer);
        }
        Assert.Equal(2, WebhookCertificatePlan.Parse(moved.CaBundle)!.Count);

        Assert.Null(Next(moved, due + 2 * Settle - TimeSpan.FromSeconds(1)));
        var dropped = Next(moved, due + 2 * Settle)!;
        var left = Single(dropped.CaBundle);
        Assert.NotEqual(oldCa.Thumbprint, left.Thumbprint);
        Assert.Equal(moved.Certificate, dropped.Certificate);
        Assert.Null(Next(dropped, due + 3 * Settle));
    }

    [Fact]
    public void A_secret_of_the_ten_year_CA_keeps_it_and_is_rotated_by_the_same_rule()
    {
        // What the code before wrote: one CA of 3650 days, no annotations.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mailsub webhook CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = request.CreateSelfSigned(Start.AddMinutes(-5), Start.AddDays(3650));
        var (caPem, caKey) = (ca.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
        var (certificate, servingKey) = WebhookCertificateAuthority.Sign(caPem, caKey, Names, Addresses, Start);
        var legacy = new WebhookCertificateState(caPem, caKey, certificate, servingKey);

        Assert.Null(Next(legacy, Start.AddDays(1)));
        var renewed = Next(legacy, Start.AddDays(61))!;
        Assert.Equal(caPem, renewed.CaBundle);
        Assert.NotEqual(certificate, renewed.Certificate);
        Assert.True(Trusts(caPem, renewed.Certificate, Start.AddDays(61)));

        // A third of ten years left: a new (one-year) CA joins; the old one still signs.
        var at = Start.AddDays(3650 * 2 / 3 + 1);
        var rotating = Next(Advance(renewed, at.AddDays(-1)), at)!;
        Assert.NotNull(rotating.NextCaKey);
        Assert.Equal(2, WebhookCertificatePlan.Parse(rotating.CaBundle)!.Count);
        Assert.Equal(caKey, rotating.CaKey);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("not a PEM", "not a key")]
    public void A_broken_secret_starts_over(string bundle, string caKey)
    {
        var good = Next(null, Start)!;
        var again = Next(good with { CaBundle = bundle, CaKey = caKey }, Start)!;
        Assert.True(Trusts(again.CaBundle, again.Certificate, Start));
        Assert.NotEqual(good.CaBundle, again.CaBundle);
    }

    private static WebhookCertificateState? Next(WebhookCertificateState? state, DateTimeOffset now) =>
        WebhookCertificatePlan.Next(state, Names, Addresses, now, Settle)?.State;

    private static WebhookCertificateState Advance(WebhookCertificateState state, DateTimeOffset now) => Next(state, now) ?? state;

    private static X509Certificate2 Single(string bundle) => Assert.Single(WebhookCertificatePlan.Parse(bundle)!.Cast<X509Certificate2>());

    /// <summary>What Go's client does with a caBundle: the chain to one of its CAs, valid at that time, for the Service's name.</summary>
    private static bool Trusts(string bundle, string certificatePem, DateTimeOffset now)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(WebhookCertificatePlan.Parse(bundle)!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(certificate) && certificate.MatchesHostname(Names[0]);
    }
}
