using System.ComponentModel;

namespace Mailsub.Core.Api;

[Description("SMTP AUTH through Cyrus SASL (sasldb).")]
public sealed class AuthSpec
{
    [Description("Mechanism profile. Modern (default): PLAIN and LOGIN, offered only inside TLS. Seed: the tutorial's noanonymous, noplaintext, so only CRAM-MD5 and DIGEST-MD5 remain (legacy; flagged as a warning).")]
    public AuthProfile Profile { get; set; } = AuthProfile.Modern;

    [MaxLength(253)]
    [Description("Realm appended to login names without one (Postfix smtpd_sasl_local_domain): $myhostname (the seed's), $mydomain, or a domain name. Users log in as `user` or `user@domain`.")]
    public string LocalDomain { get; set; } = "$myhostname";

    [MaxLength(512)]
    [ListMapKey("name")]
    [Description("SASL users. Each gets its password from a referenced Secret key, or from a Secret the operator generates once and keeps.")]
    public List<UserSpec> Users { get; set; } = [];
}

public enum AuthProfile { Modern, Seed }

[Description("One SASL user.")]
public sealed class UserSpec
{
    [Required]
    [Pattern(Patterns.LoginName)]
    [MaxLength(64)]
    [Description("Login name, without realm: lower-case letters, digits, '.', '_' and '-'.")]
    public string Name { get; set; } = "";

    [Description("Secret key holding the password, in the MailSubmission's namespace. The operator only reads it. Without it, the operator generates a strong password once and stores it in a Secret of its own.")]
    public SecretKeyReference? PasswordSecretRef { get; set; }

    [MaxLength(64)]
    [Description("Envelope sender addresses this user may use (`user@example.com`, or `@example.com` for a whole domain). When any user lists senders, Postfix rejects sender/login mismatches (reject_sender_login_mismatch) for every user, so every user must list them.")]
    public List<string> AllowedSenders { get; set; } = [];
}

[Description("A key of a Secret in the same namespace.")]
public sealed class SecretKeyReference
{
    [Required]
    [Pattern(Patterns.KubernetesName)]
    [MaxLength(253)]
    [Description("Secret name.")]
    public string Name { get; set; } = "";

    [Pattern(Patterns.SecretKey)]
    [MaxLength(253)]
    [Description("Key in the Secret's data.")]
    public string Key { get; set; } = "password";
}
