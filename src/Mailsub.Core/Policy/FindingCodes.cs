namespace Mailsub.Core.Policy;

/// <summary>The codes rules report; a failing condition's reason is one of these.</summary>
public static class FindingCodes
{
    // RelayProtected
    public const string OpenRelay = "OpenRelay";
    public const string RelayControlInRecipientRestrictions = "RelayControlInRecipientRestrictions";
    public const string RelayDependsOnLookup = "RelayDependsOnLookup";
    public const string TrustedNetworksOpen = "TrustedNetworksOpen";
    public const string TrustedNetworksTooWide = "TrustedNetworksTooWide";
    public const string ClientAddressHidden = "ClientAddressHidden";
    public const string TrustedNetworksCoverNodes = "TrustedNetworksCoverNodes";

    // AuthProtected
    public const string AuthOverCleartext = "AuthOverCleartext";
    public const string AnonymousAuth = "AnonymousAuth";
    public const string NoAuthMechanism = "NoAuthMechanism";
    public const string LegacyAuthMechanism = "LegacyAuthMechanism";
    public const string RelayHostCredentialsUnprotected = "RelayHostCredentialsUnprotected";
    public const string AuthAttemptsUnlimited = "AuthAttemptsUnlimited";

    // TLSReady
    public const string NoCertificateSource = "NoCertificateSource";
    public const string CertificateNotConfigured = "CertificateNotConfigured";
    public const string SubmissionTlsNotRequired = "SubmissionTlsNotRequired";
    public const string ImplicitTlsMissing = "ImplicitTlsMissing";
    public const string WeakTlsProtocols = "WeakTlsProtocols";
    public const string WeakTlsCiphers = "WeakTlsCiphers";
    public const string WeakTlsKey = "WeakTlsKey";
    public const string CertificateKeyMismatch = "CertificateKeyMismatch";

    // ConfigValid
    public const string UnparsableConfig = "UnparsableConfig";
    public const string RelayGuardMissing = "RelayGuardMissing";
    public const string AuthNeverOffered = "AuthNeverOffered";
    public const string DeprecatedParameter = "DeprecatedParameter";
    public const string UnknownParameter = "UnknownParameter";
    public const string DuplicateParameter = "DuplicateParameter";
    public const string RenamedRestriction = "RenamedRestriction";
}
