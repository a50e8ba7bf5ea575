using Mailsub.Entrypoint;

namespace Mailsub.Entrypoint.Tests;

public class CommandLineTests
{
    [Fact]
    public void No_arguments_mean_the_container_mount_paths()
    {
        var (options, error) = CommandLine.Parse([], "/work");

        Assert.Null(error);
        Assert.Equal(new EntrypointOptions("/etc/mailsub/config", "/etc/mailsub/users", "/etc/mailsub/tls",
            "/var/lib/mailsub", null, TimeSpan.FromSeconds(25)), options);
    }

    [Fact]
    public void Every_option_is_read_and_relative_paths_become_absolute()
    {
        var (options, _) = CommandLine.Parse(
            ["--config", "cfg", "--users", "/u", "--tls", "../tls", "--state", "st", "--listen", "127.0.0.1", "--grace", "7",
             "--relay", "relay"],
            "/work/run");

        Assert.Equal(new EntrypointOptions("/work/run/cfg", "/u", "/work/tls", "/work/run/st", "127.0.0.1",
            TimeSpan.FromSeconds(7), "/work/run/relay"), options);
    }

    [Theory]
    [InlineData("--config")]
    [InlineData("--bogus", "x")]
    [InlineData("--grace", "soon")]
    [InlineData("--grace", "-1")]
    [InlineData("--listen", " ")]
    [InlineData("--state", "s", "--relay")]
    public void Bad_arguments_are_an_error(params string[] args)
    {
        var (options, error) = CommandLine.Parse(args, "/");

        Assert.Null(options);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Help_is_neither_options_nor_an_error()
    {
        Assert.Equal((null, null), CommandLine.Parse(["--help"], "/"));
    }
}
