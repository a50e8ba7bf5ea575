using Mailsub.Core.Api;
using Mailsub.Core.Rendering;
using Mailsub.Postfix;

namespace Mailsub.Core.Tests.Rendering;

public class PostfixRendererTests
{
    [Theory]
    [MemberData(nameof(Samples.Names), MemberType = typeof(Samples))]
    public void Samples_render_as_their_golden_files(string sample)
    {
        var rendered = PostfixRenderer.Render(Samples.Valid(sample));

        foreach (var (file, content) in rendered.Files)
            Golden.Check(content, "tests", "Mailsub.Core.Tests", "Rendering", "testdata", $"{sample}.{file}.golden");
    }

    [Fact]
    public void PROXY_protocol_listeners_render_as_their_golden_file()
    {
        // Only master.cf differs: haproxy mode and its timeout on each proxied listener alone.
        var proxied = PostfixRenderer.Render(Variations.Valid("proxy-protocol"));
        var plain = PostfixRenderer.Render(Gen.Valid(Gen.Submission("proxied", s => s.Listeners.Smtp = new ListenerSpec { Enabled = true },
            s => s.Workload.Service = new ServiceSpec { Type = ServiceKind.LoadBalancer })));

        Golden.Check(proxied.MasterCf, "tests", "Mailsub.Core.Tests", "Rendering", "testdata", "proxy-protocol.master.cf.golden");
        Assert.Equal(plain.MainCf, proxied.MainCf);
        Assert.Equal(3, proxied.MasterCf.Split('\n').Count(l => l == "  -o smtpd_upstream_proxy_protocol=haproxy"));
        Assert.DoesNotContain("upstream_proxy", plain.MasterCf);
    }

    [Fact]
    public void Rendering_twice_gives_the_same_bytes()
    {
        foreach (var valid in RandomSubmissions.Generate(seed: 7, count: 50))
            Assert.Equal(PostfixRenderer.Render(valid), PostfixRenderer.Render(valid));
    }

    [Fact]
    public void Insertion_order_of_maps_and_users_does_not_matter()
    {
        var extra = new Dictionary<string, string> { ["smtpd_banner"] = "$myhostname ESMTP", ["delay_warning_time"] = "4h", ["smtpd_timeout"] = "60s" };
        UserSpec[] users =
        [
            new() { Name = "alice", AllowedSenders = ["alice@example.com", "@example.com"] },
            new() { Name = "bob", AllowedSenders = ["bob@example.com", "@example.com"] },
        ];
        var forward = Gen.Valid(Gen.Submission("m", s => s.ExtraConfig = new(extra), s => s.Auth.Users = [.. users]));
        var backward = Gen.Valid(Gen.Submission("m", s => s.ExtraConfig = new(extra.Reverse()), s => s.Auth.Users = [.. users.Reverse()]));

        Assert.Equal(PostfixRenderer.Render(forward), PostfixRenderer.Render(backward));
    }

    [Fact]
    public void Concurrent_renders_agree()
    {
        var valid = Samples.Valid("modern");
        var expected = PostfixRenderer.Render(valid);

        var results = Enumerable.Range(0, 64).AsParallel().Select(_ => PostfixRenderer.Render(valid)).ToList();

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Hash_changes_with_any_file_and_only_then()
    {
        var modern = PostfixRenderer.Render(Samples.Valid("modern"));

        Assert.Matches("^[0-9a-f]{64}$", modern.Hash);
        Assert.Equal(modern.Hash, new RenderedConfig(modern.MainCf, modern.MasterCf, modern.SmtpdConf).Hash);
        Assert.NotEqual(modern.Hash, new RenderedConfig(modern.MainCf + "#", modern.MasterCf, modern.SmtpdConf).Hash);
        Assert.NotEqual(modern.Hash, new RenderedConfig(modern.MainCf, modern.MasterCf + "#", modern.SmtpdConf).Hash);
        Assert.NotEqual(modern.Hash, new RenderedConfig(modern.MainCf, modern.MasterCf, modern.SmtpdConf + "#").Hash);
        // Text moved from one file to the next is a different configuration.
        Assert.NotEqual(modern.Hash, new RenderedConfig(modern.MainCf + "x", "x" + modern.MasterCf, modern.SmtpdConf).Hash);
    }

    [Fact]
    public void Values_that_look_like_syntax_stay_on_their_own_line()
    {
        // Valid input with every character main.cf could mistake for structure.
        var valid = Gen.Valid(Gen.Submission("m", s => s.ExtraConfig = new()
        {
            ["smtpd_banner"] = "$myhostname # not a comment = not a parameter { } ,",
            ["smtpd_data_restrictions"] = "",
        }));

        var parameters = PostfixSyntax.MainCfParameters(PostfixRenderer.Render(valid).MainCf).ToDictionary(p => p.Name, p => p.Value);

        Assert.Equal("$myhostname # not a comment = not a parameter { } ,", parameters["smtpd_banner"]);
        Assert.Equal("", parameters["smtpd_data_restrictions"]);
    }

    [Fact]
    public void Modern_profile_allows_plaintext_mechanisms_inside_tls_only()
    {
        var rendered = PostfixRenderer.Render(Gen.Valid(Gen.Submission("m", s => s.Auth.Profile = AuthProfile.Modern)));
        var main = Parameters(rendered);

        Assert.Equal("noanonymous, noplaintext", main["smtpd_sasl_security_options"]);
        Assert.Equal("noanonymous", main["smtpd_sasl_tls_security_options"]);
        Assert.Equal("yes", main["smtpd_tls_auth_only"]);
        Assert.Contains("mech_list: PLAIN LOGIN\n", rendered.SmtpdConf);
    }

    [Fact]
    public void Seed_profile_is_the_tutorials()
    {
        var rendered = PostfixRenderer.Render(Gen.Valid(Gen.Submission("m", s => s.Auth.Profile = AuthProfile.Seed)));
        var main = Parameters(rendered);

        Assert.Equal("noanonymous, noplaintext", main["smtpd_sasl_security_options"]);
        Assert.Equal("$smtpd_sasl_security_options", main["smtpd_sasl_tls_security_options"]);
        Assert.Contains("mech_list: CRAM-MD5 DIGEST-MD5\n", rendered.SmtpdConf);
    }

    [Fact]
    public void Every_listener_is_a_numeric_inet_service_without_chroot()
    {
        var master = PostfixRenderer.Render(Gen.Valid(Gen.Submission("m",
            s => s.Listeners = new ListenersSpec { Submission = new() { Port = 2587 }, Smtp = new() { Enabled = true } }))).MasterCf;

        Assert.Contains("2587      inet  n       -       n       -       -       smtpd\n  -o syslog_name=postfix/submission\n", master);
        Assert.Contains("465       inet  n       -       n       -       -       smtpd\n  -o syslog_name=postfix/submissions\n", master);
        Assert.Contains("25        inet  n       -       n       -       -       smtpd\n", master);
        var services = master.Split('\n').Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && l[0] != '#').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(services, columns => Assert.Equal("n", columns[4]));
    }

    [Fact]
    public void Submission_ports_require_tls_and_an_authenticated_or_trusted_client()
    {
        var master = PostfixRenderer.Render(Samples.Valid("modern")).MasterCf;

        Assert.Contains("""
            587       inet  n       -       n       -       -       smtpd
              -o syslog_name=postfix/submission
              -o smtpd_tls_security_level=encrypt
              -o smtpd_tls_auth_only=yes
              -o smtpd_sasl_auth_enable=yes
              -o smtpd_client_restrictions=permit_sasl_authenticated,permit_mynetworks,reject

            """, master);
        Assert.Contains("""
            465       inet  n       -       n       -       -       smtpd
              -o syslog_name=postfix/submissions
              -o smtpd_tls_wrappermode=yes
              -o smtpd_tls_security_level=encrypt
              -o smtpd_sasl_auth_enable=yes
              -o smtpd_client_restrictions=permit_sasl_authenticated,permit_mynetworks,reject

            """, master);
    }

    [Fact]
    public void Relay_host_with_credentials_uses_the_entrypoints_file()
    {
        var main = Parameters(PostfixRenderer.Render(Variations.Valid("relay-credentials-verify")));

        Assert.Equal("[smtp.relay.example]:587", main["relayhost"]);
        Assert.Equal("verify", main["smtp_tls_security_level"]);
        Assert.Equal("/etc/ssl/certs/ca-certificates.crt", main["smtp_tls_CAfile"]);
        Assert.Equal("yes", main["smtp_sasl_auth_enable"]);
        Assert.Equal("texthash:" + ContainerPaths.StateLayout.RelayCredentials, main["smtp_sasl_password_maps"]);
        Assert.Equal("noanonymous, noplaintext", main["smtp_sasl_security_options"]);
        Assert.Equal("noanonymous", main["smtp_sasl_tls_security_options"]);
    }

    [Fact]
    public void Relay_host_address_is_bracketed_without_mx_lookup()
    {
        var main = Parameters(PostfixRenderer.Render(Variations.Valid("relay-ipv6-may")));

        Assert.Equal("[2001:db8::25]:25", main["relayhost"]);
        Assert.False(main.ContainsKey("smtp_sasl_auth_enable"));
        Assert.False(main.ContainsKey("smtp_tls_CAfile"));
    }

    [Fact]
    public void Without_a_certificate_no_key_is_named()
    {
        var main = Parameters(PostfixRenderer.Render(Variations.Valid("smtp-only-no-tls")));

        Assert.Equal("none", main["smtpd_tls_security_level"]);
        Assert.False(main.ContainsKey("smtpd_tls_chain_files"));
    }

    [Fact]
    public void Trusted_ipv6_networks_are_bracketed()
    {
        var main = Parameters(PostfixRenderer.Render(Gen.Valid(Gen.Submission("m", s => s.TrustedNetworks = ["10.0.0.0/8", "2001:db8::/32", "[::1]/128"]))));

        Assert.Equal("10.0.0.0/8, [2001:db8::]/32, [::1]/128", main["mynetworks"]);
    }

    private static Dictionary<string, string> Parameters(RenderedConfig rendered) =>
        PostfixSyntax.MainCfParameters(rendered.MainCf).ToDictionary(p => p.Name, p => p.Value);
}
