namespace Mailsub.Core.Tests;

/// <summary>Paths into the source tree: samples, golden files and the bad-input corpus.</summary>
public static class Repository
{
    public static string Root => RepositoryRoot.Path;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Set MAILSUB_UPDATE_GOLDEN=1 to rewrite golden files instead of comparing.</summary>
    public static bool UpdateGolden => Environment.GetEnvironmentVariable("MAILSUB_UPDATE_GOLDEN") == "1";
}
