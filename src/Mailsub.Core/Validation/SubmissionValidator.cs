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

        if (resource.ApiVersion != MailSubmission.ApiVersionValue)
            errors.Add(FieldError.Invalid(FieldPath.Root("apiVersion"), $"must be {MailSubmission.ApiVersionValue}, not \"{resource.ApiVersion}\""));
        if (resource.Kind != MailSubmission.KindValue)
            errors.Add(FieldError.Invalid(FieldPath.Root("kind"), $"must be {MailSubmission.KindValue}, not \"{resource.Kind}\""));
        CheckMetadata(FieldPath.Root("metadata"), resource, errors);

        var spec = resource.Spec;
        var path = FieldPath.Root("spec");
        if (string.IsNullOrEmpty(spec.Hostname))
            errors.Add(FieldError.Required(path.Child("hostname"), "required: the fully qualified name clients connect to, e.g. mail.example.com"));
        else if (!NetworkSyntax.IsFqdn(spec.Hostname))
            errors.Add(FieldError.Invalid(path.Child("hostname"), $"\"{Printable(spec.Hostname)}\" is not a lower-case fully qualified domain name such as mail.example.com"));
        if (spec.Domain is not null && !NetworkSyntax.IsFqdn(spec.Domain))
            errors.Add(FieldError.Invalid(path.Child("domain"), $"\"{Printable(spec.Domain)}\" is not a lower-case fully qualified domain name such as example.com"));

        CheckNetworks(path.Child("trustedNetworks"), spec.TrustedNetworks, errors);
        var listeners = ResolveListeners(path.Child("listeners"), spec.Listeners, errors);
        CheckAuth(path.Child("auth"), spec.Auth, errors);
        var tlsSource = CheckTls(path.Child("tls"), spec, listeners, errors);
        var restrictions = path.Child("restrictions");
        CheckRestrictions(restrictions.Child("relay"), spec.Restrictions.Relay, errors);
        CheckRestrictions(restrictions.Child("recipient"), spec.Restrictions.Recipient, errors);
        if (!spec.Restrictions.Relay.Concat(spec.Restrictions.Recipient).Any(RestrictionNames.StartGuards.Contains))
            errors.Add(FieldError.Required(restrictions.Child("relay"), "needs reject_unauth_destination (or defer_unauth_destination) after its permits: Postfix refuses to start smtpd when neither relay nor recipient restrictions can refuse relaying"));
        if (spec.RelayHost is { } relayHost)
            CheckRelayHost(path.Child("relayHost"), relayHost, errors);
        CheckLimits(path.Child("limits"), spec.Limits, errors);
        CheckUnique(path.Child("allowMailToCommands"), spec.AllowMailToCommands.Select(EnumValues.NameOf).ToList(), errors);
        CheckExtraConfig(path.Child("extraConfig"), spec.ExtraConfig, errors);
        CheckWorkload(path.Child("workload"), spec.Workload, errors);
        var dkimKeys = CheckDkim(path.Child("dkim"), spec.Dkim, errors);

        if (errors.Count > 0)
            return ValidationResult.Failed(errors);

        var domain = spec.Domain ?? DefaultDomain(spec.Hostname);
        var dnsNames = spec.Tls.DnsNames.Count > 0 ? spec.Tls.DnsNames : [spec.Hostname];
        return ValidationResult.Ok(new ValidSubmission(resource, domain, listeners, dnsNames, tlsSource, dkimKeys));
    }

    /// <summary>Postfix's own rule (myhostname minus its first label), unless that leaves a bare TLD.</summary>
    private static string DefaultDomain(string hostname)
    {
        var rest = hostname[(hostname.IndexOf('.') + 1)..];
        return rest.Contains('.') ? rest : hostname;
    }

    private static void CheckMetadata(FieldPath path, MailSubmission resource, List<FieldError> errors)
    {
        var name = resource.Metadata.Name;
        // Children are named after the resource (a Service name is a DNS-1035 label of at most 63).
        if (string.IsNullOrEmpty(name))
            errors.Add(FieldError.Required(path.Child("name"), "required"));
        else if (name.Length > 50 || !KubernetesNameRegex().IsMatch(name) || name.Contains('.') || !char.IsAsciiLetterLower(name[0]))
            errors.Add(FieldError.Invalid(path.Child("name"), $"\"{Printable(name)}\" must be a DNS label of at most 50 characters starting with a letter (children add suffixes to it)"));
        var ns = resource.Metadata.NamespaceProperty;
        if (ns is not null && (ns.Length > 63 || !KubernetesNameRegex().IsMatch(ns) || ns.Contains('.')))
            errors.Add(FieldError.Invalid(path.Child("namespace"), $"\"{Printable(ns)}\" is not a namespace name"));
    }

    private static void CheckNetworks(FieldPath path, List<string> networks, List<FieldError> errors)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < networks.Count; i++)
        {
            var problem = NetworkSyntax.CidrProblem(Printable(networks[i] ?? ""), out var network);
            if (problem is not null)
                errors.Add(FieldError.Invalid(path.Index(i), problem));
            else if (!seen.Add(network.ToString()))
                errors.Add(FieldError.ListedTwice(path.Index(i), networks[i]));
        }
    }

    private static List<Listener> ResolveListeners(FieldPath path, ListenersSpec spec, List<FieldError> errors)
    {
        var listeners = new List<Listener>();
        void Add(string name, ListenerSpec? given, ListenerKind kind, bool enabledByDefault, int defaultPort)
        {
            var port = given?.Port ?? defaultPort;
            var field = path.Child(name).Child("port");
            if (port is < 1 or > 65535)
                errors.Add(FieldError.Invalid(field, $"{port} is not a TCP port (1-65535)"));
            else if ((given?.Enabled ?? enabledByDefault) && Postfix.PodPorts.OwnUse(port) is { } use)
                errors.Add(FieldError.Invalid(field, $"{port} is the pod's own {use} port: choose another"));
            else if ((given?.Enabled ?? enabledByDefault) && listeners.FirstOrDefault(l => l.Port == port) is { } other)
                errors.Add(FieldError.Duplicate(field, $"{port} is already used by the {other.ServiceName} listener"));
            else if (given?.Enabled ?? enabledByDefault)
                listeners.Add(new Listener(kind, port, given?.ProxyProtocol ?? ProxyProtocol.None));
            if (given?.ProxyProtocol is { } proxy and not ProxyProtocol.None && !(given.Enabled ?? enabledByDefault))
                errors.Add(FieldError.Invalid(path.Child(name).Child("proxyProtocol"), $"{EnumValues.NameOf(proxy)} is set on a disabled listener: set enabled to true, or remove proxyProtocol"));
        }
        Add("submission", spec.Submission, ListenerKind.Submission, true, ListenersSpec.DefaultSubmissionPort);
        Add("submissions", spec.Submissions, ListenerKind.Submissions, true, ListenersSpec.DefaultSubmissionsPort);
        Add("smtp", spec.Smtp, ListenerKind.Smtp, false, ListenersSpec.DefaultSmtpPort);
        if (listeners.Count == 0)
            errors.Add(FieldError.Required(path, "every listener is disabled: enable at least one of submission, submissions or smtp"));
        return listeners.OrderBy(l => l.Port).ToList();
    }

    private static void CheckAuth(FieldPath path, AuthSpec auth, List<FieldError> errors)
    {
        if (auth.LocalDomain is not ("$myhostname" or "$mydomain") && !NetworkSyntax.IsFqdn(auth.LocalDomain))
            errors.Add(FieldError.Invalid(path.Child("localDomain"), $"\"{Printable(auth.LocalDomain)}\" must be $myhostname, $mydomain or a domain name such as example.com"));

        var users = path.Child("users");
        var names = new Dictionary<string, FieldPath>();
        var restricting = auth.Users.Any(u => u.AllowedSenders.Count > 0);
        for (var i = 0; i < auth.Users.Count; i++)
        {
            var user = auth.Users[i];
            var field = users.Index(i);
            if (string.IsNullOrEmpty(user.Name))
                errors.Add(FieldError.Required(field.Child("name"), "required"));
            else if (user.Name.Length > 64 || !LoginNameRegex().IsMatch(user.Name))
                errors.Add(FieldError.Invalid(field.Child("name"), $"\"{Printable(user.Name)}\" is not a login name: use lower-case letters, digits, '.', '_' and '-' (no spaces, quotes, '@' or shell characters), at most 64"));
            else if (names.TryGetValue(user.Name, out var first))
                errors.Add(FieldError.Duplicate(field.Child("name"), $"\"{user.Name}\" is already {first}"));
            else
                names[user.Name] = field;

            if (user.PasswordSecretRef is { } secretRef)
                CheckSecretKeyRef(field.Child("passwordSecretRef"), secretRef, errors);

            var senders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var j = 0; j < user.AllowedSenders.Count; j++)
            {
                var sender = user.AllowedSenders[j] ?? "";
                if (sender.Length > 254 || !SenderAddressRegex().IsMatch(sender))
                    errors.Add(FieldError.Invalid(field.Child("allowedSenders").Index(j), $"\"{Printable(sender)}\" is not an address (user@example.com) or a domain (@example.com)"));
                else if (!senders.Add(sender))
                    errors.Add(FieldError.ListedTwice(field.Child("allowedSenders").Index(j), sender));
            }
            if (restricting && user.AllowedSenders.Count == 0)
                errors.Add(FieldError.Required(field.Child("allowedSenders"), "required because another user lists allowed senders: Postfix then checks sender against login for every user, and this one could send as nobody"));
        }
    }

    private static void CheckSecretKeyRef(FieldPath path, SecretKeyReference secretRef, List<FieldError> errors)
    {
        CheckSecretName(path.Child("name"), secretRef.Name, errors);
        if (string.IsNullOrEmpty(secretRef.Key) || secretRef.Key.Length > 253 || !SecretKeyRegex().IsMatch(secretRef.Key))
            errors.Add(FieldError.Invalid(path.Child("key"), $"\"{Printable(secretRef.Key ?? "")}\" is not a Secret key (letters, digits, '-', '_', '.')"));
    }

    /// <summary>An object name (DNS subdomain), as the API server requires of a Secret.</summary>
    private static void CheckSecretName(FieldPath field, string? name, List<FieldError> errors)
    {
        if (name is not { Length: > 0 and <= 253 } || !KubernetesNameRegex().IsMatch(name))
            errors.Add(FieldError.Invalid(field, $"\"{Printable(name ?? "")}\" is not a Secret name"));
    }

    private static TlsSource CheckTls(FieldPath path, MailSubmissionSpec spec, List<Listener> listeners, List<FieldError> errors)
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
            errors.Add(FieldError.Invalid(path, "set issuerRef or secretName, not both"));
            return TlsSource.None;
        }
        var needsCertificate = listeners.Any(l => l.Kind != ListenerKind.Smtp) ||
                               listeners.Any(l => l.Kind == ListenerKind.Smtp && tls.SmtpSecurityLevel != SmtpTlsLevel.None);
        if (source == TlsSource.None && needsCertificate)
            errors.Add(FieldError.Required(path, "a certificate is required for STARTTLS and implicit TLS: set issuerRef (cert-manager) or secretName (an existing kubernetes.io/tls Secret)"));

        if (tls.IssuerRef is { } issuer)
        {
            var issuerRef = path.Child("issuerRef");
            if (string.IsNullOrEmpty(issuer.Name) || !KubernetesNameRegex().IsMatch(issuer.Name))
                errors.Add(FieldError.Invalid(issuerRef.Child("name"), $"\"{Printable(issuer.Name ?? "")}\" is not an issuer name"));
            if (!NetworkSyntax.IsFqdn(issuer.Group))
                errors.Add(FieldError.Invalid(issuerRef.Child("group"), $"\"{Printable(issuer.Group ?? "")}\" is not an API group such as cert-manager.io"));
        }
        if (tls.SecretName is { } secretName)
            CheckSecretName(path.Child("secretName"), secretName, errors);
        var dnsNames = new HashSet<string>();
        for (var i = 0; i < tls.DnsNames.Count; i++)
        {
            if (!NetworkSyntax.IsFqdn(tls.DnsNames[i]))
                errors.Add(FieldError.Invalid(path.Child("dnsNames").Index(i), $"\"{Printable(tls.DnsNames[i] ?? "")}\" is not a lower-case fully qualified domain name"));
            else if (!dnsNames.Add(tls.DnsNames[i]))
                errors.Add(FieldError.ListedTwice(path.Child("dnsNames").Index(i), tls.DnsNames[i]));
        }
        // Below TLSv1.2 no AEAD cipher exists, so only the Legacy profile's ciphers can be used there.
        if (tls.MinProtocol < TlsProtocol.TLSv1_2 && tls.Profile != TlsProfile.Legacy)
        {
            errors.Add(FieldError.Invalid(path.Child("minProtocol"),
                $"{EnumValues.NameOf(tls.MinProtocol)} needs profile Legacy: the {EnumValues.NameOf(tls.Profile)} profile's ciphers exist only in TLSv1.2 and later. Set profile: Legacy for clients that predate TLSv1.2, or minProtocol: TLSv1.2"));
        }

        if (tls.LogLevel is < 0 or > 4)
            errors.Add(FieldError.Invalid(path.Child("logLevel"), $"{tls.LogLevel} is not a TLS log level (0-4)"));
        if (string.IsNullOrEmpty(tls.SessionCacheTimeout) || !DurationRegex().IsMatch(tls.SessionCacheTimeout))
            errors.Add(FieldError.Invalid(path.Child("sessionCacheTimeout"), $"\"{Printable(tls.SessionCacheTimeout ?? "")}\" is not a Postfix time such as 3600s or 1h"));
        else if (Seconds(tls.SessionCacheTimeout) > 8640000)
            errors.Add(FieldError.Invalid(path.Child("sessionCacheTimeout"), "Postfix caps TLS sessions at 100 days (8640000s)"));
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

    private static void CheckRestrictions(FieldPath path, List<string> restrictions, List<FieldError> errors)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < restrictions.Count; i++)
        {
            var name = restrictions[i] ?? "";
            if (RestrictionNames.Renamed.TryGetValue(name, out var modern))
                errors.Add(FieldError.Invalid(path.Index(i), $"\"{name}\" is the old spelling: use \"{modern}\""));
            else if (!RestrictionNames.Known.Contains(name))
                errors.Add(FieldError.Invalid(path.Index(i), $"\"{Printable(name)}\" is not a restriction Mailsub supports; known: {string.Join(", ", RestrictionNames.Known.Order())}"));
            else if (!seen.Add(name))
                errors.Add(FieldError.ListedTwice(path.Index(i), name));
        }
    }

    private static void CheckRelayHost(FieldPath path, RelayHostSpec relayHost, List<FieldError> errors)
    {
        if (!NetworkSyntax.IsFqdn(relayHost.Host) && !NetworkSyntax.IsIpAddress(relayHost.Host ?? ""))
            errors.Add(FieldError.Invalid(path.Child("host"), $"\"{Printable(relayHost.Host ?? "")}\" is not a host name (smtp.example.com) or an IP address"));
        if (relayHost.Port is < 1 or > 65535)
            errors.Add(FieldError.Invalid(path.Child("port"), $"{relayHost.Port} is not a TCP port (1-65535)"));
        if (relayHost.CredentialsSecretRef is { } secretRef)
            CheckSecretName(path.Child("credentialsSecretRef").Child("name"), secretRef.Name, errors);
    }

    private static void CheckLimits(FieldPath path, LimitsSpec limits, List<FieldError> errors)
    {
        if (limits.MessageSizeBytes is < 1024 or > 1073741824)
            errors.Add(FieldError.Invalid(path.Child("messageSizeBytes"), $"{limits.MessageSizeBytes} is outside 1024 to 1073741824 bytes"));
        if (limits.MessagesPerMinutePerClient is < 0 or > 100000)
            errors.Add(FieldError.Invalid(path.Child("messagesPerMinutePerClient"), $"{limits.MessagesPerMinutePerClient} is outside 0 to 100000"));
        if (limits.ConnectionsPerMinutePerClient is < 0 or > 100000)
            errors.Add(FieldError.Invalid(path.Child("connectionsPerMinutePerClient"), $"{limits.ConnectionsPerMinutePerClient} is outside 0 to 100000"));
        if (limits.AuthAttemptsPerMinutePerClient is < 0 or > 100000)
            errors.Add(FieldError.Invalid(path.Child("authAttemptsPerMinutePerClient"), $"{limits.AuthAttemptsPerMinutePerClient} is outside 0 to 100000"));
    }

    private static void CheckExtraConfig(FieldPath path, Dictionary<string, string> extraConfig, List<FieldError> errors)
    {
        foreach (var (key, value) in extraConfig.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var field = path.Key(Printable(key));
            if (!ParameterNameRegex().IsMatch(key))
                errors.Add(FieldError.Invalid(field, "is not a Postfix parameter name (lower-case letters, digits and '_', no spaces or '=')"));
            else if (PostfixParameters.Reserved.TryGetValue(key, out var instead))
                errors.Add(FieldError.Invalid(field, $"is set by Mailsub; use {instead}"));
            else if (!PostfixParameters.Known.Contains(key))
                errors.Add(FieldError.Invalid(field, "is not a Postfix 3.7 parameter (see postconf(5))"));
            if (value is null)
                errors.Add(FieldError.Required(field, "needs a value"));
            else if (value.Length > MaxValueLength)
                errors.Add(FieldError.Invalid(field, $"value is longer than {MaxValueLength} characters"));
            else if (value.Any(char.IsControl))
                errors.Add(FieldError.Invalid(field, "value must be one line without control characters (a newline would start a new main.cf parameter)"));
            else if (value != value.Trim())
                errors.Add(FieldError.Invalid(field, "value has leading or trailing spaces, which Postfix would drop or read as a continuation line"));
            else if (PostfixParameters.ValueError(key, value) is { } typeError)
                errors.Add(FieldError.Invalid(field, typeError));
        }
    }

    private static void CheckWorkload(FieldPath path, WorkloadSpec workload, List<FieldError> errors)
    {
        if (workload.Replicas is < 0 or > 100)
            errors.Add(FieldError.Invalid(path.Child("replicas"), $"{workload.Replicas} is outside 0 to 100"));
        if (workload.Image is { } image && (image.Length > 512 || image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || image.Length == 0))
            errors.Add(FieldError.Invalid(path.Child("image"), $"\"{Printable(image)}\" is not an image reference"));
    }

    private static void CheckUnique(FieldPath path, List<string> values, List<FieldError> errors)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (!seen.Add(values[i]))
                errors.Add(FieldError.ListedTwice(path.Index(i), values[i]));
        }
    }

    /// <summary>Quotes user input safely in an error: control characters shown escaped, long input cut.</summary>
    internal static string Printable(string value)
    {
        var shown = value.Length > 80 ? value[..80] + "..." : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
