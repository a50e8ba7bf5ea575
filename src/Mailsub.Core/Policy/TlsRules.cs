using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Policy;

/// <summary>TLS posture, per listener: a certificate wherever TLS is offered, TLS required for submission, current protocols
/// and ciphers; and the key of an existing certificate.</summary>
public static class TlsRules
{
    private static readonly string[] CertificateFiles = ["smtpd_tls_cert_file", "smtpd_tls_eccert_file", "smtpd_tls_dcert_file"];

    public static IEnumerable<Finding> NoCertificateSource(PolicyInput input)
    {
        var offering = input.Config.Listeners.Where(l => l.Tls != TlsMode.None).Select(l => l.Label).ToList();
        if (input.TlsSource != TlsSource.None || offering.Count == 0)
            yield break;
        yield return Finding.Error(ConditionTypes.TlsReady, FindingCodes.NoCertificateSource, "spec.tls",
            $"Listener{(offering.Count > 1 ? "s" : "")} {string.Join(", ", offering)} offer TLS but the MailSubmission names no certificate. " +
            "Set spec.tls.issuerRef (cert-manager issues one) or spec.tls.secretName (an existing kubernetes.io/tls Secret).");
    }

    public static IEnumerable<Finding> CertificateNotConfigured(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(l => l.Tls != TlsMode.None && !l.HasCertificate))
        {
            yield return Finding.Error(ConditionTypes.TlsReady, FindingCodes.CertificateNotConfigured,
                listener.Parameters.PathOf("smtpd_tls_chain_files", CertificateFiles),
                $"TLS is {(listener.RequiresTls ? "required" : "offered")} but no server certificate is configured, so " +
                $"{(listener.Tls == TlsMode.Wrapper ? "every TLS handshake fails" : "smtpd answers STARTTLS with 454")}. " +
                "Point smtpd_tls_chain_files at the private key and certificate chain.");
        }
    }

    public static IEnumerable<Finding> SubmissionTlsNotRequired(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(l => input.KindOf(l) == ListenerKind.Submission && !l.RequiresTls))
        {
            var level = listener.Parameters.Get("smtpd_tls_security_level");
            yield return Finding.Error(ConditionTypes.TlsReady, FindingCodes.SubmissionTlsNotRequired, $"{listener.Label}/smtpd_tls_security_level",
                $"The submission listener on {listener.Label} accepts mail without TLS (smtpd_tls_security_level = {(level.Length > 0 ? level : "empty")}); " +
                "submission must be encrypted (RFC 8314). Add -o smtpd_tls_security_level=encrypt to its master.cf service.");
        }
    }

    public static IEnumerable<Finding> ImplicitTlsMissing(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(l => input.KindOf(l) == ListenerKind.Submissions && l.Tls != TlsMode.Wrapper))
        {
            yield return Finding.Error(ConditionTypes.TlsReady, FindingCodes.ImplicitTlsMissing, $"{listener.Label}/smtpd_tls_wrappermode",
                $"The submissions listener on {listener.Label} expects clients to start TLS at once (RFC 8314), but smtpd speaks plain SMTP there, " +
                "so every client fails. Add -o smtpd_tls_wrappermode=yes to its master.cf service.");
        }
    }

    /// <summary>Mandatory TLS (encrypt, wrappermode) reads smtpd_tls_mandatory_protocols; opportunistic TLS smtpd_tls_protocols.</summary>
    public static IEnumerable<Finding> WeakTlsProtocols(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(l => l.Tls != TlsMode.None))
        {
            var name = listener.RequiresTls ? "smtpd_tls_mandatory_protocols" : "smtpd_tls_protocols";
            var value = listener.Parameters.Get(name);
            if (TlsProtocols.Lowest(value) is not { } lowest || lowest >= TlsProtocols.Tls12)
                continue;
            yield return Finding.Warning(ConditionTypes.TlsReady, FindingCodes.WeakTlsProtocols,
                listener.Parameters.PathOf(name),
                $"{name} = {(value.Length > 0 ? value : "(empty)")} allows {TlsProtocols.Ordered[lowest]}; protocols before TLSv1.2 are deprecated (RFC 8996). " +
                $"Set {name} = >=TLSv1.2 (spec.tls.minProtocol).");
        }
    }

    /// <summary>
    /// The TLSv1.2 ciphers a listener offers: a submission listener nothing Mozilla's intermediate
    /// profile leaves out; any other listener that offers AUTH no anonymous cipher (RFC 7435 allows
    /// the rest to opportunistic peers). A listener that allows TLSv1.3 only offers none of them.
    /// </summary>
    public static IEnumerable<Finding> WeakTlsCiphers(PolicyInput input)
    {
        foreach (var listener in input.Config.Listeners.Where(l => l.Tls != TlsMode.None))
        {
            var mandatory = listener.RequiresTls;
            var parameters = listener.Parameters;
            if (TlsProtocols.Lowest(parameters.Get(mandatory ? "smtpd_tls_mandatory_protocols" : "smtpd_tls_protocols")) is not { } lowest
                || lowest > TlsProtocols.Tls12)
            {
                continue;
            }

            var gradeName = mandatory ? "smtpd_tls_mandatory_ciphers" : "smtpd_tls_ciphers";
            var grade = parameters.Get(gradeName).ToLowerInvariant();
            var listName = $"tls_{(grade.Length > 0 ? grade : "medium")}_cipherlist";
            var exclusionNames = mandatory ? new[] { "smtpd_tls_exclude_ciphers", "smtpd_tls_mandatory_exclude_ciphers" } : ["smtpd_tls_exclude_ciphers"];
            var exclusions = exclusionNames.SelectMany(parameters.List).ToList();
            // smtpd drops anonymous ciphers itself when it asks for client certificates.
            if (parameters.IsYes("smtpd_tls_ask_ccert"))
                exclusions.Add("aNULL");
            var kind = input.KindOf(listener);
            var relevant = kind is ListenerKind.Submission or ListenerKind.Submissions
                ? WeakCiphers.Anonymous | WeakCiphers.StaticRsa | WeakCiphers.CbcSha1 | WeakCiphers.CbcSha2
                : listener.OffersAuthInTls ? WeakCiphers.Anonymous : WeakCiphers.None;
            var weak = TlsCiphers.Allowed(parameters.Get(listName), exclusions) & relevant;
            if (weak == WeakCiphers.None)
                continue;
            // Without the listener's name, submission listeners sharing main.cf's values share one finding.
            var setting = $"{gradeName} = {(grade.Length > 0 ? grade : "(empty)")} ({listName})";
            yield return Finding.Warning(ConditionTypes.TlsReady, FindingCodes.WeakTlsCiphers,
                parameters.PathOf(gradeName, [listName, .. exclusionNames]),
                kind is ListenerKind.Submission or ListenerKind.Submissions
                    ? $"{setting} offers {TlsCiphers.Describe(weak)} to clients that submit with a password. Set spec.tls.profile to " +
                      "Intermediate (the default) or Modern, unless clients that predate the TLSv1.2 AEAD ciphers must connect (the Legacy profile)."
                    : $"{setting} offers {TlsCiphers.Describe(weak)} on {listener.Label}, which offers AUTH inside TLS. Add aNULL to {exclusionNames[0]}.");
        }
    }

    /// <summary>
    /// The key of an existing spec.tls.secretName certificate, held to what the rendered Certificate
    /// asks cert-manager for otherwise: Mozilla's ECDSA P-256 (P-384 is as widely supported) or RSA
    /// of at least 2048 bits, whichever the profile.
    /// </summary>
    public static IEnumerable<Finding> WeakTlsKey(PolicyInput input)
    {
        if (input.SecretCertificate is not { } existing)
            yield break;
        var key = existing.Key;
        var strong = key.Algorithm switch
        {
            PrivateKeyAlgorithm.Rsa => key.Bits >= 2048,
            PrivateKeyAlgorithm.Ecdsa => key.Curve is "P-256" or "P-384",
            _ => false,
        };
        if (strong)
            yield break;
        yield return Finding.Warning(ConditionTypes.TlsReady, FindingCodes.WeakTlsKey, "spec.tls.secretName",
            $"The certificate in Secret {existing.SecretName} (spec.tls.secretName) has {key.Describe()}; the {input.Profile} profile wants " +
            "an ECDSA P-256 or P-384 key or an RSA key of 2048 bits or more. Replace it with a certificate for such a key, " +
            "or set spec.tls.issuerRef instead to have cert-manager issue one.");
    }

    /// <summary>
    /// The algorithm of an existing certificate's key against the one spec.tls.privateKeyAlgorithm
    /// names, or, when it names none, against the Legacy profile's RSA: its static-RSA ciphers
    /// work with an RSA key only, and they are why Legacy is chosen. Intermediate and Modern take
    /// either algorithm.
    /// </summary>
    public static IEnumerable<Finding> CertificateKeyMismatch(PolicyInput input)
    {
        if (input.SecretCertificate is not { Key.Algorithm: { } served } existing)
            yield break;
        var wanted = input.RequestedKey ?? (input.Profile == TlsProfile.Legacy ? PrivateKeyAlgorithm.Rsa : served);
        if (wanted == served)
            yield break;
        var secret = $"The certificate in Secret {existing.SecretName} (spec.tls.secretName) has {existing.Key.Describe()}";
        yield return Finding.Warning(ConditionTypes.TlsReady, FindingCodes.CertificateKeyMismatch, "spec.tls.secretName",
            input.RequestedKey is not null
                ? $"{secret}, but spec.tls.privateKeyAlgorithm is {NameOf(wanted)}. Replace the certificate with one for an {NameOf(wanted)} key, " +
                  $"or set spec.tls.privateKeyAlgorithm to {NameOf(served)}."
                : $"{secret}, but the Legacy profile's static-RSA ciphers, which old clients need, work with an RSA key only. " +
                  "Replace the certificate with one for an RSA key of 2048 bits or more, or choose the Intermediate profile.");
    }

    private static string NameOf(PrivateKeyAlgorithm algorithm) => algorithm == PrivateKeyAlgorithm.Rsa ? "RSA" : "ECDSA";
}
