using Mailsub.Core.Validation;

namespace Mailsub.Core.Rendering;

/// <summary>An allowed envelope sender (an address or "@domain") and the SASL logins that own it.</summary>
public sealed record SenderOwners(string Sender, IReadOnlyList<string> Owners);

/// <summary>
/// The smtpd_sender_login_maps table. reject_sender_login_mismatch compares the owners with the
/// name the SASL server reports, and Cyrus reports `login@realm` for the realm the login landed
/// in: smtpd_sasl_local_domain for a bare `login`, the typed domain for `login@domain`. The
/// entrypoint gives every user a sasldb entry in that realm and in mydomain, so `login` and
/// `login@mydomain` both log in. Each user therefore owns its senders as `login@realm`,
/// `login@mydomain` and the bare `login`, which keeps the table right if the realm is ever empty.
/// </summary>
public static class SenderLoginMap
{
    public static IReadOnlyList<SenderOwners> Build(ValidSubmission valid)
    {
        string[] realms = [SaslRealm(valid), valid.Domain];
        // Postfix folds table keys to lower case, so two spellings of one address are one key.
        var owners = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var user in valid.Spec.Auth.Users)
        {
            foreach (var sender in user.AllowedSenders)
            {
                var key = sender.ToLowerInvariant();
                if (!owners.TryGetValue(key, out var logins))
                    owners[key] = logins = new SortedSet<string>(StringComparer.Ordinal);
                logins.Add(user.Name);
                foreach (var realm in realms)
                    logins.Add($"{user.Name}@{realm}");
            }
        }
        return owners.Select(e => new SenderOwners(e.Key, e.Value.ToList())).ToList();
    }

    /// <summary>smtpd_sasl_local_domain with $myhostname and $mydomain resolved, as Cyrus sees it.</summary>
    public static string SaslRealm(ValidSubmission valid) => valid.Spec.Auth.LocalDomain switch
    {
        "$myhostname" => valid.Spec.Hostname,
        "$mydomain" => valid.Domain,
        var domain => domain,
    };
}
