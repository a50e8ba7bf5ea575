using Mailsub.Core.Api;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests;

/// <summary>The resources in samples/, read as `kubectl apply` would send them.</summary>
public static class Samples
{
    public static readonly IReadOnlyList<string> All = ["seed", "modern", "dkim"];

    public static TheoryData<string> Names => new(All);

    public static MailSubmission Read(string name)
    {
        var result = ManifestReader.ReadMailSubmission(File.ReadAllText(Repository.PathOf("samples", name + ".yaml")));
        Assert.True(result.Resource is not null, string.Join("\n", result.Errors));
        return result.Resource!;
    }

    public static ValidSubmission Valid(string name) => Gen.Valid(Read(name));
}
