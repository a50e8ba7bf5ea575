using System.Text;
using k8s.Models;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>The shared layout of the password and DKIM key Secrets: Opaque, one key per name, in name order.</summary>
internal static class PasswordSecret
{
    public static V1Secret Build(ValidSubmission valid, string name, IReadOnlyDictionary<string, string> passwords) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = ChildMetadata.For(valid, name),
        Type = "Opaque",
        // data, not stringData: stringData is write-only, so server-side apply would see a change every time.
        Data = passwords.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)),
    };
}
