using System.Text;
using Mailsub.Core.Builders;
using Mailsub.Core.Policy;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Operator;

/// <summary>
/// The certificate of a spec.tls.secretName Secret, for the policy to judge its key; the reconciler
/// and the admission webhook read it the same way. Only tls.crt is read: the private key stays out
/// of the operator's memory.
/// </summary>
public sealed class TlsSecretCertificates(SecretReader secrets)
{
    /// <summary>Null while the Secret or its tls.crt is missing (TLSReady says so then) or does not parse.</summary>
    public async ValueTask<ExistingCertificate?> ReadAsync(ValidSubmission valid, CancellationToken ct)
    {
        if (valid.TlsSource != TlsSource.Secret || ChildNames.TlsSecret(valid) is not { } name)
        {
            return null;
        }
        var data = await secrets.ReadAsync(valid.Namespace, name, ct, only: TlsFiles.Certificate).ConfigureAwait(false);
        return data is not null && data.TryGetValue(TlsFiles.Certificate, out var pem) && CertificateKey.FromPem(Encoding.ASCII.GetString(pem)) is { } key
            ? new ExistingCertificate(name, key)
            : null;
    }
}
