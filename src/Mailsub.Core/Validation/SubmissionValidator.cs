using System.Text.RegularExpressions;
using Mailsub.Core.Api;

namespace Mailsub.Core.Validation;

/// <summary>
/// Checks everything that reaches main.cf, master.cf, a shell or the SASL database, and resolves
/// the defaults. The CRD schema says much of this too, but `mailsub render` and servers that
/// skip schema checks never saw it, so nothing here trusts it.
/// </summary>
public static partial class SubmissionValidator
{
    private const int MaxValueLength = 1024;

    [GeneratedRegex(Patterns.KubernetesName)]
    private static partial Regex KubernetesNameRegex();

    [GeneratedRegex(Patterns.LoginName)]
    private static partial Regex LoginNameRegex();

    [GeneratedRegex(Patterns.SenderAddress)]
    private static partial Regex SenderAddressRegex();

    [GeneratedRegex(Patterns.SecretKey)]
    private static partial Regex SecretKeyRegex();

    [GeneratedRegex(Patterns.PostfixParameterName)]
    private static partial Regex ParameterNameRegex();

    [GeneratedRegex(Patterns.Duration)]
    private static partial Regex DurationRegex();

    public static ValidationResult Validate(MailSubmission resource)
    {
        var errors = new List<FieldError>();
        void Fail(string field, string message) => errors.Add(new FieldError(field, message));

        if (resource.ApiVersion != MailSubmission.ApiVersionValue)
            Fail("apiVersion", $"must be {MailSubmission.ApiVersionValue}, not \"{resource.ApiVersion}\"");
        if (resource.Kind != MailSubmission.KindValue)
            Fail("kind", $"must be {MailSubmission.KindValue}, not \"{resource.Kind}\"");
        CheckMetadata(resource, Fail);

        var spec = resource.Spec;
        if (string.IsNullOrEmpty(spec.Hostname))
            Fail("spec.hostname", "required: the fully qualified name clients connect to, e.g. mail.example.com");
        else if (!NetworkSyntax.IsFqdn(spec.Hostname))
            Fail("spec.hostname", $"\"{Printable(spec.Hostname)}\" is not a lower-case fully qualified domain name such as mail.example.com");
        if (spec.Domain is not null && !NetworkSyntax.IsFqdn(spec.Domain))
            Fail("spec.domain", $"\"{Printable(spec.Domain)}\" is not a lower-case fully qualified domain name such as example.com");

        CheckNetworks(spec.TrustedNetworks, Fail);
        var listeners = ResolveListeners(spec.Listeners, Fail);
        CheckAuth(spec.Auth, Fail);
        var tlsSource = CheckTls(spec, listeners, Fail);
        CheckRestrictions("spec.restrictions.relay", spec.Restrictions.Relay, Fail);
        CheckRestrictions("spec.restrictions.recipient", spec.Restrictions.Recipient, Fail);
        if (!spec.Restrictions.Relay.Concat(spec.Restrictions.Recipient).Any(RestrictionNames.StartGuards.Contains))
            Fail("spec.restrictions.relay", "needs reject_unauth_destination (or defer_unauth_destination) after its permits: Postfix refuses to start smtpd when neither relay nor recipient restrictions can refuse relaying");
        if (spec.RelayHost is { } relayHost)
            CheckRelayHost(relayHost, Fail);
        CheckLimits(spec.Limits, Fail);
        CheckDuplicates("spec.allowMailToCommands", spec.AllowMailToCommands.Select(s => s.ToString()).ToList(), Fail);
        CheckExtraConfig(spec.ExtraConfig, Fail);
        CheckWorkload(spec.Workload, Fail);

        if (errors.Count > 0)
            return ValidationResult.Failed(errors);

        var domain = spec.Domain ?? DefaultDomain(spec.Hostname);
        var dnsNames = spec.Tls.DnsNames.Count > 0 ? spec.Tls.DnsNames : [spec.Hostname];
        return ValidationResult.Ok(new ValidSubmission(resource, domain, listeners, dnsNames, tlsSource));
    }

    /// <summary>Postfix's own rule (myhostname minus its first label), unless that leaves a bare TLD.</summary>
    private static string DefaultDomain(string hostname)
    {
        var rest = hostname[(hostname.IndexOf('.') + 1)..];
        return rest.Contains('.') ? rest : hostname;
    }

    private static void CheckMetadata(MailSubmission resource, Action<string, string> fail)
    {
        var name = resource.Metadata.Name;
        // Children are named after the resource (a Service name is a DNS-1035 label of at most 63).
        if (string.IsNullOrEmpty(name))
            fail("metadata.name", "required");
        else if (name.Length > 50 || !KubernetesNameRegex().IsMatch(name) || name.Contains('.') || !char.IsAsciiLetterLower(name[0]))
            fail("metadata.name", $"\"{Printable(name)}\" must be a DNS label of at most 50 characters starting with a letter (children add suffixes to it)");
        var ns = resource.Metadata.NamespaceProperty;
        if (ns is not null && (ns.Length > 63 || !KubernetesNameRegex().IsMatch(ns) || ns.Contains('.')))
            fail("metadata.namespace", $"\"{Printable(ns)}\" is not a namespace name");
    }

    private static void CheckNetworks(List<string> networks, Action<string, string> fail)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < networks.Count; i++)
        {
            var field = $"spec.trustedNetworks[{i}]";
            var problem = NetworkSyntax.CidrProblem(Printable(networks[i] ?? ""), out var network);
            if (problem is not null)
                fail(field, problem);
            else if (!seen.Add(network.ToString()))
                fail(field, $"\"{networks[i]}\" is listed twice");
        }
    }

    private static List<Listener> ResolveListeners(ListenersSpec spec, Action<string, string> fail)
    {
        var listeners = new List<Listener>();
        void Add(string name, ListenerSpec? given, ListenerKind kind, bool enabledByDefault, int defaultPort)
        {
            var port = given?.Port ?? defaultPort;
            if (port is < 1 or > 65535)
                fail($"spec.listeners.{name}.port", $"{port} is not a TCP port (1-65535)");
            else if ((given?.Enabled ?? enabledByDefault) && listeners.FirstOrDefault(l => l.Port == port) is { } other)
                fail($"spec.listeners.{name}.port", $"{port} is already used by the {other.ServiceName} listener");
            else if (given?.Enabled ?? enabledByDefault)
                listeners.Add(new Listener(kind, port));
        }
        Add("submission", spec.Submission, ListenerKind.Submission, true, ListenersSpec.DefaultSubmissionPort);
        Add("submissions", spec.Submissions, ListenerKind.Submissions, true, ListenersSpec.DefaultSubmissionsPort);
        Add("smtp", spec.Smtp, ListenerKind.Smtp, false, ListenersSpec.DefaultSmtpPort);
        if (listeners.Count == 0)
            fail("spec.listeners", "every listener is disabled: enable at least one of submission, submissions or smtp");
        return listeners.OrderBy(l => l.Port).ToList();
    }

    private static void CheckAuth(AuthSpec auth, Action<string, string> fail)
    {
        if (auth.LocalDomain is not ("$myhostname" or "$mydomain") && !NetworkSyntax.IsFqdn(auth.LocalDomain))
            fail("spec.auth.localDomain", $"\"{Printable(auth.LocalDomain)}\" must be $myhostname, $mydomain or a domain name such as example.com");

        var names = new Dictionary<string, int>();
        var restricting = auth.Users.Any(u => u.AllowedSenders.Count > 0);
        for (var i = 0; i < auth.Users.Count; i++)
        {
            var user = auth.Users[i];
            var field = $"spec.auth.users[{i}]";
            if (string.IsNullOrEmpty(user.Name))
                fail($"{field}.name", "required");
            else if (user.Name.Length > 64 || !LoginNameRegex().IsMatch(user.Name))
                fail($"{field}.name", $"\"{Printable(user.Name)}\" is not a login name: use lower-case letters, digits, '.', '_' and '-' (no spaces, quotes, '@' or shell characters), at most 64");
            else if (names.TryGetValue(user.Name, out var first))
                fail($"{field}.name", $"\"{user.Name}\" is already spec.auth.users[{first}]");
            else
                names[user.Name] = i;

            if (user.PasswordSecretRef is { } secretRef)
                CheckSecretKeyRef($"{field}.passwordSecretRef", secretRef, fail);

            var senders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var j = 0; j < user.AllowedSenders.Count; j++)
            {
                var sender = user.AllowedSenders[j] ?? "";
                if (sender.Length > 254 || !SenderAddressRegex().IsMatch(sender))
                    fail($"{field}.allowedSenders[{j}]", $"\"{Printable(sender)}\" is not an address (user@example.com) or a domain (@example.com)");
                else if (!senders.Add(sender))
                    fail($"{field}.allowedSenders[{j}]", $"\"{sender}\" is listed twice");
            }
            if (restricting && user.AllowedSenders.Count == 0)
                fail($"{field}.allowedSenders", "required because another user lists allowed senders: Postfix then checks sender against login for every user, and this one could send as nobody");
        }
    }

    private static void CheckSecretKeyRef(string field, SecretKeyReference secretRef, Action<string, string> fail)
    {
        if (string.IsNullOrEmpty(secretRef.Name) || secretRef.Name.Length > 253 || !KubernetesNameRegex().IsMatch(secretRef.Name))
            fail($"{field}.name", $"\"{Printable(secretRef.Name ?? "")}\" is not a Secret name");
        if (string.IsNullOrEmpty(secretRef.Key) || secretRef.Key.Length > 253 || !SecretKeyRegex().IsMatch(secretRef.Key))
            fail($"{field}.key", $"\"{Printable(secretRef.Key ?? "")}\" is not a Secret key (letters, digits, '-', '_', '.')");
    }

    private static TlsSource CheckTls(MailSubmissionSpec spec, List<Listener> listeners, Action<string, string> fail)
    {
        var tls = spec.Tls;
        var source = (tls.IssuerRef, tls.SecretName) switch
        {
            (not null, not null) => (TlsSource?)null,
            (not null, null) => TlsSource.Issuer,
            (null, not null) => TlsSource.Secret,
            _ => TlsSource.None,
        };
        if (source is null)
        {
            fail("spec.tls", "set issuerRef or secretName, not both");
            return TlsSource.None;
        }
        var needsCertificate = listeners.Any(l => l.Kind != ListenerKind.Smtp) ||
                               listeners.Any(l => l.Kind == ListenerKind.Smtp && tls.SmtpSecurityLevel != SmtpTlsLevel.None);
        if (source == TlsSource.None && needsCertificate)
            fail("spec.tls", "a certificate is required for STARTTLS and implicit TLS: set issuerRef (cert-manager) or secretName (an existing kubernetes.io/tls Secret)");

        if (tls.IssuerRef is { } issuer)
        {
            if (string.IsNullOrEmpty(issuer.Name) || !KubernetesNameRegex().IsMatch(issuer.Name))
                fail("spec.tls.issuerRef.name", $"\"{Printable(issuer.Name ?? "")}\" is not an issuer name");
            if (!NetworkSyntax.IsFqdn(issuer.Group))
                fail("spec.tls.issuerRef.group", $"\"{Printable(issuer.Group ?? "")}\" is not an API group such as cert-manager.io");
        }
        if (tls.SecretName is { } secretName && (secretName.Length > 253 || !KubernetesNameRegex().IsMatch(secretName)))
            fail("spec.tls.secretName", $"\"{Printable(secretName)}\" is not a Secret name");
        var dnsNames = new HashSet<string>();
        for (var i = 0; i < tls.DnsNames.Count; i++)
        {
            if (!NetworkSyntax.IsFqdn(tls.DnsNames[i]))
                fail($"spec.tls.dnsNames[{i}]", $"\"{Printable(tls.DnsNames[i] ?? "")}\" is not a lower-case fully qualified domain name");
            else if (!dnsNames.Add(tls.DnsNames[i]))
                fail($"spec.tls.dnsNames[{i}]", $"\"{tls.DnsNames[i]}\" is listed twice");
        }
        if (tls.LogLevel is < 0 or > 4)
            fail("spec.tls.logLevel", $"{tls.LogLevel} is not a TLS log level (0-4)");
        if (string.IsNullOrEmpty(tls.SessionCacheTimeout) || !DurationRegex().IsMatch(tls.SessionCacheTimeout))
            fail("spec.tls.sessionCacheTimeout", $"\"{Printable(tls.SessionCacheTimeout ?? "")}\" is not a Postfix time such as 3600s or 1h");
        else if (Seconds(tls.SessionCacheTimeout) > 8640000)
            fail("spec.tls.sessionCacheTimeout", "Postfix caps TLS sessions at 100 days (8640000s)");
        return source.Value;
    }

    private static long Seconds(string duration)
    {
        var unit = char.IsAsciiLetter(duration[^1]) ? duration[^1] : 's';
        var digits = char.IsAsciiLetter(duration[^1]) ? duration[..^1] : duration;
        if (!long.TryParse(digits, out var value))
            return long.MaxValue;
        long factor = unit switch { 'm' => 60, 'h' => 3600, 'd' => 86400, 'w' => 604800, _ => 1 };
        return value > long.MaxValue / factor ? long.MaxValue : value * factor;
    }

    private static void CheckRestrictions(string field, List<string> restrictions, Action<string, string> fail)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < restrictions.Count; i++)
        {
            var name = restrictions[i] ?? "";
            if (RestrictionNames.Renamed.TryGetValue(name, out var modern))
                fail($"{field}[{i}]", $"\"{name}\" is the old spelling: use \"{modern}\"");
            else if (!RestrictionNames.Known.Contains(name))
                fail($"{field}[{i}]", $"\"{Printable(name)}\" is not a restriction Mailsub supports; known: {string.Join(", ", RestrictionNames.Known.Order())}");
            else if (!seen.Add(name))
                fail($"{field}[{i}]", $"\"{name}\" is listed twice");
        }
    }

    private static void CheckRelayHost(RelayHostSpec relayHost, Action<string, string> fail)
    {
        if (!NetworkSyntax.IsFqdn(relayHost.Host) && !NetworkSyntax.IsIpAddress(relayHost.Host ?? ""))
            fail("spec.relayHost.host", $"\"{Printable(relayHost.Host ?? "")}\" is not a host name (smtp.example.com) or an IP address");
        if (relayHost.Port is < 1 or > 65535)
            fail("spec.relayHost.port", $"{relayHost.Port} is not a TCP port (1-65535)");
        if (relayHost.CredentialsSecretRef is { } secretRef && (string.IsNullOrEmpty(secretRef.Name) || !KubernetesNameRegex().IsMatch(secretRef.Name)))
            fail("spec.relayHost.credentialsSecretRef.name", $"\"{Printable(secretRef.Name ?? "")}\" is not a Secret name");
    }

    private static void CheckLimits(LimitsSpec limits, Action<string, string> fail)
    {
        if (limits.MessageSizeBytes is < 1024 or > 1073741824)
            fail("spec.limits.messageSizeBytes", $"{limits.MessageSizeBytes} is outside 1024 to 1073741824 bytes");
        if (limits.MessagesPerMinutePerClient is < 0 or > 100000)
            fail("spec.limits.messagesPerMinutePerClient", $"{limits.MessagesPerMinutePerClient} is outside 0 to 100000");
        if (limits.ConnectionsPerMinutePerClient is < 0 or > 100000)
            fail("spec.limits.connectionsPerMinutePerClient", $"{limits.ConnectionsPerMinutePerClient} is outside 0 to 100000");
    }

    private static void CheckExtraConfig(Dictionary<string, string> extraConfig, Action<string, string> fail)
    {
        foreach (var (key, value) in extraConfig.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var field = $"spec.extraConfig[{Printable(key)}]";
            if (!ParameterNameRegex().IsMatch(key))
                fail(field, "is not a Postfix parameter name (lower-case letters, digits and '_', no spaces or '=')");
            else if (PostfixParameters.Reserved.TryGetValue(key, out var instead))
                fail(field, $"is set by Mailsub; use {instead}");
            else if (!PostfixParameters.Known.Contains(key))
                fail(field, "is not a Postfix 3.7 parameter (see postconf(5))");
            if (value is null)
                fail(field, "needs a value");
            else if (value.Length > MaxValueLength)
                fail(field, $"value is longer than {MaxValueLength} characters");
            else if (value.Any(char.IsControl))
                fail(field, "value must be one line without control characters (a newline would start a new main.cf parameter)");
            else if (value != value.Trim())
                fail(field, "value has leading or trailing spaces, which Postfix would drop or read as a continuation line");
            else if (PostfixParameters.ValueError(key, value) is { } typeError)
                fail(field, typeError);
        }
    }

    private static void CheckWorkload(WorkloadSpec workload, Action<string, string> fail)
    {
        if (workload.Replicas is < 0 or > 100)
            fail("spec.workload.replicas", $"{workload.Replicas} is outside 0 to 100");
        if (workload.Image is { } image && (image.Length > 512 || image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || image.Length == 0))
            fail("spec.workload.image", $"\"{Printable(image)}\" is not an image reference");
    }

    private static void CheckDuplicates(string field, List<string> values, Action<string, string> fail)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (!seen.Add(values[i]))
                fail($"{field}[{i}]", $"\"{values[i]}\" is listed twice");
        }
    }

    /// <summary>Quotes user input safely in an error: control characters shown escaped, long input cut.</summary>
    internal static string Printable(string value)
    {
        var shown = value.Length > 80 ? value[..80] + "..." : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
