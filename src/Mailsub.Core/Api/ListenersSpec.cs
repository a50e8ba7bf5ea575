using System.ComponentModel;

namespace Mailsub.Core.Api;

[Description("The SMTP listeners. Ports are the container ports Postfix binds; the Service exposes the same numbers.")]
public sealed class ListenersSpec
{
    [Description("Message submission (RFC 6409): STARTTLS and AUTH are required before mail is accepted.")]
    public ListenerSpec Submission { get; set; } = new() { Enabled = true, Port = DefaultSubmissionPort };

    [Description("Message submission over implicit TLS (RFC 8314): TLS from the first byte, AUTH required.")]
    public ListenerSpec Submissions { get; set; } = new() { Enabled = true, Port = DefaultSubmissionsPort };

    [Description("Plain SMTP with the seed's relay policy: authenticated or trusted clients may relay, everyone else only to local destinations. STARTTLS is offered at spec.tls.smtpSecurityLevel.")]
    public ListenerSpec Smtp { get; set; } = new() { Enabled = false, Port = DefaultSmtpPort };

    public const int DefaultSubmissionPort = 587;
    public const int DefaultSubmissionsPort = 465;
    public const int DefaultSmtpPort = 25;
}

[Description("One SMTP listener.")]
public sealed class ListenerSpec
{
    // Nullable: a listener given in part keeps the defaults of its own kind for the rest
    // (submission is on by default, smtp is off), which a schema default on a shared type cannot say.
    [Description("Whether Postfix listens on this port. Defaults: true for submission and submissions, false for smtp.")]
    public bool? Enabled { get; set; }

    [Range(1, 65535)]
    [Description("TCP port Postfix binds in the pod, and the Service port. Defaults: 587, 465, 25.")]
    public int? Port { get; set; }

    [Description("Whether clients reach this listener through a proxy or load balancer that sends the PROXY protocol (v1 or v2, as HAProxy defines it). V1V2: Postfix reads the real client address from the header, so trusted networks, logs and rate limits see the client rather than a node; a connection without the header is dropped, so only the proxy may connect. None (the default): the TCP peer is the client.")]
    public ProxyProtocol? ProxyProtocol { get; set; }
}

public enum ProxyProtocol { None, V1V2 }
