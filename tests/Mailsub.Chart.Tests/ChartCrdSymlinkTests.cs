using System.Formats.Tar;
using System.IO.Compression;

namespace Mailsub.Chart.Tests;

/// <summary>
/// Why the chart's CRD is a copy (charts/mailsub/README.md): what the real helm 4 does with a
/// symlinked crds/ file. It follows it (the package holds the target's bytes) and logs that it did;
/// the copy avoids relying on that and keeps the chart folder self-contained.
/// </summary>
public class ChartCrdSymlinkTests
{
    [Fact]
    public async Task Helm_package_follows_a_symlinked_crd_and_says_so()
    {
        var work = Directory.CreateTempSubdirectory("mailsub-chart-symlink-");
        try
        {
            var chart = Path.Combine(work.FullName, "mailsub");
            CopyDirectory(Tools.ChartDirectory, chart);
            var crd = Path.Combine(chart, "crds", "mailsub.dev_mailsubmissions.yaml");
            File.Delete(crd);
            var target = Tools.PathOf("crds", "mailsub.dev_mailsubmissions.yaml");
            File.CreateSymbolicLink(crd, target);

            var result = await Tools.TryHelm(null, "package", chart, "--destination", work.FullName);
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("found symbolic link", result.Output);

            await using var file = File.OpenRead(Path.Combine(work.FullName, "mailsub-0.1.0.tgz"));
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                if (entry.Name != "mailsub/crds/mailsub.dev_mailsubmissions.yaml")
                    continue;
                Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
                using var content = new MemoryStream();
                await entry.DataStream!.CopyToAsync(content);
                var expected = await File.ReadAllBytesAsync(target);
                Assert.Equal(expected, content.ToArray());
                return;
            }
            Assert.Fail("the package has no crds/mailsub.dev_mailsubmissions.yaml");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
