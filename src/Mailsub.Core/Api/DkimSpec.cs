using System.ComponentModel;

namespace Mailsub.Core.Api;

[Description("DKIM signing (OpenDKIM as a milter on the submission and submissions listeners): which domains sign, with which selector, and their keys.")]
public sealed class DkimSpec
{
    [MaxLength(16)]
    [ListMapKey("name")]
    [Description("The signing domains. Mail whose From: header is in one of them (exactly; not its subdomains) is signed with that domain's signing selector, if it was submitted with SMTP AUTH.")]
    public List<DkimDomainSpec> Domains { get; set; } = [];
}

[Description("One signing domain (the signature's d=) and its keys.")]
public sealed class DkimDomainSpec
{
    [Required]
    [Pattern(Patterns.Fqdn)]
    [MaxLength(253)]
    [Description("The domain, lower case: the From: header's domain and the signature's d=. Example: example.com.")]
    public string Name { get; set; } = "";

    [Required]
    [Pattern(Patterns.DkimSelector)]
    [MaxLength(63)]
    [Description("The selector that signs (the signature's s=); one of keys. To rotate: add a key, publish its record from status.dkimRecords, switch this to it, and remove the old key once verifiers no longer see mail signed with it.")]
    public string SigningSelector { get; set; } = "";

    [MaxLength(8)]
    [ListMapKey("selector")]
    [Description("The domain's keys, one per selector. Defaults to one key for signingSelector. Each key's DNS TXT record is in status.dkimRecords while the key is listed here.")]
    public List<DkimKeySpec> Keys { get; set; } = [];
}

[Description("One DKIM key: RSA 2048 bits (rsa-sha256), generated once by the operator or read from a Secret.")]
public sealed class DkimKeySpec
{
    [Required]
    [Pattern(Patterns.DkimSelector)]
    [MaxLength(63)]
    [Description("The selector: lower-case letters, digits and '-', as one or more dot-separated DNS labels. The record is published at <selector>._domainkey.<domain>.")]
    public string Selector { get; set; } = "";

    [Description("Secret key holding the PEM private key (PKCS#1 or PKCS#8, RSA of 1024 to 4096 bits), in the MailSubmission's namespace. The operator only reads it. Without it, the operator generates an RSA 2048 key once and keeps it in the Secret <name>-dkim-keys; it is never regenerated while the key is listed.")]
    public SecretKeyReference? PrivateKeySecretRef { get; set; }
}
