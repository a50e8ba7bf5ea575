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
    public void Render_writes_the_manifests_and_the_golden_postfix_files(string sample)
    {
        using var output = new TempDirectory();

        var (code, _, stderr) = MailsubBinary.Run("render", "-f", $"samples/{sample}.yaml", "-o", output.Path);

        Assert.True(code == 0, stderr);
        foreach (var file in new[] { "main.cf", "master.cf", "smtpd.conf" })
        {
            var golden = File.ReadAllText(Path.Combine(MailsubBinary.Root, "tests", "Mailsub.Core.Tests", "Rendering", "testdata", $"{sample}.{file}.golden"));
            Assert.Equal(golden, File.ReadAllText(Path.Combine(output.Path, "postfix", file)));
        }
        Assert.Contains($"configmap-{sample}-postfix.yaml", Directory.GetFiles(output.Path).Select(Path.GetFileName));
        Assert.Contains($"deployment-{sample}-postfix.yaml", Directory.GetFiles(output.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Render_to_stdout_prints_every_manifest()
    {
        var (code, stdout, _) = MailsubBinary.Run("render", "-f", "samples/modern.yaml");

        Assert.Equal(0, code);
        foreach (var kind in new[] { "ConfigMap", "Secret", "Certificate", "Deployment", "Service", "PodDisruptionBudget" })
            Assert.Contains($"kind: {kind}\n", stdout);
        Assert.DoesNotContain("password-of", stdout);
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
        Assert.Contains("policy\tWarning", seedOut);

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
    public void Lint_exits_2_on_invalid_input()
    {
        Assert.Equal(2, MailsubBinary.Run("lint", "-f", "tests/Mailsub.Core.Tests/Validation/bad/extra-key-reserved.yaml").ExitCode);
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
