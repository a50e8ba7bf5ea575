using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Mailsub.Core.Api;

/// <summary>The one resource a platform team writes: a Postfix submission service.</summary>
[Description("MailSubmission is an authenticated mail submission service: Postfix with SMTP AUTH (Cyrus SASL), STARTTLS and implicit TLS, relaying only for authenticated users or trusted networks.")]
public sealed class MailSubmission
{
    public const string Group = "mailsub.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersionValue = Group + "/" + Version;
    public const string KindValue = "MailSubmission";
    public const string Plural = "mailsubmissions";
    public const string Singular = "mailsubmission";
    public const string ShortName = "msub";

    public string ApiVersion { get; set; } = ApiVersionValue;
    public string Kind { get; set; } = KindValue;
    public V1ObjectMeta Metadata { get; set; } = new();

    [Required]
    [Description("Desired state of the submission service.")]
    public MailSubmissionSpec Spec { get; set; } = new();

    [Description("Observed state, written by the operator.")]
    public MailSubmissionStatus? Status { get; set; }
}

[Description("Desired state of the submission service.")]
public sealed class MailSubmissionSpec
{
    [Required]
    [Pattern(Patterns.Fqdn)]
    [MaxLength(253)]
    [Description("Fully qualified host name of the service (Postfix myhostname), used in the SMTP greeting and as the default certificate DNS name. Example: mail.example.com.")]
    public string Hostname { get; set; } = "";

    [Pattern(Patterns.Fqdn)]
    [MaxLength(253)]
    [Description("Mail domain (Postfix mydomain). Defaults to the hostname without its first label.")]
    public string? Domain { get; set; }

    [Description("Domain appended to unqualified sender addresses (Postfix myorigin): Hostname (the seed's and Postfix's default) or Domain.")]
    public OriginSource Origin { get; set; } = OriginSource.Hostname;

    [MaxLength(64)]
    [Description("Networks whose clients may relay without authentication (Postfix mynetworks), as IPv4 or IPv6 CIDRs. Defaults to loopback only. Anything wider than needed is flagged by the policy analysis.")]
    public List<string> TrustedNetworks { get; set; } = ["127.0.0.0/8", "::1/128"];

    [Description("The SMTP listeners: submission (587, STARTTLS), submissions (465, implicit TLS) and smtp (25, relay for authenticated or trusted clients only).")]
    public ListenersSpec Listeners { get; set; } = new();

    [Description("SMTP AUTH through Cyrus SASL: the mechanism profile and the users.")]
    public AuthSpec Auth { get; set; } = new();

    [Description("The server certificate (from cert-manager or an existing Secret) and TLS settings.")]
    public TlsSpec Tls { get; set; } = new();

    [Description("SMTP access restrictions, by Postfix restriction name.")]
    public RestrictionsSpec Restrictions { get; set; } = new();

    [Description("Optional smarthost that receives all outgoing mail (Postfix relayhost).")]
    public RelayHostSpec? RelayHost { get; set; }

    [Description("Message size and per-client rate limits.")]
    public LimitsSpec Limits { get; set; } = new();

    [Description("DKIM signing of authenticated submissions. Without it, mail is not signed.")]
    public DkimSpec? Dkim { get; set; }

    [MaxLength(8)]
    [Description("Delivery to commands and files through aliases and .forward (Postfix allow_mail_to_commands), as the seed allows for its mailing-list manager. Rendered as given but without effect: the pods deliver no mail locally (every local recipient is refused at RCPT), so no alias, .forward or :include: is read and no command runs in the pod. Run a mailing-list manager where the relay host delivers its mail; inside the pod a command that re-injects mail through sendmail could not work anyway, since postdrop's setgid bit is ignored under the pod's allowPrivilegeEscalation: false.")]
    public List<MailToCommandsSource> AllowMailToCommands { get; set; } = [MailToCommandsSource.Alias, MailToCommandsSource.Forward, MailToCommandsSource.Include];

    [MaxLength(64)]
    [Description("Other main.cf parameters, by Postfix 3.7 parameter name. Values are one line; numbers, times (e.g. 300s, 5d) and yes/no are checked for the parameters that take them. Parameters the spec already sets, and the paths the entrypoint owns, are refused; anything that weakens relay or auth control is flagged by the policy analysis.")]
    public Dictionary<string, string> ExtraConfig { get; set; } = [];

    [Description("The Postfix pods: replicas, image, resources, Service and scheduling.")]
    public WorkloadSpec Workload { get; set; } = new();
}

public enum OriginSource { Hostname, Domain }

public enum MailToCommandsSource
{
    [JsonStringEnumMemberName("alias")] Alias,
    [JsonStringEnumMemberName("forward")] Forward,
    [JsonStringEnumMemberName("include")] Include,
}
