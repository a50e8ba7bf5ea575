using System.Text.RegularExpressions;
using Mailsub.Core.Api;

namespace Mailsub.Core.Validation;

public static partial class SubmissionValidator
{
    [GeneratedRegex(Patterns.DkimSelector)]
    private static partial Regex DkimSelectorRegex();

    /// <summary>spec.dkim: every name reaches opendkim.conf's tables and a Secret key, so each is
    /// checked here; returns the keys with their defaults, in spec order.</summary>
    private static IReadOnlyList<DkimKey> CheckDkim(FieldPath path, DkimSpec? dkim, List<FieldError> errors)
    {
        if (dkim is null)
            return [];
        var keys = new List<DkimKey>();
        var domainsPath = path.Child("domains");
        if (dkim.Domains.Count == 0)
            errors.Add(FieldError.Required(domainsPath, "list at least one signing domain, or remove spec.dkim to sign nothing"));
        var domains = new Dictionary<string, FieldPath>(StringComparer.Ordinal);
        for (var i = 0; i < dkim.Domains.Count; i++)
        {
            var domain = dkim.Domains[i];
            var field = domainsPath.Index(i);
            if (string.IsNullOrEmpty(domain.Name))
                errors.Add(FieldError.Required(field.Child("name"), "required: the From: domain to sign for, e.g. example.com"));
            else if (!NetworkSyntax.IsFqdn(domain.Name))
                errors.Add(FieldError.Invalid(field.Child("name"), $"\"{Printable(domain.Name)}\" is not a lower-case fully qualified domain name such as example.com"));
            else if (domains.TryGetValue(domain.Name, out var first))
                errors.Add(FieldError.Duplicate(field.Child("name"), $"\"{domain.Name}\" is already {first}: list each domain once, with all its keys"));
            else
                domains[domain.Name] = field;

            var signing = domain.SigningSelector ?? "";
            var signingValid = CheckSelector(field.Child("signingSelector"), signing, errors);
            var listed = domain.Keys.Count > 0 ? domain.Keys : [new DkimKeySpec { Selector = signing }];
            var selectors = new Dictionary<string, FieldPath>(StringComparer.Ordinal);
            for (var j = 0; j < domain.Keys.Count; j++)
            {
                var key = domain.Keys[j];
                var keyField = field.Child("keys").Index(j);
                if (!CheckSelector(keyField.Child("selector"), key.Selector ?? "", errors))
                    continue;
                if (selectors.TryGetValue(key.Selector!, out var firstKey))
                    errors.Add(FieldError.Duplicate(keyField.Child("selector"), $"\"{key.Selector}\" is already {firstKey}"));
                else
                    selectors[key.Selector!] = keyField;
                if (key.PrivateKeySecretRef is { } secretRef)
                    CheckSecretKeyRef(keyField.Child("privateKeySecretRef"), secretRef, errors);
            }
            if (signingValid && domain.Keys.Count > 0 && !selectors.ContainsKey(signing))
                errors.Add(FieldError.Invalid(field.Child("signingSelector"), $"\"{signing}\" is none of the domain's keys ({string.Join(", ", selectors.Keys)}): add a key with that selector, or sign with one listed"));
            keys.AddRange(listed.Select(k => new DkimKey(domain.Name ?? "", k.Selector ?? "", k.PrivateKeySecretRef, k.Selector == signing)));
        }
        return keys;
    }

    private static bool CheckSelector(FieldPath field, string selector, List<FieldError> errors)
    {
        if (selector.Length == 0)
            errors.Add(FieldError.Required(field, "required: a selector such as mail2026 (its record is <selector>._domainkey.<domain>)"));
        else if (selector.Length > 63 || !DkimSelectorRegex().IsMatch(selector))
            errors.Add(FieldError.Invalid(field, $"\"{Printable(selector)}\" is not a selector: lower-case letters, digits and '-' in dot-separated labels, at most 63 characters"));
        else
            return true;
        return false;
    }
}
