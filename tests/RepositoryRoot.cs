using System.Reflection;

namespace Mailsub.Testing;

/// <summary>The repository root, baked in at build time by tests/Directory.Build.props, so tests
/// read samples, golden files and scripts from the source tree wherever the build output lands.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class RepositoryRootAttribute(string path) : Attribute
{
    public string Path { get; } = path;
}

public static class RepositoryRoot
{
    public static string Path { get; } = typeof(RepositoryRoot).Assembly.GetCustomAttribute<RepositoryRootAttribute>()!.Path;
}
