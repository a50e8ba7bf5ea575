using System.Text.RegularExpressions;

namespace Mailsub.Chart.Tests;

/// <summary>
/// images/operator/Dockerfile cannot be built here (no container engine), so its structure is
/// checked against the chart and the project it publishes: the paths, the user and the ports must
/// agree, and the final stage must hold no SDK. hack/node/images.sh builds this same final stage
/// for the end-to-end tests, which run the image.
/// </summary>
public partial class OperatorImageTests
{
    private static readonly string Dockerfile = File.ReadAllText(Tools.PathOf("images", "operator", "Dockerfile"));

    /// <summary>The lines of the last stage (from its FROM on), comments dropped.</summary>
    private static List<string> FinalStage()
    {
        var lines = Dockerfile.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var last = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        return lines[last..];
    }

    [Fact]
    public void Final_stage_has_no_sdk_and_runs_the_published_binary_as_the_charts_user()
    {
        var stage = FinalStage();
        Assert.DoesNotContain(stage, l => l.Contains("sdk", StringComparison.OrdinalIgnoreCase) || l.Contains("dotnet", StringComparison.Ordinal));
        // The one RUN installs the package list (hack/node/images.sh installs the same file without Docker).
        Assert.Contains("COPY images/operator/packages.txt /tmp/packages.txt", stage);
        Assert.Single(stage, l => l.StartsWith("RUN ", StringComparison.Ordinal));
        var copy = Assert.Single(stage, l => l.StartsWith("COPY --from=", StringComparison.Ordinal));
        var entrypoint = EntrypointRegex().Match(Assert.Single(stage, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal))).Groups[1].Value;
        Assert.Matches(@"^COPY --from=build /out/mailsub " + Regex.Escape(entrypoint) + "$", copy);

        // The published file name is the CLI project's AssemblyName, and the publish is NativeAOT.
        var csproj = File.ReadAllText(Tools.PathOf("src", "Mailsub.Cli", "Mailsub.Cli.csproj"));
        Assert.Contains("<AssemblyName>mailsub</AssemblyName>", csproj);
        Assert.Contains("<PublishAot>true</PublishAot>", csproj);
        Assert.Contains("RUN dotnet publish src/Mailsub.Cli ", Dockerfile);
        Assert.Matches(@"^CMD \[""run""\]$", stage.Single(l => l.StartsWith("CMD", StringComparison.Ordinal)));

        // Every project the CLI references, directly or not, is copied into the build stage.
        var pending = new Queue<string>(["Mailsub.Cli"]);
        var seen = new HashSet<string>();
        while (pending.TryDequeue(out var project))
        {
            if (!seen.Add(project))
                continue;
            Assert.Contains($"COPY src/{project}/ src/{project}/", Dockerfile);
            foreach (Match reference in ProjectReferenceRegex().Matches(File.ReadAllText(Tools.PathOf("src", project, project + ".csproj"))))
                pending.Enqueue(reference.Groups[1].Value);
        }
    }

    [Fact]
    public async Task User_and_ports_agree_with_the_chart()
    {
        var stage = FinalStage();
        var user = UserRegex().Match(Assert.Single(stage, l => l.StartsWith("USER ", StringComparison.Ordinal)));
        var rendered = await Rendered.TemplateAsync();
        var pod = rendered.Single("Deployment")["spec"]!["template"]!["spec"]!;
        Assert.Equal(user.Groups[1].Value, ((long)pod["securityContext"]!["runAsUser"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(user.Groups[2].Value, ((long)pod["securityContext"]!["runAsGroup"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEqual("0", user.Groups[1].Value);
        // The chart relies on the image's ENTRYPOINT (it sets args only).
        Assert.Null(pod["containers"]![0]!["command"]);
        var exposed = stage.Single(l => l.StartsWith("EXPOSE", StringComparison.Ordinal)).Split(' ')[1..].Select(long.Parse).Order();
        var ports = pod["containers"]![0]!["ports"]!.AsArray().Select(p => (long)p!["containerPort"]!).Order();
        Assert.Equal(exposed, ports);
    }

    [GeneratedRegex(@"^ENTRYPOINT \[""([^""]+)""\]$")]
    private static partial Regex EntrypointRegex();

    [GeneratedRegex(@"^USER (\d+):(\d+)$")]
    private static partial Regex UserRegex();

    [GeneratedRegex(@"<ProjectReference Include=""\.\./([^/]+)/")]
    private static partial Regex ProjectReferenceRegex();
}
