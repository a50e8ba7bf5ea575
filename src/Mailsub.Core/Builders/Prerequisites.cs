using Mailsub.Core.Api;

namespace Mailsub.Core.Builders;

/// <summary>An object a MailSubmission reads but does not own, in its namespace (a ClusterIssuer in none).</summary>
/// <param name="Field">The spec field that names it.</param>
/// <param name="Holds">What the operator or the pods read from it.</param>
public sealed record Prerequisite(string Kind, string Name, string Field, string Holds);

/// <summary>
/// What must exist before the operator can serve a MailSubmission: the Secrets its fields name
/// (user passwords, the TLS secretName, the relay credentials) and the cert-manager issuer. The
/// operator watches these Secrets; `mailsub render` lists them, since it reads none.
/// </summary>
public static class Prerequisites
{
    public const string Secret = "Secret";

    public static IEnumerable<Prerequisite> Of(MailSubmissionSpec spec)
    {
        for (var i = 0; i < spec.Auth.Users.Count; i++)
        {
            var user = spec.Auth.Users[i];
            if (user.PasswordSecretRef is { } secretRef)
                yield return new(Secret, secretRef.Name, $"spec.auth.users[{i}].passwordSecretRef", $"key {secretRef.Key}: {user.Name}'s password");
        }
        if (spec.Tls.SecretName is { Length: > 0 } tls)
            yield return new(Secret, tls, "spec.tls.secretName", "tls.crt and tls.key (type kubernetes.io/tls): the server certificate");
        if (spec.Tls.IssuerRef is { } issuer)
        {
            yield return new(issuer.Kind.ToString(), issuer.Name, "spec.tls.issuerRef",
                $"cert-manager ({issuer.Group}) issues the server certificate with it");
        }

        if (spec.RelayHost?.CredentialsSecretRef is { } relay)
            yield return new(Secret, relay.Name, "spec.relayHost.credentialsSecretRef", "keys username and password: SMTP AUTH to the relay host");
        var domains = spec.Dkim?.Domains ?? [];
        for (var i = 0; i < domains.Count; i++)
        {
            for (var j = 0; j < domains[i].Keys.Count; j++)
            {
                if (domains[i].Keys[j].PrivateKeySecretRef is { } key)
                {
                    yield return new(Secret, key.Name, $"spec.dkim.domains[{i}].keys[{j}].privateKeySecretRef",
                        $"key {key.Key}: the DKIM private key of selector {domains[i].Keys[j].Selector} of {domains[i].Name}");
                }
            }
        }
    }
}
