using System.Diagnostics;
using Mailsub.Core.Rendering;
using Mailsub.Core.Tests;

namespace Mailsub.Rendering.PostfixTests;

/// <summary>Many generated resources through postconf: whatever the validator accepts, Postfix reads cleanly.</summary>
public class GeneratedSubmissionTests
{
    private const int Seed = 3707;
    private const int Count = 100;

    public GeneratedSubmissionTests() => PostfixCommands.RequireVersion37();

    [Fact]
    public void Postconf_reads_every_generated_configuration_without_a_warning()
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var index = 0;
        foreach (var valid in RandomSubmissions.Generate(Seed, Count))
        {
            using var tree = ConfigTree.Write(PostfixRenderer.Render(valid));
            var result = PostfixCommands.Postconf("-c", tree.Config, "-n");
            if (result.ExitCode != 0 || result.Stderr.Length > 0)
                failures.Add($"RandomSubmissions.Generate({Seed}, {Count}) #{index} ({valid.Name}):\n{result.Stderr}");
            index++;
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // 11 s measured on a busy shared 2-core machine. The bound leaves room for CI, but catches
        // postconf sleeping on freshly written files (see ConfigTree), which takes minutes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{Count} postconf runs took {clock.Elapsed.TotalSeconds:F1}s");
    }
}
