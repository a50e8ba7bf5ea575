using System.Globalization;
using Mailsub.Core.Api;
using Mailsub.Core.Validation;
using Mailsub.Postfix;
using Scriban.Runtime;

namespace Mailsub.Core.Rendering;

/// <summary>
/// The values the templates see, built by hand as ScriptObjects: Scriban's reflection import
/// renders nothing under NativeAOT. Every value is a preformatted string or a flag the templates
/// only test, so no number formatting (or culture) happens inside a template, and every list is
/// in a fixed order.
/// </summary>
internal static class TemplateModel
{
    public static ScriptObject Build(ValidSubmission valid)
    {
        var spec = valid.Spec;
        var model = new ScriptObject
        {
            ["resource"] = $"{valid.Namespace}/{valid.Name}",
            ["paths"] = Paths(),
            ["hostname"] = spec.Hostname,
            ["domain"] = valid.Domain,
            ["origin"] = spec.Origin == OriginSource.Domain ? "$mydomain" : "$myhostname",
            ["mynetworks"] = string.Join(", ", spec.TrustedNetworks.Select(PostfixNetwork)),
            ["auth"] = Auth(spec.Auth),
            ["tls"] = Tls(valid),
            ["relay_restrictions"] = string.Join(", ", spec.Restrictions.Relay),
            ["recipient_restrictions"] = string.Join(", ", spec.Restrictions.Recipient),
            ["sender_logins"] = SenderLogins(valid),
            ["relay"] = spec.RelayHost is { } relayHost ? Relay(relayHost) : null,
            ["limits"] = Limits(spec.Limits),
            ["allow_mail_to_commands"] = string.Join(", ", spec.AllowMailToCommands.Select(CommandSource)),
            ["relay_retry"] = Array(RelayRetry.For(spec).Select(p => new ScriptObject { ["name"] = p.Key, ["value"] = p.Value })),
            ["extra_config"] = ExtraConfig(spec.ExtraConfig),
            ["listeners"] = Listeners(valid.Listeners),
            ["handoff_port"] = QueueHandoff.Port.ToString(CultureInfo.InvariantCulture),
            ["dkim"] = valid.DkimKeys.Count > 0 ? Dkim(valid.DkimKeys) : null,
        };
        return model;
    }

    private static ScriptObject Paths() => new()
    {
        ["queue"] = ContainerPaths.StateLayout.QueueDir,
        ["data"] = ContainerPaths.StateLayout.DataDir,
        ["tls_key"] = ContainerPaths.TlsKey,
        ["tls_certificate"] = ContainerPaths.TlsCertificate,
        ["sasl_database"] = ContainerPaths.StateLayout.SaslDb,
        ["relay_credentials"] = ContainerPaths.StateLayout.RelayCredentials,
    };

    private static ScriptObject Dkim(IReadOnlyList<DkimKey> keys) => new()
    {
        ["milter"] = OpenDkim.MilterAddress,
        ["base_directory"] = ContainerPaths.StateLayout.OpenDkimDir,
        ["socket"] = ContainerPaths.StateLayout.OpenDkimSocket,
        // Relative to BaseDirectory: the entrypoint installs the tables beside the runtime opendkim.conf.
        ["key_table"] = OpenDkim.KeyTableFileName,
        ["signing_table"] = OpenDkim.SigningTableFileName,
        ["keys"] = Array(keys.Select(key => new ScriptObject
        {
            ["name"] = key.RecordName,
            ["domain"] = key.Domain,
            ["selector"] = key.Selector,
            ["path"] = OpenDkim.KeyPath(key.RecordName),
        })),
        ["signing"] = Array(keys.Where(key => key.Signs).Select(key => new ScriptObject
        {
            ["name"] = key.Domain,
            ["key"] = key.RecordName,
        })),
    };

    private static string PostfixNetwork(string cidr)
    {
        // The validator parsed every entry already; failing here is a bug, not bad input.
        if (NetworkSyntax.CidrProblem(cidr, out var network) is { } problem)
            throw new InvalidOperationException($"trusted network passed validation but does not parse: {problem}");
        return NetworkSyntax.ToPostfix(network);
    }

    private static ScriptObject Auth(AuthSpec auth) => new()
    {
        ["modern"] = auth.Profile == AuthProfile.Modern,
        ["local_domain"] = auth.LocalDomain,
        ["mech_list"] = auth.Profile == AuthProfile.Modern ? "PLAIN LOGIN" : "CRAM-MD5 DIGEST-MD5",
    };

    private static ScriptObject Tls(ValidSubmission valid)
    {
        var tls = valid.Spec.Tls;
        return new ScriptObject
        {
            ["certificate"] = valid.TlsSource != TlsSource.None,
            ["security_level"] = tls.SmtpSecurityLevel switch
            {
                SmtpTlsLevel.None => "none",
                SmtpTlsLevel.May => "may",
                SmtpTlsLevel.Encrypt => "encrypt",
                var level => throw Unexpected(level),
            },
            ["profile"] = EnumValues.NameOf(tls.Profile),
            ["mandatory_protocols"] = Protocols(valid.MinProtocol),
            // RFC 7435: a peer that cannot meet the submission profile still gets TLS, not cleartext.
            ["protocols"] = Protocols((TlsProtocol)Math.Min((int)valid.MinProtocol, (int)TlsProtocol.TLSv1_2)),
            ["cipherlist"] = TlsCipherLists.For(tls.Profile, valid.MinProtocol),
            ["received_header"] = YesNo(tls.ReceivedHeader),
            ["log_level"] = tls.LogLevel.ToString(CultureInfo.InvariantCulture),
            ["session_cache_timeout"] = tls.SessionCacheTimeout,
        };
    }

    private static string Protocols(TlsProtocol lowest) => lowest switch
    {
        TlsProtocol.TLSv1 => ">=TLSv1",
        TlsProtocol.TLSv1_1 => ">=TLSv1.1",
        TlsProtocol.TLSv1_2 => ">=TLSv1.2",
        TlsProtocol.TLSv1_3 => ">=TLSv1.3",
        var protocol => throw Unexpected(protocol),
    };

    private static ScriptArray SenderLogins(ValidSubmission valid) =>
        Array(SenderLoginMap.Build(valid).Select(entry => new ScriptObject
        {
            ["sender"] = entry.Sender,
            ["owners"] = string.Join(", ", entry.Owners),
        }));

    private static ScriptObject Relay(RelayHostSpec relayHost) => new()
    {
        // Brackets: the host itself, no MX lookup. An IPv6 address needs no "ipv6:" prefix here.
        ["nexthop"] = $"[{relayHost.Host}]:{relayHost.Port.ToString(CultureInfo.InvariantCulture)}",
        ["tls_level"] = relayHost.TlsLevel switch
        {
            RelayTlsLevel.May => "may",
            RelayTlsLevel.Encrypt => "encrypt",
            RelayTlsLevel.Verify => "verify",
            RelayTlsLevel.Secure => "secure",
            var level => throw Unexpected(level),
        },
        ["verifies"] = relayHost.TlsLevel is RelayTlsLevel.Verify or RelayTlsLevel.Secure,
        ["credentials"] = relayHost.CredentialsSecretRef is not null,
    };

    private static ScriptObject Limits(LimitsSpec limits) => new()
    {
        ["message_size"] = limits.MessageSizeBytes.ToString(CultureInfo.InvariantCulture),
        ["messages_per_minute"] = limits.MessagesPerMinutePerClient.ToString(CultureInfo.InvariantCulture),
        ["connections_per_minute"] = limits.ConnectionsPerMinutePerClient.ToString(CultureInfo.InvariantCulture),
        ["auth_per_minute"] = limits.AuthAttemptsPerMinutePerClient.ToString(CultureInfo.InvariantCulture),
    };

    private static string CommandSource(MailToCommandsSource source) => source switch
    {
        MailToCommandsSource.Alias => "alias",
        MailToCommandsSource.Forward => "forward",
        MailToCommandsSource.Include => "include",
        _ => throw Unexpected(source),
    };

    private static ScriptArray ExtraConfig(Dictionary<string, string> extraConfig) =>
        Array(extraConfig.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new ScriptObject
        {
            ["name"] = e.Key,
            ["value"] = e.Value,
        }));

    private static ScriptArray Listeners(IReadOnlyList<Listener> listeners) =>
        Array(listeners.Select(listener => new ScriptObject
        {
            ["kind"] = listener.ServiceName,
            // master.cf columns are separated by whitespace; the padding only lines them up.
            ["service"] = listener.Port.ToString(CultureInfo.InvariantCulture).PadRight(9),
            ["proxy_protocol"] = listener.ProxyProtocol == ProxyProtocol.V1V2,
        }));

    private static ScriptArray Array(IEnumerable<ScriptObject> items)
    {
        var array = new ScriptArray();
        foreach (var item in items)
            array.Add(item);
        return array;
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static InvalidOperationException Unexpected<T>(T value) where T : struct, Enum =>
        new($"{typeof(T).Name}.{value} has no Postfix spelling; the renderer is behind the API");
}
