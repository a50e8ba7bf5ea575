using Mailsub.Core.Rendering;
using Mailsub.Core.Tests;
using Mailsub.Core.Validation;
using Mailsub.Postfix;

namespace Mailsub.Rendering.PostfixTests;

/// <summary>The samples and the named variations, as Postfix 3.7 itself reads them.</summary>
public class PostfixCheckTests
{
    public static TheoryData<string> Resources => new(Samples.All.Concat(Variations.All));

    public PostfixCheckTests() => PostfixCommands.RequireVersion37();

    [Theory]
    [MemberData(nameof(Resources))]
    public void Postconf_reads_main_cf_and_master_cf_without_a_warning(string resource)
    {
        using var tree = ConfigTree.Write(PostfixRenderer.Render(Resolve(resource)));

        var result = PostfixCommands.Postconf("-c", tree.Config, "-n");

        Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0, $"postconf -n on {resource}:\n{result.Stderr}");
    }

    [Theory]
    [MemberData(nameof(Resources))]
    public void Postfix_check_passes_without_a_warning(string resource)
    {
        Assert.True(Environment.IsPrivilegedProcess, "postfix check needs root (it checks and creates the queue as the mail system's owner)");
        using var tree = ConfigTree.Write(PostfixRenderer.Render(Resolve(resource)));

        var result = PostfixCommands.Postfix("-c", tree.Config, "check");

        var log = tree.ReadLog();
        Assert.True(result.ExitCode == 0 && log.Length == 0 && result.Stderr.Length == 0,
            $"postfix check on {resource} exited {result.ExitCode}:\n{result.Stderr}{log}");
    }

    [Fact]
    public void Postmap_finds_each_sender_owner_in_the_inline_table()
    {
        var valid = Samples.Valid("modern");
        using var tree = ConfigTree.Write(PostfixRenderer.Render(valid));
        var table = PostfixCommands.Postconf("-c", tree.Config, "-h", "smtpd_sender_login_maps").Stdout.Trim();

        foreach (var entry in SenderLoginMap.Build(valid))
        {
            var result = PostfixCommands.Postmap("-c", tree.Config, "-q", entry.Sender, table);
            Assert.Equal(string.Join(", ", entry.Owners), result.Stdout.Trim());
        }
        Assert.Equal(1, PostfixCommands.Postmap("-c", tree.Config, "-q", "mallory@example.com", table).ExitCode);
    }

    [Fact]
    public void Cyrus_reads_smtpd_conf_from_the_config_directory_as_debian_does()
    {
        using var tree = ConfigTree.Write(PostfixRenderer.Render(Samples.Valid("modern")));

        var path = PostfixCommands.Postconf("-c", tree.Config, "-x", "-h", "cyrus_sasl_config_path").Stdout.Trim();

        Assert.Equal(Path.GetDirectoryName(Path.Combine(tree.Config, ContainerPaths.SaslConfigFile)), path);
    }

    private static ValidSubmission Resolve(string resource) =>
        Samples.All.Contains(resource) ? Samples.Valid(resource) : Variations.Valid(resource);
}
