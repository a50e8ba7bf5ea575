using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mailsub.Runtime.Webhooks;

/// <summary>
/// What the self-managed Secret holds: the bundle the API server is to trust (every CA, PEMs one
/// after another), the key of the CA that signs (<see cref="CaKey"/>), the serving pair, and while a
/// CA rotation is under way the next CA's key and when that CA joined the bundle.
/// </summary>
public sealed record WebhookCertificateState(string CaBundle, string CaKey, string Certificate, string Key)
{
    /// <summary>The key of the CA added to the bundle but not signing yet (phase one of a rotation); null otherwise.</summary>
    public string? NextCaKey { get; init; }

    /// <summary>When the next CA joined the bundle.</summary>
    public DateTimeOffset? NextCaAddedAt { get; init; }

    /// <summary>When the signing CA last changed (the old CA leaves the bundle a settle time later); null: never, by this code.</summary>
    public DateTimeOffset? CaPromotedAt { get; init; }
}

/// <summary>
/// The rotation rule, free of IO: from the Secret's state and the time, the state to write (or
/// null: nothing to do). A CA is rotated as cert-manager's and OPA's cert-controller users expect,
/// never breaking a call in flight:
/// <list type="number">
/// <item>once a third of the signing CA's life is left, a new CA is added to the bundle; the serving
/// certificate stays the old CA's (the API server trusts both once the leader patched caBundle);</item>
/// <item>after the new CA has been in the bundle for <c>settle</c>, it signs a new serving certificate;</item>
/// <item>a further <c>settle</c> later (every replica serves the new certificate by then), or once it
/// has expired, the old CA leaves the bundle.</item>
/// </list>
/// Between those, the serving certificate is renewed by the signing CA once a third of its life is left.
/// A Secret of the 10-year CAs of before follows the same rule (its CA is just far from its end).
/// </summary>
public static class WebhookCertificatePlan
{
    /// <summary>The state to write and what changed (for the log), or null when the state is current.</summary>
    public static (WebhookCertificateState State, IReadOnlyList<string> Changes, bool ServingRenewed)? Next(WebhookCertificateState? state,
        IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, DateTimeOffset now, TimeSpan settle)
    {
        var bundle = state is null ? null : Parse(state.CaBundle);
        var signing = state is null || bundle is null ? null : Matching(bundle, state.CaKey);
        if (state is null || signing is null || signing.NotAfter.ToUniversalTime() <= now.UtcDateTime)
        {
            // Nothing usable (none yet, a broken Secret, or a CA that ended while no replica ran): start over.
            var created = WebhookCertificateAuthority.Create(dnsNames, addresses, now);
            return (new WebhookCertificateState(created.CaCertificate, created.CaKey, created.Certificate, created.Key) { CaPromotedAt = now },
                [state is null ? "created" : "recreated"], true);
        }
        var changes = new List<string>();
        var next = state;
        var pending = state.NextCaKey is { } nextKey ? Matching(bundle!, nextKey) : null;
        var resign = false;
        if (state.NextCaKey is not null && pending is null)
        {
            next = next with { NextCaKey = null, NextCaAddedAt = null }; // a key without its CA in the bundle: forget it, the rule starts again
            changes.Add("dropped a next CA key without its certificate");
        }
        if (pending is null && WebhookCertificateAuthority.NearEnd(signing, now))
        {
            var (caPem, caKey) = WebhookCertificateAuthority.NewCa(now);
            next = next with { CaBundle = Bundle([X509Certificate2.CreateFromPem(caPem), .. bundle!.Cast<X509Certificate2>()]), NextCaKey = caKey, NextCaAddedAt = now };
            changes.Add("added a new CA to the bundle");
        }
        else if (pending is not null && now >= (state.NextCaAddedAt ?? now) + settle)
        {
            next = next with { CaKey = state.NextCaKey!, NextCaKey = null, NextCaAddedAt = null, CaPromotedAt = now };
            signing = pending;
            resign = true;
            changes.Add("the new CA signs from now on");
        }
        else if (pending is not null && state.NextCaAddedAt is null)
        {
            next = next with { NextCaAddedAt = now }; // when it joined is unknown: from now
            changes.Add("recorded when the new CA joined");
        }

        var signingPem = signing.ExportCertificatePem();
        if (resign || WebhookCertificateAuthority.NeedsRenewal(state.Certificate, dnsNames, now) || !IssuedBy(state.Certificate, signing))
        {
            var (certificate, key) = WebhookCertificateAuthority.Sign(signingPem, next.CaKey, dnsNames, addresses, now);
            next = next with { Certificate = certificate, Key = key };
            changes.Add("renewed the serving certificate");
        }

        // The old CAs: the one signing and the one coming stay; the rest leave once expired, or a settle time after the signing CA changed.
        var keep = new HashSet<string> { signing.Thumbprint };
        if (next.NextCaKey is { } coming && Matching(Parse(next.CaBundle)!, coming) is { } comingCa)
        {
            keep.Add(comingCa.Thumbprint);
        }
        var settled = next.NextCaKey is null && next.CaPromotedAt is { } promoted && now >= promoted + settle;
        var kept = Parse(next.CaBundle)!.Cast<X509Certificate2>()
            .Where(c => keep.Contains(c.Thumbprint) || (!settled && c.NotAfter.ToUniversalTime() > now.UtcDateTime)).ToList();
        if (kept.Count < Parse(next.CaBundle)!.Count)
        {
            next = next with { CaBundle = Bundle(kept) };
            changes.Add("dropped the old CA from the bundle");
        }
        return changes.Count == 0 ? null : (next, changes, next.Certificate != state.Certificate);
    }

    /// <summary>CA certificates as one PEM bundle, newest first as given, each PEM on lines of its own.</summary>
    public static string Bundle(IEnumerable<X509Certificate2> cas) => string.Concat(cas.Select(c => c.ExportCertificatePem() + "\n"));

    /// <summary>The CAs of a PEM bundle; null when it holds none or cannot be read.</summary>
    public static X509Certificate2Collection? Parse(string bundle)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(bundle);
        }
        catch (CryptographicException)
        {
            return null;
        }
        return collection.Count == 0 ? null : collection;
    }

    /// <summary>The certificate of the bundle whose public key is the key's.</summary>
    private static X509Certificate2? Matching(X509Certificate2Collection bundle, string keyPem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(keyPem);
            var spki = key.ExportSubjectPublicKeyInfo();
            return bundle.Cast<X509Certificate2>().FirstOrDefault(c => c.GetECDsaPublicKey()?.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki) == true);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Whether the serving certificate carries the CA's signature.</summary>
    private static bool IssuedBy(string certificatePem, X509Certificate2 ca)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true; // never a network fetch from the operator
            // Only the signature is asked here; the times are NeedsRenewal's.
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
            return chain.Build(certificate);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
