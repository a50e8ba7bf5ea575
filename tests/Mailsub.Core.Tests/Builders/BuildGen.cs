using Mailsub.Core.Builders;
using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Builders;

/// <summary>What builder tests pass besides the resource, in one call each.</summary>
public static class BuildGen
{
    public const string DefaultImage = "registry.example/mailsub/postfix:3.7.11";

    public static BuildOptions Options(DisruptionBudgetApiVersion version = DisruptionBudgetApiVersion.V1) => new(DefaultImage, version);

    public static RenderedConfig Rendered(ValidSubmission valid) => PostfixRenderer.Render(valid);

    /// <summary>A made-up password for every user: "password-of-{login}".</summary>
    public static Dictionary<string, string> Passwords(ValidSubmission valid) =>
        valid.Spec.Auth.Users.ToDictionary(u => u.Name, u => "password-of-" + u.Name);

    /// <summary>Placeholder PEM text by record name: the builders only lay the keys out.</summary>
    public static Dictionary<string, string> DkimKeys(ValidSubmission valid) =>
        valid.DkimKeys.ToDictionary(k => k.RecordName, k => "key-of-" + k.RecordName);
}
