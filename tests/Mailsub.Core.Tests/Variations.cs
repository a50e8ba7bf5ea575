using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests;

/// <summary>Named resources that reach the corners of the renderer the samples leave out.</summary>
public static class Variations
{
    private static readonly Dictionary<string, Func<MailSubmission>> Resources = new()
    {
        ["relay-credentials-verify"] = () => Gen.Submission("relay", s => s.RelayHost = new RelayHostSpec
        {
            Host = "smtp.relay.example", Port = 587, TlsLevel = RelayTlsLevel.Verify,
            CredentialsSecretRef = new SecretReference { Name = "relay-credentials" },
        }),
        ["relay-ipv6-may"] = () => Gen.Submission("relay6", s => s.RelayHost = new RelayHostSpec { Host = "2001:db8::25", Port = 25, TlsLevel = RelayTlsLevel.May }),
        ["smtp-only-no-tls"] = () => Gen.Submission("plain", s => s.Listeners = new ListenersSpec
        {
            Submission = new ListenerSpec { Enabled = false },
            Submissions = new ListenerSpec { Enabled = false },
            Smtp = new ListenerSpec { Enabled = true },
        }, s => s.Tls = new TlsSpec { SmtpSecurityLevel = SmtpTlsLevel.None }),
        ["all-listeners-high-ports"] = () => Gen.Submission("ports", s => s.Listeners = new ListenersSpec
        {
            Submission = new ListenerSpec { Port = 10587 },
            Submissions = new ListenerSpec { Port = 10465 },
            Smtp = new ListenerSpec { Enabled = true, Port = 10025 },
        }),
        ["seed-profile-domain-realm"] = () => Gen.Submission("realm", s => s.Auth = new AuthSpec
        {
            Profile = AuthProfile.Seed, LocalDomain = "$mydomain",
            Users = [new UserSpec { Name = "alice", AllowedSenders = ["alice@example.com", "@example.com"] }],
        }, s => s.Origin = OriginSource.Domain),
        ["no-users-empty-lists"] = () => Gen.Submission("empty", s => s.Auth.Users = [], s => s.TrustedNetworks = [],
            s => s.Restrictions = new RestrictionsSpec { Relay = ["reject_unauth_destination"], Recipient = [] },
            s => s.AllowMailToCommands = []),
        ["tls13-large-messages"] = () => Gen.Submission("big", s => s.Tls.MinProtocol = TlsProtocol.TLSv1_3,
            s => s.Limits = new LimitsSpec { MessageSizeBytes = 1073741824 }),
        ["proxy-protocol"] = () => Gen.Submission("proxied", s => s.Listeners = new ListenersSpec
        {
            Submission = new ListenerSpec { ProxyProtocol = ProxyProtocol.V1V2 },
            Submissions = new ListenerSpec { ProxyProtocol = ProxyProtocol.V1V2 },
            Smtp = new ListenerSpec { Enabled = true, ProxyProtocol = ProxyProtocol.V1V2 },
        }, s => s.Workload.Service = new ServiceSpec { Type = ServiceKind.LoadBalancer }),
        ["extra-config"] = () => Gen.Submission("extra", s => s.ExtraConfig = new()
        {
            ["smtpd_banner"] = "$myhostname ESMTP",
            ["default_process_limit"] = "200",
            ["smtpd_data_restrictions"] = "reject_unauth_pipelining",
        }),
    };

    public static readonly IReadOnlyList<string> All = Resources.Keys.Order().ToList();

    public static TheoryData<string> Names => new(All);

    public static ValidSubmission Valid(string name) => Gen.Valid(Resources[name]());
}
