using Mailsub.Testing.Postfix;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>
/// /readyz on listeners that read a PROXY protocol header first (spec.listeners.*.proxyProtocol
/// V1V2): the modern sample's config with smtpd_upstream_proxy_protocol=haproxy on 587 and 465, as the
/// operator renders it, on a real Postfix.
/// </summary>
[Collection(PostfixCollection.Name)]
public sealed class ProxyReadinessTests
{
    [Fact]
    public async Task The_check_sends_a_header_first_and_sees_the_banner_on_STARTTLS_and_implicit_TLS_ports()
    {
        var config = Directory.CreateTempSubdirectory("mailsub-proxy-fixture-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Fixtures.Modern.Directory))
                File.Copy(file, Path.Combine(config, Path.GetFileName(file)));
            var masterCf = Path.Combine(config, "master.cf");
            var proxied = string.Join('\n', File.ReadAllLines(masterCf).SelectMany(line =>
                line.StartsWith("587 ", StringComparison.Ordinal) || line.StartsWith("465 ", StringComparison.Ordinal)
                    ? [line, "  -o smtpd_upstream_proxy_protocol=haproxy", "  -o smtpd_upstream_proxy_timeout=5s"]
                    : new[] { line })) + "\n";
            File.WriteAllText(masterCf, proxied);
            await using var postfix = await PostfixInstance.StartAsync(new PostfixInstanceOptions { ConfigDirectory = config, Users = Fixtures.Users });

            Assert.Null(await HealthServer.BannerProblemAsync(new ListenerCheck(postfix.Port(587), ImplicitTls: false, Proxy: true), CancellationToken.None));
            Assert.Null(await HealthServer.BannerProblemAsync(new ListenerCheck(postfix.Port(465), ImplicitTls: true, Proxy: true), CancellationToken.None));
            // Without the header the same listener is not ready: smtpd waits for it, then says 421.
            Assert.NotNull(await HealthServer.BannerProblemAsync(new ListenerCheck(postfix.Port(587), ImplicitTls: false), CancellationToken.None));
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }
}
