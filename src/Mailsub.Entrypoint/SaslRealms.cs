namespace Mailsub.Entrypoint;

/// <summary>Which Cyrus realms need a sasldb entry for every user.</summary>
/// <remarks>Measured on Cyrus SASL 2.1.28 with Postfix 3.7.11, PLAIN and CRAM-MD5 alike: a
/// login "user@domain" is looked up as user "user" in realm "domain"; a bare "user" in realm
/// smtpd_sasl_local_domain, or myhostname when that is empty. An entry per realm that either
/// form can reach makes "user" and "user@mydomain" both work.</remarks>
public static class SaslRealms
{
    public static IReadOnlyList<string> For(string localDomain, string myDomain, string myHostname)
    {
        var bareLoginRealm = localDomain.Length > 0 ? localDomain : myHostname;
        return new[] { bareLoginRealm, myDomain }
            .Where(realm => realm.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
    }
}
