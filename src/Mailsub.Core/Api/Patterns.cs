namespace Mailsub.Core.Api;

/// <summary>
/// Regular expressions shared by the CRD schema (checked by the API server) and the validator
/// (checked again here, because `mailsub render` and older servers never saw the schema).
/// They use only syntax that Go's RE2 and .NET agree on.
/// </summary>
public static class Patterns
{
    public const string Fqdn = @"^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$";

    /// <summary>A Postfix login name: what saslpasswd2 and smtpd_sender_login_maps accept as-is.</summary>
    public const string LoginName = @"^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$";

    /// <summary>An envelope address, or "@domain" for the whole domain (smtpd_sender_login_maps syntax).</summary>
    public const string SenderAddress = @"^([a-zA-Z0-9.!#%&'*+/=?^_`{|}~-]{1,64})?@([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$";

    public const string KubernetesName = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    public const string SecretKey = @"^[-._a-zA-Z0-9]+$";

    public const string PostfixParameterName = @"^[a-z][a-z0-9_]*$";

    /// <summary>A DKIM selector (RFC 6376 3.1): dot-separated DNS labels; lower case, as domains here are.</summary>
    public const string DkimSelector = @"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$";

    public const string Duration = @"^[0-9]+[smhdw]?$";
}
