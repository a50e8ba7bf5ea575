using Mailsub.Core.Api;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Validation;

public class SubmissionValidatorTests
{
    [Theory]
    [MemberData(nameof(Samples.Names), MemberType = typeof(Samples))]
    public void Samples_are_valid(string sample)
    {
        var result = SubmissionValidator.Validate(Samples.Read(sample));
        Assert.True(result.Valid is not null, result.ToString());
    }

    [Fact]
    public void Minimal_resource_gets_the_documented_defaults()
    {
        var valid = Gen.Valid(Gen.Submission("m"));

        Assert.Equal("example.com", valid.Domain);
        Assert.Equal(["mail.example.com"], valid.DnsNames);
        Assert.Equal([new Listener(ListenerKind.Submissions, 465), new Listener(ListenerKind.Submission, 587)], valid.Listeners);
        Assert.Equal(["127.0.0.0/8", "::1/128"], valid.Spec.TrustedNetworks);
        Assert.Equal(AuthProfile.Modern, valid.Spec.Auth.Profile);
        Assert.Equal("$myhostname", valid.Spec.Auth.LocalDomain);
        Assert.Equal(TlsSource.Secret, valid.TlsSource);
    }

    [Fact]
    public void A_listener_given_in_part_keeps_its_own_defaults()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Listeners.Submission = new ListenerSpec { Port = 2587 },
            s => s.Listeners.Smtp = new ListenerSpec { Enabled = true }));

        Assert.Contains(new Listener(ListenerKind.Submission, 2587), valid.Listeners);
        Assert.Contains(new Listener(ListenerKind.Smtp, 25), valid.Listeners);
    }

    [Fact]
    public void Two_label_hostname_is_its_own_domain()
    {
        Assert.Equal("example.com", Gen.Valid(Gen.Submission("m", s => s.Hostname = "example.com")).Domain);
    }

    [Theory]
    [InlineData(8025, "health")]
    [InlineData(19587, "queue handoff")]
    public void A_listener_cannot_take_a_port_the_pod_uses_itself(int port, string use)
    {
        var result = SubmissionValidator.Validate(Gen.Submission("m", s => s.Listeners = new ListenersSpec { Submission = new ListenerSpec { Port = port } }));

        var error = Assert.Single(result.Errors);
        Assert.Equal("spec.listeners.submission.port", error.Field.ToString());
        Assert.Contains($"{port} is the pod's own {use} port", error.Message);
    }

    [Fact]
    public void PROXY_protocol_on_a_disabled_listener_is_an_error()
    {
        var result = SubmissionValidator.Validate(Gen.Submission("m", s => s.Listeners.Smtp = new ListenerSpec { ProxyProtocol = ProxyProtocol.V1V2 }));

        var error = Assert.Single(result.Errors);
        Assert.Equal("spec.listeners.smtp.proxyProtocol", error.Field.ToString());
        Assert.Contains("V1V2 is set on a disabled listener", error.Message);
    }

    [Fact]
    public void PROXY_protocol_is_per_listener_and_off_by_default()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Listeners.Submissions = new ListenerSpec { ProxyProtocol = ProxyProtocol.V1V2 }));

        Assert.Equal([(465, ProxyProtocol.V1V2), (587, ProxyProtocol.None)], valid.Listeners.Select(l => (l.Port, l.ProxyProtocol)));
    }

    [Fact]
    public void Plaintext_only_listener_needs_no_certificate()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Tls = new TlsSpec { SmtpSecurityLevel = SmtpTlsLevel.None },
            s => s.Listeners = new ListenersSpec
            {
                Submission = new ListenerSpec { Enabled = false },
                Submissions = new ListenerSpec { Enabled = false },
                Smtp = new ListenerSpec { Enabled = true },
            }));

        Assert.Equal(TlsSource.None, valid.TlsSource);
    }

    [Fact]
    public void IPv6_and_IPv4_networks_are_accepted()
    {
        Gen.Valid(Gen.Submission("m", s => s.TrustedNetworks = ["192.0.2.0/24", "2001:db8::/32", "[::1]/128"]));
    }

    [Theory]
    [InlineData("10.0.0.1", "\"10.0.0.1\" is not a CIDR: give a prefix length, e.g. \"10.0.0.1/32\" for this one host")]
    [InlineData("2001:db8::1", "\"2001:db8::1\" is not a CIDR: give a prefix length, e.g. \"2001:db8::1/128\" for this one host")]
    // Not an address: appending a prefix length would not help, so no such advice.
    [InlineData("not-a-cidr", "\"not-a-cidr\" is not a CIDR: give a network address and a prefix length, such as 192.0.2.0/24, 2001:db8::/32, or 192.0.2.10/32 for one host")]
    public void A_network_without_a_prefix_length_gets_advice_that_fits(string entry, string message)
    {
        var error = Assert.Single(SubmissionValidator.Validate(Gen.Submission("m", s => s.TrustedNetworks = [entry])).Errors);

        Assert.Equal(("spec.trustedNetworks[0]", message), (error.Field, error.Message));
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var result = SubmissionValidator.Validate(Gen.Submission("m", s => s.Hostname = "x", s => s.TrustedNetworks = ["nope"]));

        Assert.Equal(["spec.hostname", "spec.trustedNetworks[0]"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Errors_quote_control_characters_escaped()
    {
        var result = SubmissionValidator.Validate(Gen.Submission("m", s => s.Hostname = "a\nb"));

        Assert.Contains("a\\u000ab", result.ToString());
    }

    [Fact]
    public void Every_Secret_name_follows_one_rule()
    {
        var tooLong = new string('a', 254);
        var result = SubmissionValidator.Validate(Gen.Submission("m",
            s => s.Tls = new TlsSpec { SecretName = tooLong },
            s => s.Auth.Users[0].PasswordSecretRef = new SecretKeyReference { Name = tooLong },
            s => s.RelayHost = new RelayHostSpec { Host = "smtp.example.com", CredentialsSecretRef = new SecretReference { Name = tooLong } }));

        Assert.Equal(["spec.auth.users[0].passwordSecretRef.name", "spec.tls.secretName", "spec.relayHost.credentialsSecretRef.name"],
            result.Errors.Select(e => e.Field));
        Assert.All(result.Errors, e => Assert.EndsWith("is not a Secret name", e.Message));
    }

    [Fact]
    public void Errors_say_whether_a_value_is_missing_wrong_or_repeated()
    {
        var result = SubmissionValidator.Validate(Gen.Submission("m", s => s.Hostname = "",
            s => s.TrustedNetworks = ["10.0.0.0/8", "nope", "10.0.0.0/8"],
            s => s.Auth.Users = [new UserSpec { Name = "alice" }, new UserSpec { Name = "alice" }]));

        Assert.Equal(
            [
                (FieldErrorType.Required, "spec.hostname"),
                (FieldErrorType.Invalid, "spec.trustedNetworks[1]"),
                (FieldErrorType.Duplicate, "spec.trustedNetworks[2]"),
                (FieldErrorType.Duplicate, "spec.auth.users[1].name"),
            ],
            result.Errors.Select(e => (e.Type, e.Field)));
        Assert.Equal("\"alice\" is already spec.auth.users[0]", result.Errors[^1].Message);
    }

    [Fact]
    public void A_repeated_enum_value_is_quoted_as_written()
    {
        var result = SubmissionValidator.Validate(Gen.Submission("m", s => s.AllowMailToCommands = [MailToCommandsSource.Alias, MailToCommandsSource.Alias]));

        Assert.Equal("spec.allowMailToCommands[1]: \"alias\" is listed twice", result.ToString());
    }
}
