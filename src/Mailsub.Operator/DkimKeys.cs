using System.Text;
using System.Text.Json.Nodes;
using Mailsub.Core.Api;
using Mailsub.Core.Builders;
using Mailsub.Core.Dkim;
using Mailsub.Core.Serialization;
using Mailsub.Core.Status;
using Mailsub.Core.Validation;

namespace Mailsub.Operator;

/// <summary>
/// Resolves every DKIM key of spec.dkim and its TXT record: from its referenced Secret key (only
/// read), or from the operator's own Secret of generated keys. As with generated passwords, a key
/// is generated once, stored before it is used, and read back ever after, so it survives
/// reconciles and operator restarts and its published record stays right. No key material goes
/// into a message: a Secret that does not hold a usable key is named, never quoted.
/// </summary>
public sealed class DkimKeys(SecretReader secrets, ChildApplier applier)
{
    public async Task<DkimResolution> ResolveAsync(ValidSubmission valid, CancellationToken ct)
    {
        if (valid.DkimKeys.Count == 0)
            return new DkimResolution(new Dictionary<string, string>(), [], "spec.dkim is not set: nothing is signed.");
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var key in valid.DkimKeys)
        {
            if (key.PrivateKeySecretRef is not { } reference)
                continue;
            var data = await secrets.ReadAsync(valid.Namespace, reference.Name, ct).ConfigureAwait(false);
            if (data is null)
                problems.Add($"Secret {reference.Name} (DKIM key {key.RecordName}) not found");
            else if (!data.TryGetValue(reference.Key, out var bytes) || bytes.Length == 0)
                problems.Add($"key {reference.Key} of Secret {reference.Name} (DKIM key {key.RecordName}) not found or empty");
            else
                keys[key.RecordName] = Encoding.ASCII.GetString(bytes);
        }
        if (problems.Count == 0)
        {
            foreach (var (name, pem) in await GeneratedAsync(valid, ct).ConfigureAwait(false))
                keys[name] = pem;
        }
        var records = new List<DkimRecordStatus>();
        foreach (var key in valid.DkimKeys)
        {
            if (!keys.TryGetValue(key.RecordName, out var pem))
                continue;
            if (DkimKeyMaterial.RecordValue(pem, out var problem) is { } value)
                records.Add(new DkimRecordStatus { Name = key.RecordName, Value = value, Signing = key.Signs });
            else
                problems.Add($"key {key.PrivateKeySecretRef?.Key} of Secret {key.PrivateKeySecretRef?.Name} (DKIM key {key.RecordName}) {problem}");
        }
        return problems.Count > 0
            ? new DkimResolution(null, [], string.Join("; ", problems) + ". Fix it in namespace " + valid.Namespace + ", or remove privateKeySecretRef to have a key generated.")
            : new DkimResolution(keys, records, $"{records.Count} DKIM key(s) ready.");
    }

    /// <summary>The generated keys of the keys without a reference, generating only the new ones.</summary>
    private async Task<IReadOnlyDictionary<string, string>> GeneratedAsync(ValidSubmission valid, CancellationToken ct)
    {
        var names = DkimSecrets.GeneratedNames(valid);
        if (names.Count == 0)
            return new Dictionary<string, string>();
        var name = ChildNames.GeneratedDkimKeys(valid);
        // The cache may not have seen a Secret written moments ago: when it has none, ask the server.
        var stored = await secrets.ReadAsync(valid.Namespace, name, ct).ConfigureAwait(false)
            ?? await secrets.GetAsync(valid.Namespace, name, ct).ConfigureAwait(false);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = stored is null;
        foreach (var keyName in names)
        {
            if (stored is not null && stored.TryGetValue(keyName, out var bytes) && bytes.Length > 0)
            {
                result[keyName] = Encoding.ASCII.GetString(bytes);
            }
            else
            {
                result[keyName] = DkimKeyMaterial.Generate();
                changed = true;
            }
        }
        // A key no longer listed is dropped: its record left status with it.
        changed |= stored is not null && stored.Keys.Any(k => !result.ContainsKey(k));
        if (changed)
        {
            var body = (JsonObject)ObjectJson.ToNode(DkimSecrets.Generated(valid, result));
            var written = await applier.ApplyAsync(valid.Resource, body, ct).ConfigureAwait(false);
            secrets.Remember(written.Written);
        }
        return result;
    }
}
