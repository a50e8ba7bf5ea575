using Mailsub.Core.Api;

namespace Mailsub.Core.Validation;

/// <summary>
/// What each spec.tls.profile promises beyond its ciphers (Rendering/TlsCipherLists): the lowest
/// protocol and the certificate key, after Mozilla's server-side TLS guidelines (5.7).
/// </summary>
public static class TlsProfiles
{
    /// <summary>The profile's lowest protocol; spec.tls.minProtocol can only raise it. Legacy has
    /// none of its own: it widens the ciphers, minProtocol widens the protocols.</summary>
    public static TlsProtocol Floor(TlsProfile profile) => profile switch
    {
        TlsProfile.Modern => TlsProtocol.TLSv1_3,
        TlsProfile.Intermediate => TlsProtocol.TLSv1_2,
        _ => TlsProtocol.TLSv1,
    };

    /// <summary>Mozilla's certificate type: ECDSA P-256, RSA 2048 for the old profile, whose static-RSA
    /// ciphers work with an RSA key only.</summary>
    public static PrivateKeyAlgorithm DefaultKey(TlsProfile profile) =>
        profile == TlsProfile.Legacy ? PrivateKeyAlgorithm.Rsa : PrivateKeyAlgorithm.Ecdsa;

    /// <summary>The protocols spec.tls asks for: the higher of the profile's floor and minProtocol.</summary>
    public static TlsProtocol MinProtocol(TlsSpec tls) =>
        (TlsProtocol)Math.Max((int)Floor(tls.Profile), (int)tls.MinProtocol);
}
