using Mailsub.Core.Api;
using Mailsub.Core.Serialization;

namespace Mailsub.Core.Tests.Serialization;

public class ManifestReaderTests
{
    private const string Header = "apiVersion: mailsub.dev/v1alpha1\nkind: MailSubmission\nmetadata:\n  name: m\n";

    [Fact]
    public void Reads_yaml_with_enums_lists_and_nested_objects()
    {
        var read = ManifestReader.ReadMailSubmission(Header + """
            spec:
              hostname: mail.example.com
              trustedNetworks: [10.0.0.0/8]
              auth:
                profile: Seed
              tls:
                minProtocol: TLSv1.3
                smtpSecurityLevel: encrypt
              allowMailToCommands: [alias]
            """);

        var spec = read.Resource!.Spec;
        Assert.Equal(AuthProfile.Seed, spec.Auth.Profile);
        Assert.Equal(TlsProtocol.TLSv1_3, spec.Tls.MinProtocol);
        Assert.Equal(SmtpTlsLevel.Encrypt, spec.Tls.SmtpSecurityLevel);
        Assert.Equal(["10.0.0.0/8"], spec.TrustedNetworks);
        Assert.Equal([MailToCommandsSource.Alias], spec.AllowMailToCommands);
    }

    [Fact]
    public void Reads_json_too()
    {
        var read = ManifestReader.ReadMailSubmission("""{"apiVersion":"mailsub.dev/v1alpha1","kind":"MailSubmission","metadata":{"name":"m"},"spec":{"hostname":"mail.example.com"}}""");

        Assert.Equal("mail.example.com", read.Resource!.Spec.Hostname);
    }

    [Fact]
    public void Absent_fields_take_the_defaults()
    {
        var spec = ManifestReader.ReadMailSubmission(Header + "spec:\n  hostname: mail.example.com\n").Resource!.Spec;

        Assert.Equal(["127.0.0.0/8", "::1/128"], spec.TrustedNetworks);
        Assert.Equal(3600, int.Parse(spec.Tls.SessionCacheTimeout.TrimEnd('s')));
        Assert.Equal(7, spec.Restrictions.Recipient.Count);
    }

    [Fact]
    public void Wrong_enum_value_lists_the_allowed_ones()
    {
        var error = ManifestReader.ReadMailSubmission(Header + "spec:\n  tls:\n    smtpSecurityLevel: required\n").Errors.Single();

        Assert.Equal("spec.tls.smtpSecurityLevel", error.Field);
        Assert.Contains("none, may, encrypt", error.Message);
    }

    [Fact]
    public void A_PROXY_protocol_version_alone_is_not_a_value()
    {
        var error = ManifestReader.ReadMailSubmission(Header + "spec:\n  listeners:\n    submission:\n      proxyProtocol: v2\n").Errors.Single();

        Assert.Equal("spec.listeners.submission.proxyProtocol", error.Field);
        Assert.Contains("None, V1V2", error.Message);
    }

    [Fact]
    public void Wrong_type_names_the_expected_type()
    {
        var error = ManifestReader.ReadMailSubmission(Header + "spec:\n  workload:\n    replicas: two\n").Errors.Single();

        Assert.Equal("spec.workload.replicas", error.Field);
        Assert.Equal("wrong type: expected an integer", error.Message);
    }

    [Fact]
    public void Quoted_numbers_stay_strings()
    {
        var error = ManifestReader.ReadMailSubmission(Header + "spec:\n  listeners:\n    smtp:\n      port: \"25\"\n").Errors.Single();

        Assert.Equal("spec.listeners.smtp.port", error.Field);
    }

    [Fact]
    public void Syntax_errors_name_the_line()
    {
        var error = ManifestReader.ReadMailSubmission("a: [\n").Errors.Single();

        Assert.StartsWith("not valid YAML: line", error.Message);
    }
}
