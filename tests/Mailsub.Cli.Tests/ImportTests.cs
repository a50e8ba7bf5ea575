using System.Text.Json.Nodes;

namespace Mailsub.Cli.Tests;

/// <summary>`mailsub import` through the NativeAOT binary: the seed tutorial's files in, a resource that `lint` accepts out.</summary>
public class ImportTests
{
    private const string Tutorial = "tests/Mailsub.Core.Tests/Policy/Fixtures/tutorial";

    [Fact]
    public void The_tutorial_imports_to_a_resource_on_stdout_with_the_findings_on_stderr_that_lint_accepts()
    {
        var (code, stdout, stderr) = MailsubBinary.Run("import", "-f", $"{Tutorial}/main.cf", "--master", $"{Tutorial}/master.cf", "--sasl", $"{Tutorial}/smtpd.conf", "-n", "mail");

        Assert.True(code == 0, stderr);
        Assert.Contains("kind: MailSubmission\n", stdout);
        Assert.Contains("  name: mail-example-net\n  namespace: mail\n", stdout);
        Assert.Contains("    profile: Seed\n", stdout);
        // The table lint prints, with the hand-written location as detail.
        Assert.Matches(@"^FIELD +SEVERITY +CODE +SOURCE +MESSAGE\n", stderr);
        Assert.Matches(@"\nspec.auth.profile +warning +LegacyAuthMechanism +smtpd.conf/mech_list ", stderr);
        Assert.Matches(@"\nspec.auth.profile +warning +ImportTrap +smtpd_sasl_tls_security_options ", stderr);
        Assert.Contains("0 errors", stderr);

        using var dir = new TempDirectory();
        var imported = Path.Combine(dir.Path, "imported.yaml");
        File.WriteAllText(imported, stdout);
        var (lintCode, lintOut, lintErr) = MailsubBinary.Run("lint", "-f", imported);
        Assert.True(lintCode == 0, lintOut + lintErr);
    }

    [Fact]
    public void Import_o_json_is_one_object_with_the_resource_and_the_findings()
    {
        var (code, stdout, _) = MailsubBinary.Run("import", "-f", $"{Tutorial}/main.cf", "--name", "seed", "-o", "json");

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("seed", (string?)json["resource"]!["metadata"]!["name"]);
        var findings = json["findings"]!.AsArray();
        var trap = findings.Single(f => (string?)f!["code"] == "ImportTrap" && (string?)f["source"] == "smtpd_sasl_tls_security_options")!;
        Assert.Equal("warning", (string?)trap["severity"]);
        Assert.Null(trap["condition"]);
        Assert.Contains(findings, f => (string?)f!["code"] == "DeprecatedParameter" && (string?)f["condition"] == "ConfigValid");
    }

    [Fact]
    public void Import_exits_1_on_an_error_finding_and_2_on_a_file_it_cannot_read()
    {
        using var dir = new TempDirectory();
        var main = Path.Combine(dir.Path, "main.cf");
        File.WriteAllText(main, "myhostname = mail.example.com\nmynetworks = hash:/etc/postfix/network_table\n");

        var (code, stdout, stderr) = MailsubBinary.Run("import", "-f", main);
        Assert.Equal(1, code);
        Assert.Contains("kind: MailSubmission\n", stdout);
        Assert.Matches(@"\nspec.trustedNetworks +error +NotImported +mynetworks ", stderr);

        var (missingCode, missingOut, missingErr) = MailsubBinary.Run("import", "-f", Path.Combine(dir.Path, "absent.cf"));
        Assert.Equal(2, missingCode);
        Assert.Equal("", missingOut);
        Assert.Contains("cannot read", missingErr);
    }
}
