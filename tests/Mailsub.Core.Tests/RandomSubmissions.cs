using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests;

/// <summary>
/// Valid MailSubmissions drawn from a seeded Random: every field the renderer reads is varied
/// within what the validator accepts. The same seed gives the same resources, so a failure names
/// the seed and index that reproduce it.
/// </summary>
public static class RandomSubmissions
{
    private static readonly string[] Labels = ["mail", "smtp", "mx1", "relay", "out", "a-b", "x9"];
    private static readonly string[] Zones = ["example.com", "example.net", "example.org", "corp.example.co.jp", "a.example"];
    private static readonly string[] Networks =
    [
        "127.0.0.0/8", "[::1]/128", "10.0.0.0/8", "192.0.2.0/24", "198.51.100.7/32",
        "2001:db8::/32", "[2001:db8:1::]/48", "fd00::/8", "172.16.0.0/12",
    ];
    // Ends relay control: without one of these, anything permitted before may go anywhere.
    private static readonly string[] RelayPermits = ["permit_sasl_authenticated", "permit_mynetworks", "permit_tls_clientcerts", "permit_auth_destination"];
    private static readonly string[] RecipientChecks =
    [
        "permit_sasl_authenticated", "permit_mynetworks", "reject_unauth_destination", "reject_invalid_helo_hostname",
        "reject_non_fqdn_helo_hostname", "reject_non_fqdn_sender", "reject_non_fqdn_recipient", "reject_unknown_sender_domain",
        "reject_unknown_recipient_domain", "reject_unauth_pipelining", "reject_multi_recipient_bounce", "reject_unlisted_recipient",
    ];
    private static readonly string[] Durations = ["3600s", "1h", "30m", "1d", "600", "2w"];

    /// <summary>Parameters extraConfig may set, with values Postfix 3.7 accepts.</summary>
    private static readonly (string Name, string Value)[] Extras =
    [
        ("smtpd_banner", "$myhostname ESMTP"),
        ("smtpd_helo_required", "yes"),
        ("disable_vrfy_command", "yes"),
        ("delay_warning_time", "4h"),
        ("maximal_queue_lifetime", "2d"),
        ("default_process_limit", "50"),
        ("smtpd_timeout", "60s"),
        ("smtpd_client_connection_count_limit", "20"),
        ("smtpd_data_restrictions", "reject_unauth_pipelining"),
        ("header_size_limit", "204800"),
        ("smtpd_tls_mandatory_exclude_ciphers", "CAMELLIA"),
        ("smtputf8_enable", "no"),
        ("bounce_queue_lifetime", "1d"),
        ("smtpd_error_sleep_time", "1s"),
    ];

    public static IEnumerable<ValidSubmission> Generate(int seed, int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var resource = Next(random, $"gen-{i}");
            var result = SubmissionValidator.Validate(resource);
            Assert.True(result.Valid is not null, $"RandomSubmissions({seed}) made an invalid resource #{i}; fix the generator:\n{result}");
            yield return result.Valid!;
        }
    }

    private static MailSubmission Next(Random random, string name)
    {
        var zone = Pick(random, Zones);
        var spec = new MailSubmissionSpec
        {
            Hostname = $"{Pick(random, Labels)}.{zone}",
            Domain = Chance(random) ? zone : null,
            Origin = Chance(random) ? OriginSource.Domain : OriginSource.Hostname,
            TrustedNetworks = Subset(random, Networks, 0, 4),
            Listeners = Listeners(random),
            Auth = Auth(random, zone),
            Tls = new TlsSpec
            {
                IssuerRef = Chance(random) ? new IssuerReference { Name = "issuer", Kind = IssuerKind.ClusterIssuer } : null,
                SmtpSecurityLevel = Pick(random, Enum.GetValues<SmtpTlsLevel>()),
                Profile = Pick(random, Enum.GetValues<TlsProfile>()),
                PrivateKeyAlgorithm = Chance(random) ? Pick(random, Enum.GetValues<PrivateKeyAlgorithm>()) : null,
                MinProtocol = Pick(random, Enum.GetValues<TlsProtocol>()),
                ReceivedHeader = Chance(random),
                LogLevel = random.Next(0, 5),
                SessionCacheTimeout = Pick(random, Durations),
            },
            Restrictions = new RestrictionsSpec
            {
                Relay = [.. Subset(random, RelayPermits, 0, 3), Pick(random, RestrictionNames.RelayGuards.Order().ToArray())],
                Recipient = Subset(random, RecipientChecks, 0, RecipientChecks.Length),
            },
            RelayHost = Chance(random) ? RelayHost(random) : null,
            Limits = new LimitsSpec
            {
                MessageSizeBytes = Chance(random) ? random.NextInt64(1024, 1073741825) : 10240000,
                MessagesPerMinutePerClient = random.Next(0, 1000),
                ConnectionsPerMinutePerClient = random.Next(0, 1000),
            },
            AllowMailToCommands = Subset(random, Enum.GetValues<MailToCommandsSource>(), 0, 3),
            ExtraConfig = Subset(random, Extras, 0, 5).ToDictionary(e => e.Name, e => e.Value),
        };
        // Below TLSv1.2 only the Legacy profile has ciphers.
        if (spec.Tls.MinProtocol < TlsProtocol.TLSv1_2 && spec.Tls.Profile != TlsProfile.Legacy)
            spec.Tls.Profile = TlsProfile.Legacy;
        if (spec.Tls.IssuerRef is null)
            spec.Tls.SecretName = name + "-tls";
        if (Chance(random))
            spec.Tls.DnsNames = new[] { spec.Hostname, $"{Pick(random, Labels)}.{zone}" }.Distinct().ToList();
        // Plain SMTP without TLS is the one case that needs no certificate at all.
        var smtpOnly = spec.Listeners.Submission.Enabled == false && spec.Listeners.Submissions.Enabled == false;
        if (smtpOnly && spec.Tls.SmtpSecurityLevel == SmtpTlsLevel.None && Chance(random))
            (spec.Tls.IssuerRef, spec.Tls.SecretName) = (null, null);
        return new MailSubmission
        {
            Metadata = new() { Name = name, NamespaceProperty = "mail" },
            Spec = spec,
        };
    }

    private static ListenersSpec Listeners(Random random)
    {
        var ports = Subset(random, [587, 465, 25, 2525, 10587, 1465], 3, 3);
        var listeners = new ListenersSpec
        {
            Submission = new ListenerSpec { Enabled = Chance(random), Port = ports[0] },
            Submissions = new ListenerSpec { Enabled = Chance(random), Port = ports[1] },
            Smtp = new ListenerSpec { Enabled = Chance(random), Port = ports[2] },
        };
        if (listeners.Submission.Enabled == false && listeners.Submissions.Enabled == false && listeners.Smtp.Enabled == false)
            listeners.Submission.Enabled = true;
        return listeners;
    }

    private static AuthSpec Auth(Random random, string zone)
    {
        var restricting = Chance(random);
        var users = Subset(random, ["alice", "bob", "carol.d", "ops-1", "x"], 0, 4).Select(login => new UserSpec
        {
            Name = login,
            PasswordSecretRef = Chance(random) ? new SecretKeyReference { Name = login + "-password" } : null,
            AllowedSenders = restricting
                ? Subset(random, [$"{login}@{zone}", $"@{zone}", $"{login.ToUpperInvariant()}@example.org", "@lists.example.com"], 1, 3).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
                : [],
        }).ToList();
        return new AuthSpec
        {
            Profile = Chance(random) ? AuthProfile.Modern : AuthProfile.Seed,
            LocalDomain = Pick(random, ["$myhostname", "$mydomain", zone]),
            Users = users,
        };
    }

    private static RelayHostSpec RelayHost(Random random) => new()
    {
        Host = Pick(random, ["smtp.relay.example", "192.0.2.25", "2001:db8::25"]),
        Port = Pick(random, [25, 587, 2525]),
        TlsLevel = Pick(random, Enum.GetValues<RelayTlsLevel>()),
        CredentialsSecretRef = Chance(random) ? new SecretReference { Name = "relay-credentials" } : null,
    };

    private static bool Chance(Random random) => random.Next(2) == 0;

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    /// <summary>Between min and max distinct values, in random order.</summary>
    private static List<T> Subset<T>(Random random, T[] values, int min, int max)
    {
        var shuffled = values.ToArray();
        random.Shuffle(shuffled);
        return shuffled.Take(random.Next(min, Math.Min(max, values.Length) + 1)).ToList();
    }
}
