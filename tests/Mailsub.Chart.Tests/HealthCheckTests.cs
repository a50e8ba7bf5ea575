using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mailsub.Core.Serialization;

namespace Mailsub.Chart.Tests;

/// <summary>
/// docs/argocd-health.lua run by the real Lua 5.4 interpreter (Debian lua5.4) the way Argo CD runs
/// it (the body of a function of `obj`, returning `hs`), and kstatus' rules, over the same status
/// fixtures: tests/status-fixtures/*.yaml, whole MailSubmissions as the real kube-apiserver returned
/// them after the operator wrote their status, kept as golden files by
/// tests/Mailsub.Operator.Tests/StatusFixtureTests.cs (which fails when the operator writes
/// something else, and says how to regenerate them). None is written by hand.
/// </summary>
public partial class HealthCheckTests
{
    private static readonly string[] FixtureDirectory = ["tests", "status-fixtures"];
    private static readonly string[] WriterSource = ["tests", "Mailsub.Operator.Tests", "StatusFixtureTests.cs"];

    /// <summary>Fixture, Argo CD health, kstatus status.</summary>
    public static TheoryData<string, string, string> Expectations => new()
    {
        { "healthy", "Healthy", "Current" },
        { "progressing-new-generation", "Progressing", "InProgress" },
        { "progressing-reconciling", "Progressing", "InProgress" },
        { "progressing-certificate-not-ready", "Progressing", "InProgress" },
        // kstatus compares generations only when status.observedGeneration exists: a resource the
        // operator has not seen yet is Current to it (Argo CD's script waits).
        { "progressing-no-status", "Progressing", "Current" },
        { "degraded-stalled-invalid-spec", "Degraded", "Failed" },
        { "degraded-stalled-users-missing", "Degraded", "Failed" },
        // A policy error the validator lets through (an open relay): Stalled, so Flux fails it too.
        { "degraded-stalled-policy", "Degraded", "Failed" },
    };

    private static JsonObject Fixture(string name) =>
        (JsonObject)YamlDocuments.Parse(File.ReadAllText(Tools.PathOf([.. FixtureDirectory, name + ".yaml"]))).Single()!;

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task Argo_cd_health_lua(string fixture, string health, string kstatus)
    {
        _ = kstatus;
        var (status, message) = await RunLuaAsync(Fixture(fixture));
        Assert.Equal(health, status);
        Assert.False(string.IsNullOrWhiteSpace(message), "the health message is empty");
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Kstatus_rules(string fixture, string health, string kstatus)
    {
        _ = health;
        Assert.Equal(kstatus, Kstatus.Compute(Fixture(fixture)));
    }

    /// <summary>
    /// Every fixture's first line names the StatusFixtureTests method that writes it (and that method
    /// exists and writes it), and the fixtures are exactly the rows of <see cref="Expectations"/>.
    /// </summary>
    [Fact]
    public void Every_fixture_says_where_it_comes_from_and_is_expected()
    {
        var source = File.ReadAllText(Tools.PathOf(WriterSource));
        var expected = Expectations.Select(row => (string)row[0]).ToHashSet();
        var found = new HashSet<string>();
        foreach (var file in Directory.GetFiles(Tools.PathOf(FixtureDirectory), "*.yaml"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            found.Add(name);
            var header = File.ReadLines(file).First();
            var writer = WriterRegex().Match(header);
            Assert.True(writer.Success,
                $"{file} must start with the line \"# REAL status, written by StatusFixtureTests.METHOD (tests/Mailsub.Operator.Tests/StatusFixtureTests.cs)...\"; found: {header}");
            var method = writer.Groups[1].Value;
            Assert.True(source.Contains($"public async Task {method}(", StringComparison.Ordinal),
                $"{file} names StatusFixtureTests.{method}, which does not exist");
            Assert.True(source.Contains($"StatusFixture.Check(\"{name}\", nameof({method})", StringComparison.Ordinal),
                $"{file} names StatusFixtureTests.{method}, which does not write it");
            Assert.Contains(name, expected);
        }
        Assert.Empty(expected.Except(found));
    }

    [GeneratedRegex(@"^# REAL status, written by StatusFixtureTests\.(\w+) \(tests/Mailsub\.Operator\.Tests/StatusFixtureTests\.cs\)")]
    private static partial Regex WriterRegex();

    private static async Task<(string Status, string Message)> RunLuaAsync(JsonObject obj)
    {
        var script = new StringBuilder()
            .Append("local function health(obj)\n")
            .Append(await File.ReadAllTextAsync(Tools.PathOf("docs", "argocd-health.lua")))
            .Append("\nend\nlocal hs = health(").Append(ToLua(obj)).Append(")\n")
            .Append("io.write(hs.status, \"\\n\", hs.message or \"\")\n")
            .ToString();
        var path = Path.Combine(Path.GetTempPath(), $"mailsub-health-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(path, script);
        try
        {
            var result = await Tools.RunAsync("lua5.4", [path]);
            Assert.True(result.ExitCode == 0, "lua5.4 (apt-get install lua5.4; hack/deps.sh) failed:\n" + result.Output);
            var lines = result.Stdout.Split('\n', 2);
            return (lines[0], lines.Length > 1 ? lines[1] : "");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A JSON value as a Lua table constructor (what Argo CD's gopher-lua hands the script).</summary>
    private static string ToLua(JsonNode? node) => node switch
    {
        null => "nil",
        JsonObject o => "{" + string.Join(", ", o.Select(p => $"[{Quote(p.Key)}] = {ToLua(p.Value)}")) + "}",
        JsonArray a => "{" + string.Join(", ", a.Select(ToLua)) + "}",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
        _ => node.ToJsonString(),
    };

    private static string Quote(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}

/// <summary>
/// kstatus' status computation for a custom resource (sigs.k8s.io/cli-utils/pkg/kstatus/status,
/// what Flux's health checks use): deletion -> Terminating; observedGeneration behind generation ->
/// InProgress; the first of Reconciling=True (InProgress) or Stalled=True (Failed) in condition
/// order; otherwise Current (kstatus reads no Ready condition for custom resources). The generation
/// check applies only when status.observedGeneration is present.
/// </summary>
public static class Kstatus
{
    public static string Compute(JsonObject obj)
    {
        if (obj["metadata"]?["deletionTimestamp"] is not null)
            return "Terminating";
        var generation = obj["metadata"]?["generation"]?.GetValue<long>();
        var status = obj["status"] as JsonObject;
        var observed = status?["observedGeneration"]?.GetValue<long>();
        if (observed is not null && generation is not null && observed != generation)
            return "InProgress";
        foreach (var condition in status?["conditions"]?.AsArray() ?? [])
        {
            var type = (string?)condition!["type"];
            var value = (string?)condition["status"];
            if (type == "Reconciling" && value == "True")
                return "InProgress";
            if (type == "Stalled" && value == "True")
                return "Failed";
        }
        return "Current";
    }
}
