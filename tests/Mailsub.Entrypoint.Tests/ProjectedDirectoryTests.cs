using System.Text;
using Mailsub.Testing.Postfix;

namespace Mailsub.Entrypoint.Tests;

/// <summary>Reads real directories in the kubelet's projected-volume shape.</summary>
public sealed class ProjectedDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mailsub-projected-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_projected_volume_reads_as_its_keys_and_follows_swaps()
    {
        var volume = new ProjectedVolume(Path.Combine(_root, "users"));
        volume.Write(new Dictionary<string, byte[]> { ["alice"] = "pw1"u8.ToArray(), ["bob"] = "pw2"u8.ToArray() });
        volume.Write(new Dictionary<string, byte[]> { ["alice"] = "pw3"u8.ToArray() });

        var snapshot = ProjectedDirectory.Read(volume.Path);

        Assert.Equal(["alice"], snapshot.Files.Keys);
        Assert.Equal("pw3", snapshot.Text("alice"));
    }

    [Fact]
    public void A_plain_directory_is_read_without_dotfiles_or_subdirectories()
    {
        File.WriteAllText(Path.Combine(_root, "main.cf"), "a = 1");
        File.WriteAllText(Path.Combine(_root, ".main.cf.swp"), "x");
        Directory.CreateDirectory(Path.Combine(_root, "sub"));

        var snapshot = ProjectedDirectory.Read(_root);

        Assert.Equal(["main.cf"], snapshot.Files.Keys);
        Assert.Equal("a = 1", Encoding.UTF8.GetString(snapshot.Files["main.cf"]));
    }

    [Fact]
    public void A_missing_directory_is_empty()
    {
        Assert.Same(DirectorySnapshot.Empty, ProjectedDirectory.Read(Path.Combine(_root, "nope")));
    }
}
