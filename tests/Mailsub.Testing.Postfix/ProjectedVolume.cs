using Mailsub.Entrypoint;

namespace Mailsub.Testing.Postfix;

/// <summary>A directory written the way the kubelet projects a ConfigMap or Secret: each key a
/// symlink "name -> ..data/name", "..data" a symlink to a timestamped directory, and an update
/// a new timestamped directory swapped in with one rename.</summary>
public sealed class ProjectedVolume(string path)
{
    private const string DataLink = "..data";
    private int _versions;

    public string Path => path;

    /// <summary>Replaces the whole content with <paramref name="files"/>.</summary>
    public void Write(IReadOnlyDictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(path);
        var previous = Directory.Exists(Combine(DataLink))
            ? new DirectoryInfo(Combine(DataLink)).ResolveLinkTarget(returnFinalTarget: true)?.FullName
            : null;

        var version = $"..{DateTime.UtcNow:yyyy_MM_dd_HH_mm_ss}.{Interlocked.Increment(ref _versions)}";
        Directory.CreateDirectory(Combine(version));
        foreach (var (name, content) in files)
            File.WriteAllBytes(Combine(version, name), content);

        var temporary = Combine("..data_tmp");
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, version);
        AtomicRename.Replace(temporary, Combine(DataLink));

        foreach (var name in files.Keys)
        {
            if (!File.Exists(Combine(name)))
                File.CreateSymbolicLink(Combine(name), System.IO.Path.Combine(DataLink, name));
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(path))
        {
            var name = System.IO.Path.GetFileName(entry);
            if (!name.StartsWith('.') && !files.ContainsKey(name))
                File.Delete(entry);
        }
        if (previous is not null)
            Directory.Delete(previous, recursive: true);
    }

    private string Combine(params string[] parts) => System.IO.Path.Combine([path, .. parts]);
}
