using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mailsub.Cli.Tests;

/// <summary>The NativeAOT binary end to end: rendering, lint exit codes, the CRD, bad input.</summary>
public class CliTests
{
    [Fact]
    public void Crd_prints_the_committed_crd()
    {
        var (code, stdout, _) = MailsubBinary.Run("crd");

        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(Path.Combine(MailsubBinary.Root, "crds", "mailsub.dev_mailsubmissions.yaml")), stdout);
    }

    [Fact]
    public void Docs_prints_the_committed_reference()
    {
        var (code, stdout, _) = MailsubBinary.Run("docs");

        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(Path.Combine(MailsubBinary.Root, "docs", "reference.md")), stdout);
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("modern")]
    [InlineData("dkim")]
    public void Render_writes_the_manifests_and_the_golden_postfix_files(string sample)
    {
        using var output = new TempDirectory();

        var (code, _, stderr) = MailsubBinary.Run("render", "-f", $"samples/{sample}.yaml", "-o", output.Path);

        Assert.True(code == 0, stderr);
        var files = sample == "dkim" ? ["main.cf", "master.cf", "smtpd.conf", "opendkim.conf", "KeyTable", "SigningTable"] : new[] { "main.cf", "master.cf", "smtpd.conf" };
        Assert.Equal(files.Order(StringComparer.Ordinal), Directory.GetFiles(Path.Combine(output.Path, "postfix")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            var golden = File.ReadAllText(Path.Combine(MailsubBinary.Root, "tests", "Mailsub.Core.Tests", "Rendering", "testdata", $"{sample}.{file}.golden"));
            Assert.Equal(golden, File.ReadAllText(Path.Combine(output.Path, "postfix", file)));
        }
        var written = Directory.GetFiles(output.Path).Select(Path.GetFileName).ToList();
        Assert.Contains($"configmap-{sample}-postfix.yaml", written);
        Assert.Contains($"deployment-{sample}-postfix.yaml", written);
        Assert.DoesNotContain(written, f => f!.StartsWith("secret-", StringComparison.Ordinal));
        Assert.Contains($"left out: Secret {sample}-users", stderr);
    }

    [Fact]
    public void Render_to_stdout_prints_every_manifest_but_the_users_Secret_and_says_why_and_what_must_exist_first()
    {
        var (code, stdout, stderr) = MailsubBinary.Run("render", "-f", "samples/modern.yaml");

        Assert.Equal(0, code);
        foreach (var kind in new[] { "ConfigMap", "Certificate", "Deployment", "Service", "PodDisruptionBudget" })
            Assert.Contains($"kind: {kind}\n", stdout);
        // The CLI has no password to put in it: `kubectl apply` of a placeholder would make it one.
        Assert.DoesNotContain("kind: Secret\n", stdout);
        Assert.Equal(
            [
                "left out: Secret modern-users, every user's password, which the Deployment mounts. The operator writes it when it "
                    + "reconciles, from the Secrets below and the passwords it generates for bob (into Secret modern-generated-passwords); "
                    + "this command reads no Secrets, so it has no password to put there.",
                "must exist before the pods can start:",
                "  Secret mail/alice-password (spec.auth.users[0].passwordSecretRef): key password: alice's password",
                "  ClusterIssuer letsencrypt (spec.tls.issuerRef): cert-manager (cert-manager.io) issues the server certificate with it",
            ],
            stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Render_leaves_the_DKIM_keys_out_and_names_the_records_to_publish()
    {
        var (code, stdout, stderr) = MailsubBinary.Run("render", "-f", "samples/dkim.yaml");

        Assert.Equal(0, code);
        Assert.DoesNotContain("kind: Secret\n", stdout);
        Assert.DoesNotContain("PRIVATE KEY", stdout + stderr);
        Assert.Contains("--dkim", stdout);
        Assert.Contains("left out: Secret dkim-dkim, the DKIM private keys the Deployment mounts", stderr);
        Assert.Contains("  mail2026._domainkey.example.com TXT \"v=DKIM1; k=rsa; p=<the public key of the key the operator generates>\" (signing)\n", stderr);
    }

    [Fact]
    public void Render_names_the_TLS_Secret_of_tls_secretName_as_one_to_create_first()
    {
        var (code, _, stderr) = MailsubBinary.Run("render", "-f", "samples/seed.yaml");

        Assert.Equal(0, code);
        Assert.Contains("  Secret mail/mail-example-net-tls (spec.tls.secretName): tls.crt and tls.key (type kubernetes.io/tls): the server certificate\n", stderr);
    }

    [Fact]
    public void Invalid_input_exits_2_names_the_field_and_writes_nothing()
    {
        using var output = new TempDirectory();
        var target = Path.Combine(output.Path, "out");

        var (code, stdout, stderr) = MailsubBinary.Run("render", "-f", "tests/Mailsub.Core.Tests/Validation/bad/user-name-newline.yaml", "-o", target);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("spec.auth.users[0].name:", stderr);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void Lint_exits_0_on_warnings_and_1_on_an_open_relay()
    {
        var (seedCode, seedOut, _) = MailsubBinary.Run("lint", "-f", "samples/seed.yaml");
        Assert.Equal(0, seedCode);
        Assert.Contains("LegacyAuthMechanism", seedOut);
        Assert.EndsWith("\npolicy: Warning\n", seedOut);

        using var dir = new TempDirectory();
        var open = Path.Combine(dir.Path, "open.yaml");
        File.WriteAllText(open, """
            apiVersion: mailsub.dev/v1alpha1
            kind: MailSubmission
            metadata: {name: open, namespace: mail}
            spec:
              hostname: mail.example.com
              tls: {secretName: mail-tls}
              listeners: {smtp: {enabled: true}}
              restrictions:
                relay: [permit, reject_unauth_destination]
                recipient: [permit]
            """);
        var (openCode, openOut, _) = MailsubBinary.Run("lint", "-f", open);
        Assert.Equal(1, openCode);
        Assert.Contains("OpenRelay", openOut);
    }

    [Fact]
    public void Lint_prints_tables_with_a_header_and_each_finding_at_its_spec_field_with_the_rendered_location_as_detail()
    {
        var (code, stdout, _) = MailsubBinary.Run("lint", "-f", "samples/seed.yaml");

        Assert.Equal(0, code);
        var lines = stdout.Split('\n');
        Assert.Matches("^FIELD +SEVERITY +CODE +RENDERED +MESSAGE$", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^spec\.auth\.profile +warning +LegacyAuthMechanism +smtpd\.conf/mech_list +\S"));
        // The message column starts where the header's does.
        var message = lines[0].IndexOf("MESSAGE", StringComparison.Ordinal);
        Assert.All(lines.Skip(1).TakeWhile(l => l.Length > 0), l => Assert.NotEqual(' ', l[message]));
        Assert.Contains(lines, l => Regex.IsMatch(l, "^CONDITION +STATUS +REASON$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, "^AuthProtected +True +LegacyAuthMechanism$"));
    }

    [Fact]
    public void Lint_o_json_gives_CI_the_policy_the_findings_and_the_conditions()
    {
        var (code, stdout, _) = MailsubBinary.Run("lint", "-f", "samples/seed.yaml", "-o", "json");

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("Warning", (string?)json["policy"]);
        var legacy = Assert.Single(json["findings"]!.AsArray(), f => (string?)f!["code"] == "LegacyAuthMechanism")!;
        Assert.Equal(("spec.auth.profile", "warning", "AuthProtected", "smtpd.conf/mech_list"),
            ((string?)legacy["field"], (string?)legacy["severity"], (string?)legacy["condition"], (string?)legacy["rendered"]));
        Assert.Contains("CRAM-MD5", (string?)legacy["message"]);
        Assert.Equal(["RelayProtected", "AuthProtected", "TLSReady", "ConfigValid"], json["conditions"]!.AsArray().Select(c => (string?)c!["type"]));
    }

    [Fact]
    public void Lint_exits_2_on_invalid_input_says_why_for_lint_and_o_json_lists_the_errors()
    {
        const string bad = "tests/Mailsub.Core.Tests/Validation/bad/extra-key-reserved.yaml";
        var (code, stdout, stderr) = MailsubBinary.Run("lint", "-f", bad);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("extra-key-reserved.yaml: 1 error; the policy analysis needs a valid spec. Fix the fields named above and run again.", stderr);

        var (jsonCode, json, _) = MailsubBinary.Run("lint", "-f", bad, "-o", "json");
        Assert.Equal(2, jsonCode);
        var parsed = JsonNode.Parse(json)!;
        Assert.Equal("Unknown", (string?)parsed["policy"]);
        var error = Assert.Single(parsed["errors"]!.AsArray())!;
        Assert.StartsWith("spec.extraConfig", (string?)error["field"]);
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
    }

    [Fact]
    public void Missing_file_exits_2_with_a_message()
    {
        var (code, _, stderr) = MailsubBinary.Run("render", "-f", "no/such/file.yaml");

        Assert.Equal(2, code);
        Assert.Contains("cannot read", stderr);
    }
}

internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mailsub-cli-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
