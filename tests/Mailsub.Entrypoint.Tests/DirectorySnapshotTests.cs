using System.Text;

namespace Mailsub.Entrypoint.Tests;

public class DirectorySnapshotTests
{
    private static DirectorySnapshot Dir(params (string Name, string Content)[] files) =>
        new(files.ToDictionary(f => f.Name, f => Encoding.UTF8.GetBytes(f.Content)));

    [Fact]
    public void Same_names_and_contents_give_the_same_fingerprint_in_any_order()
    {
        Assert.Equal(Dir(("a", "1"), ("b", "2")).Fingerprint, Dir(("b", "2"), ("a", "1")).Fingerprint);
    }

    [Fact]
    public void A_changed_content_name_or_split_changes_the_fingerprint()
    {
        var original = Dir(("a", "1"), ("b", "2")).Fingerprint;

        Assert.NotEqual(original, Dir(("a", "1"), ("b", "3")).Fingerprint);
        Assert.NotEqual(original, Dir(("a", "1"), ("c", "2")).Fingerprint);
        Assert.NotEqual(Dir(("a", "bc")).Fingerprint, Dir(("ab", "c")).Fingerprint);
        Assert.NotEqual(DirectorySnapshot.Empty.Fingerprint, Dir(("a", "")).Fingerprint);
    }

    [Fact]
    public void Text_reads_a_file_as_UTF8_and_null_when_absent()
    {
        var dir = Dir(("main.cf", "myhostname = é"));

        Assert.Equal("myhostname = é", dir.Text("main.cf"));
        Assert.Null(dir.Text("master.cf"));
    }
}
