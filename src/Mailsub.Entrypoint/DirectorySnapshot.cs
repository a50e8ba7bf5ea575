using System.Security.Cryptography;
using System.Text;

namespace Mailsub.Entrypoint;

/// <summary>The visible files of one mounted directory, by name, with a fingerprint of
/// names and contents.</summary>
public sealed class DirectorySnapshot
{
    public static readonly DirectorySnapshot Empty = new(new Dictionary<string, byte[]>());

    public DirectorySnapshot(IReadOnlyDictionary<string, byte[]> files)
    {
        Files = files;
        Fingerprint = FingerprintOf(files);
    }

    public IReadOnlyDictionary<string, byte[]> Files { get; }

    /// <summary>SHA-256 over sorted names and contents: equal iff the directory reads the
    /// same, whatever the file times say (Kubernetes rewrites them on every sync).</summary>
    public string Fingerprint { get; }

    public byte[]? this[string name] => Files.TryGetValue(name, out var content) ? content : null;

    public string? Text(string name) => this[name] is { } content ? Encoding.UTF8.GetString(content) : null;

    private static string FingerprintOf(IReadOnlyDictionary<string, byte[]> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        foreach (var name in files.Keys.Order(StringComparer.Ordinal))
        {
            var content = files[name];
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            BitConverter.TryWriteBytes(length, (long)content.Length);
            // Lengths keep ("ab","c") and ("a","bc") apart.
            hash.AppendData(length);
            hash.AppendData(content);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
