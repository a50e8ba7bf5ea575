using Mailsub.Core.Api;

namespace Mailsub.Core.Validation;

/// <summary>
/// A MailSubmission that passed validation, with every default resolved. Only the validator makes
/// one, so rendering and builders never see unchecked input.
/// </summary>
public sealed class ValidSubmission
{
    internal ValidSubmission(MailSubmission resource, string domain, IReadOnlyList<Listener> listeners,
        IReadOnlyList<string> dnsNames, TlsSource tlsSource, IReadOnlyList<DkimKey> dkimKeys)
    {
        Resource = resource;
        Domain = domain;
        Listeners = listeners;
        DnsNames = dnsNames;
        TlsSource = tlsSource;
        DkimKeys = dkimKeys;
    }

    public MailSubmission Resource { get; }
    public MailSubmissionSpec Spec => Resource.Spec;
    public string Name => Resource.Metadata.Name;
    public string Namespace => Resource.Metadata.NamespaceProperty ?? "default";

    /// <summary>mydomain: the spec's, or the hostname without its first label.</summary>
    public string Domain { get; }

    /// <summary>Enabled listeners only, in port order.</summary>
    public IReadOnlyList<Listener> Listeners { get; }

    /// <summary>Certificate DNS names: the spec's, or the hostname.</summary>
    public IReadOnlyList<string> DnsNames { get; }

    public TlsSource TlsSource { get; }

    /// <summary>spec.dkim's keys with defaults resolved, in spec order; empty without spec.dkim.</summary>
    public IReadOnlyList<DkimKey> DkimKeys { get; }

    /// <summary>The lowest protocol of the submission listeners: the profile's floor raised by minProtocol.</summary>
    public TlsProtocol MinProtocol => TlsProfiles.MinProtocol(Spec.Tls);

    /// <summary>The certificate key: spec.tls.privateKeyAlgorithm, or the profile's.</summary>
    public PrivateKeyAlgorithm KeyAlgorithm => Spec.Tls.PrivateKeyAlgorithm ?? TlsProfiles.DefaultKey(Spec.Tls.Profile);
}

public enum ListenerKind { Submission, Submissions, Smtp }

/// <summary>An enabled listener with its resolved port, and whether a PROXY protocol header precedes each connection.</summary>
public sealed record Listener(ListenerKind Kind, int Port, ProxyProtocol ProxyProtocol = ProxyProtocol.None)
{
    /// <summary>The IANA service name, used for Service port names.</summary>
    public string ServiceName => Kind switch
    {
        ListenerKind.Submission => "submission",
        ListenerKind.Submissions => "submissions",
        _ => "smtp",
    };
}

public enum TlsSource { None, Issuer, Secret }
