using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Core.Tests.Policy;

/// <summary>
/// One-line policy inputs, like cert-manager's gen.Certificate: a healthy modern configuration
/// (587 STARTTLS required, 465 implicit TLS, PLAIN/LOGIN inside TLS only) changed in one place,
/// e.g. <c>Config.Main("smtpd_relay_restrictions = permit_mynetworks, permit").Service("587", "-o smtpd_tls_security_level=may")</c>.
/// </summary>
public static class Config
{
    public static ConfigBuilder Healthy => new();
    // Named for main.cf, not an entry point; the compiler warns about any static Main.
#pragma warning disable CS0028
    public static ConfigBuilder Main(params string[] lines) => new ConfigBuilder().Main(lines);
#pragma warning restore CS0028
    public static ConfigBuilder Without(params string[] names) => new ConfigBuilder().Without(names);
    public static ConfigBuilder Service(string nameOrPort, string options = "") => new ConfigBuilder().Service(nameOrPort, options);
    public static ConfigBuilder MasterLine(string line) => new ConfigBuilder().MasterLine(line);
    public static ConfigBuilder Sasl(string smtpdConf) => new ConfigBuilder().Sasl(smtpdConf);
    public static ConfigBuilder Tls(TlsSource source) => new ConfigBuilder().Tls(source);
    public static ConfigBuilder SecretKey(CertificateKey key, TlsProfile profile = TlsProfile.Intermediate, PrivateKeyAlgorithm? requested = null) =>
        new ConfigBuilder().SecretKey(key, profile, requested);
}

public sealed class ConfigBuilder
{
    private readonly List<(string Name, string Value)> _main =
    [
        ("compatibility_level", "3.7"),
        ("myhostname", "mail.example.com"),
        ("mynetworks", "127.0.0.0/8 [::1]/128"),
        ("smtpd_relay_restrictions", "permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination"),
        ("smtpd_recipient_restrictions", "reject_non_fqdn_recipient, reject_unauth_pipelining"),
        ("smtpd_sasl_auth_enable", "yes"),
        ("smtpd_sasl_security_options", "noanonymous, noplaintext"),
        ("smtpd_sasl_tls_security_options", "noanonymous"),
        ("smtpd_tls_auth_only", "yes"),
        ("smtpd_tls_security_level", "may"),
        ("smtpd_tls_chain_files", "/etc/postfix/tls/tls.key, /etc/postfix/tls/tls.crt"),
        ("smtpd_tls_protocols", ">=TLSv1.2"),
        ("smtpd_tls_mandatory_protocols", ">=TLSv1.2"),
        ("smtpd_tls_mandatory_ciphers", "high"),
        ("tls_high_cipherlist", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-CHACHA20-POLY1305"),
        ("smtpd_client_auth_rate_limit", "30"),
    ];
    private readonly List<string> _mainText = [];
    private readonly List<string> _master =
    [
        "submission inet n - n - - smtpd -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt",
        "submissions inet n - n - - smtpd -o syslog_name=postfix/submissions -o smtpd_tls_wrappermode=yes",
        "smtp unix - - n - - smtp",
    ];
    private readonly List<Listener> _listeners = [new(ListenerKind.Submission, 587), new(ListenerKind.Submissions, 465)];
    private string _smtpdConf = "pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\n";
    private TlsSource _tls = TlsSource.Issuer;
    private TlsProfile _profile = TlsProfile.Intermediate;
    private PrivateKeyAlgorithm? _requestedKey;
    private ExistingCertificate? _secretCertificate;

    /// <summary>Sets main.cf parameters ("name = value"), in place of the baseline's.</summary>
    public ConfigBuilder Main(params string[] lines)
    {
        foreach (var line in lines)
        {
            var equals = line.IndexOf('=');
            var name = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            var index = _main.FindIndex(p => p.Name == name);
            if (index >= 0)
                _main[index] = (name, value);
            else
                _main.Add((name, value));
        }
        return this;
    }

    /// <summary>Appends main.cf text verbatim, after the parameters.</summary>
    public ConfigBuilder MainText(string text)
    {
        _mainText.Add(text);
        return this;
    }

    public ConfigBuilder Without(params string[] names)
    {
        _main.RemoveAll(p => names.Contains(p.Name));
        return this;
    }

    /// <summary>Adds -o options to the inet smtpd service with that name or port, creating it if needed.</summary>
    public ConfigBuilder Service(string nameOrPort, string options = "")
    {
        var index = _master.FindIndex(line => MasterCf.Parse(line).Services is [{ IsInet: true } s] && (s.Name == nameOrPort || s.Label == nameOrPort));
        if (index >= 0)
            _master[index] += " " + options;
        else
            _master.Add($"{nameOrPort} inet n - n - - smtpd {options}");
        return this;
    }

    /// <summary>Removes the inet service with that name or port.</summary>
    public ConfigBuilder WithoutService(string nameOrPort)
    {
        _master.RemoveAll(line => MasterCf.Parse(line).Services is [{ IsInet: true } s] && (s.Name == nameOrPort || s.Label == nameOrPort));
        return this;
    }

    public ConfigBuilder MasterLine(string line)
    {
        _master.Add(line);
        return this;
    }

    public ConfigBuilder Sasl(string smtpdConf)
    {
        _smtpdConf = smtpdConf;
        return this;
    }

    public ConfigBuilder Tls(TlsSource source)
    {
        _tls = source;
        return this;
    }

    /// <summary>spec.tls.secretName names Secret "own-cert", whose certificate has <paramref name="key"/>.</summary>
    public ConfigBuilder SecretKey(CertificateKey key, TlsProfile profile = TlsProfile.Intermediate, PrivateKeyAlgorithm? requested = null)
    {
        _tls = TlsSource.Secret;
        _secretCertificate = new ExistingCertificate("own-cert", key);
        _profile = profile;
        _requestedKey = requested;
        return this;
    }

    /// <summary>Declares what the spec means a port to be.</summary>
    public ConfigBuilder Listener(ListenerKind kind, int port)
    {
        _listeners.RemoveAll(l => l.Port == port);
        _listeners.Add(new Listener(kind, port));
        return this;
    }

    public string MainCfText => string.Join("\n", _main.Select(p => $"{p.Name} = {p.Value}").Concat(_mainText)) + "\n";
    public string MasterCfText => string.Join("\n", _master) + "\n";

    public PolicyInput Input() =>
        new(EffectiveConfig.Parse(MainCfText, MasterCfText), SmtpdConf.Parse(_smtpdConf), _tls, _listeners)
        {
            Profile = _profile,
            RequestedKey = _requestedKey,
            SecretCertificate = _secretCertificate,
        };

    /// <summary>What the rule reports, once per distinct finding as the chain reports it.</summary>
    public IReadOnlyList<Finding> Findings(PolicyRule rule) => rule(Input()).Distinct().ToList();

    public IReadOnlyList<string> Codes(PolicyRule rule) => Findings(rule).Select(f => f.Code).ToList();

    public PolicyReport Report() => PolicyChain.Standard.Evaluate(Input());
}
