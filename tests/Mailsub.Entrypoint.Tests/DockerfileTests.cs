using System.Diagnostics;
using System.Text.RegularExpressions;
using Mailsub.Postfix;

namespace Mailsub.Entrypoint.Tests;

/// <summary>No container engine runs here, so the image is checked against the entrypoint it
/// packages: the programs it runs, its default paths, and what the image ships.</summary>
public class DockerfileTests
{
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "images", "postfix", "Dockerfile"));

    /// <summary>Which Debian package provides each program; Essential packages are in every image.</summary>
    private static readonly Dictionary<string, (string Package, bool Essential)> Providers = new()
    {
        ["postfix"] = ("postfix", false),
        ["postconf"] = ("postfix", false),
        ["postqueue"] = ("postfix", false),
        ["saslpasswd2"] = ("sasl2-bin", false),
        ["script"] = ("bsdutils", true),
        ["chgrp"] = ("coreutils", true),
    };

    private static string FinalStage => Dockerfile[Dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];

    /// <summary>The final stage installs the package list file it copies (hack/node/images.sh
    /// installs the same file without Docker).</summary>
    private static IReadOnlyList<string> InstalledPackages(string stage)
    {
        Assert.Contains("COPY images/postfix/packages.txt /tmp/packages.txt\n", stage);
        Assert.Contains("xargs -a /tmp/packages.txt env DEBIAN_FRONTEND=noninteractive apt-get install", stage);
        return File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "images", "postfix", "packages.txt"))
            .Where(line => line.Length > 0).ToArray();
    }

    [Fact]
    public void The_final_stage_is_bookworm_slim_with_postfix_preseeded_to_no_configuration()
    {
        Assert.StartsWith("\nFROM debian:bookworm-slim\n", FinalStage);
        Assert.Contains("postfix postfix/main_mailer_type select No configuration", FinalStage);
        Assert.Subset(InstalledPackages(FinalStage).ToHashSet(),
            new HashSet<string> { "postfix", "sasl2-bin", "libsasl2-modules", "ca-certificates" });
    }

    [Fact]
    public void Every_program_the_entrypoint_runs_comes_from_an_installed_or_essential_package()
    {
        var installed = InstalledPackages(FinalStage);
        foreach (var program in PostfixTools.Programs)
        {
            Assert.True(Providers.TryGetValue(program, out var provider), $"no known package provides {program}");
            Assert.True(provider.Essential || installed.Contains(provider.Package),
                $"{program} comes from {provider.Package}, which the image does not install");
        }
    }

    [Fact]
    public void The_package_map_matches_this_Debian_machine()
    {
        foreach (var (program, (package, _)) in Providers)
        {
            // With merged /usr, dpkg knows a program under the directory its package names.
            var owner = new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" }
                .Select(dir => Path.Combine(dir, program))
                .Where(File.Exists)
                .Select(DpkgOwner)
                .FirstOrDefault(o => o.Length > 0) ?? "";
            Assert.StartsWith($"{package}:", owner);
        }
    }

    [Fact]
    public void The_entrypoint_is_published_with_NativeAOT_and_started_under_tini()
    {
        Assert.Contains("dotnet publish src/Mailsub.Entrypoint -c Release -r linux-x64 -o /out", Dockerfile);
        Assert.Contains("COPY --from=build /out/mailsub-entrypoint /usr/local/bin/mailsub-entrypoint", FinalStage);
        Assert.Contains("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/usr/local/bin/mailsub-entrypoint\"]", FinalStage);
        Assert.Contains("tini", InstalledPackages(FinalStage));
    }

    [Fact]
    public void Postfix_commands_in_the_container_default_to_the_entrypoints_runtime_config()
    {
        var configLink = new StateLayout(EntrypointOptions.DefaultStateDir).ConfigLink;

        Assert.Contains($"ENV MAIL_CONFIG={configLink}\n", FinalStage);
    }

    [Fact]
    public void The_image_ships_no_config_or_secrets_of_its_own()
    {
        // Config, users and certificates arrive as mounts at the entrypoint's default paths,
        // so nothing may be baked in there, and the build copies only source.
        var copies = Regex.Matches(Dockerfile, @"^COPY .*$", RegexOptions.Multiline).Select(m => m.Value).ToArray();
        foreach (var mount in new[] { EntrypointOptions.DefaultConfigDir, EntrypointOptions.DefaultUsersDir,
                     EntrypointOptions.DefaultTlsDir, EntrypointOptions.DefaultStateDir, "/etc/postfix" })
        {
            Assert.DoesNotContain(copies, copy => copy.Contains(mount, StringComparison.Ordinal));
        }
        Assert.All(copies.Where(c => !c.Contains("--from=", StringComparison.Ordinal)),
            copy => Assert.Matches(@"^COPY (global\.json Directory\.Build\.props \./|src/(Mailsub\.Entrypoint|Mailsub\.Postfix)/ src/\2/|images/postfix/packages\.txt /tmp/packages\.txt)$", copy));
    }

    private static string DpkgOwner(string path)
    {
        var dpkg = Process.Start(new ProcessStartInfo("dpkg", ["-S", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var owner = dpkg.StandardOutput.ReadToEnd();
        dpkg.WaitForExit();
        return owner;
    }
}
