namespace Mailsub.Entrypoint;

/// <summary>Reads a directory mounted from a ConfigMap or Secret.</summary>
/// <remarks>Kubernetes projects keys as symlinks "name -> ..data/name" and swaps "..data" to a
/// new timestamped directory in one rename. Reading through the resolved "..data" once makes
/// the snapshot one version, never half old and half new. A plain directory (tests, a VM) is
/// read as it is.</remarks>
internal static class ProjectedDirectory
{
    /// <summary>The visible files; empty when the directory does not exist. Throws
    /// <see cref="IOException"/> when the directory changed under the read: try again.</summary>
    public static DirectorySnapshot Read(string directory)
    {
        if (!Directory.Exists(directory))
            return DirectorySnapshot.Empty;

        var source = directory;
        var data = new DirectoryInfo(Path.Combine(directory, "..data"));
        if (data.Exists && data.ResolveLinkTarget(returnFinalTarget: true) is { } version)
            source = version.FullName;

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(source))
        {
            var name = Path.GetFileName(path);
            // Dotfiles are Kubernetes' bookkeeping ("..data", "..2024_01_01_...") or editor litter.
            if (name.StartsWith('.') || Directory.Exists(path))
                continue;
            files[name] = File.ReadAllBytes(path);
        }
        return new DirectorySnapshot(files);
    }
}
