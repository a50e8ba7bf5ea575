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
             "--relay", "relay", "--dkim", "keys"],
            "/work/run");

        Assert.Equal(new EntrypointOptions("/work/run/cfg", "/u", "/work/tls", "/work/run/st", "127.0.0.1",
            TimeSpan.FromSeconds(7), "/work/run/relay", DkimDir: "/work/run/keys"), options);
    }

    [Fact]
    public void Health_port_and_the_listeners_readiness_checks()
    {
        var (options, error) = CommandLine.Parse(["--health", "8025", "--check", "465/tls", "--check", "587"], "/");

        Assert.Null(error);
        Assert.Equal(8025, options!.HealthPort);
        Assert.Equal([new ListenerCheck(465, ImplicitTls: true), new ListenerCheck(587, ImplicitTls: false)], options.Checks!);
    }

    [Fact]
    public void A_proxy_listener_check_says_so_after_the_port_and_tls()
    {
        var (options, error) = CommandLine.Parse(["--health", "8025", "--check", "465/tls/proxy", "--check", "587/proxy"], "/");

        Assert.Null(error);
        Assert.Equal([new ListenerCheck(465, ImplicitTls: true, Proxy: true), new ListenerCheck(587, ImplicitTls: false, Proxy: true)], options!.Checks!);
        Assert.Equal(["465/tls/proxy", "587/proxy"], options.Checks!.Select(c => c.ToString()));
    }

    [Theory]
    [InlineData("--config")]
    [InlineData("--bogus", "x")]
    [InlineData("--grace", "soon")]
    [InlineData("--grace", "-1")]
    [InlineData("--listen", " ")]
    [InlineData("--state", "s", "--relay")]
    [InlineData("--health", "0")]
    [InlineData("--health", "8025", "--check", "465/ssl")]
    [InlineData("--health", "8025", "--check", "587/proxy/tls")]
    [InlineData("--check", "587")]
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
