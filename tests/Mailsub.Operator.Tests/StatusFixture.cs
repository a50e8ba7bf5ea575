using System.Diagnostics;
using System.Text.Json.Nodes;
using Mailsub.Core.Serialization;
using Mailsub.Runtime.Kinds;

namespace Mailsub.Operator.Tests;

/// <summary>
/// Golden files of whole MailSubmission objects as the real kube-apiserver returns them after the
/// operator wrote their status: tests/status-fixtures/NAME.yaml, read by the Argo CD Lua and kstatus
/// checks in tests/Mailsub.Chart.Tests/HealthCheckTests.cs. Volatile fields get fixed values; the
/// first line names the test that writes the file. MAILSUB_UPDATE_GOLDEN=1 rewrites the files
/// instead of comparing, as the golden tests of tests/Mailsub.Core.Tests do.
/// </summary>
internal static class StatusFixture
{
    public const string Namespace = "mail";
    public const string Timestamp = "2026-01-01T00:00:00Z";
    public const string Uid = "00000000-0000-0000-0000-000000000000";
    public const string ResourceVersion = "1";
    /// <summary>status.configHash hashes the rendered files, whose header comments name the namespace.</summary>
    public const string ConfigHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private const string Regenerate =
        "MAILSUB_UPDATE_GOLDEN=1 dotnet test tests/Mailsub.Operator.Tests -c Release --filter FullyQualifiedName~StatusFixtureTests";

    public static bool Update => Environment.GetEnvironmentVariable("MAILSUB_UPDATE_GOLDEN") == "1";

    public static string PathOf(string name) => Path.Combine(RepositoryRoot.Path, "tests", "status-fixtures", name + ".yaml");

    /// <summary>
    /// Compares the normalised object with tests/status-fixtures/<paramref name="name"/>.yaml (or
    /// writes it under MAILSUB_UPDATE_GOLDEN=1). <paramref name="test"/> is the writing test's
    /// method name; <paramref name="description"/> says what state the object is in.
    /// </summary>
    public static void Check(string name, string test, string description, JsonObject submission, string ns)
    {
        var text = $"# REAL status, written by StatusFixtureTests.{test} (tests/Mailsub.Operator.Tests/StatusFixtureTests.cs): the in-process operator against the real kube-apiserver 1.20. Do not edit; regenerate with {Regenerate}\n"
            + string.Concat(description.Split('\n').Select(line => "# " + line + "\n"))
            + YamlWriter.Write(Normalise(submission, ns));
        var file = PathOf(name);
        if (Update)
        {
            File.WriteAllText(file, text);
            return;
        }
        Assert.True(File.Exists(file), $"{file} is missing: run {Regenerate} and commit the result");
        var expected = File.ReadAllText(file);
        if (expected != text)
        {
            var (want, got) = (expected.Split('\n'), text.Split('\n'));
            var line = Enumerable.Range(0, Math.Max(want.Length, got.Length))
                .First(i => i >= want.Length || i >= got.Length || want[i] != got[i]);
            Assert.Fail($"{file} is stale: the operator now writes a different object (first difference at line {line + 1}).\n"
                + $"  fixture:  {(line < want.Length ? want[line] : "(end of file)")}\n"
                + $"  operator: {(line < got.Length ? got[line] : "(end of file)")}\n"
                + $"Review the change, then regenerate with {Regenerate} and commit tests/status-fixtures/.\nThe whole object now:\n{text}");
        }
    }

    /// <summary>
    /// Fixed values for what differs between runs: uid, resourceVersion, creationTimestamp, the
    /// managedFields' times, every condition's lastTransitionTime, status.configHash (a SHA-256
    /// that depends on the namespace), and the test's namespace (also inside messages), which
    /// becomes <see cref="Namespace"/>.
    /// </summary>
    public static JsonObject Normalise(JsonObject submission, string ns)
    {
        var copy = (JsonObject)JsonNode.Parse(submission.ToJsonString().Replace(ns, Namespace, StringComparison.Ordinal))!;
        var metadata = (JsonObject)copy["metadata"]!;
        metadata["uid"] = Uid;
        metadata["resourceVersion"] = ResourceVersion;
        metadata["creationTimestamp"] = Timestamp;
        foreach (var entry in (metadata["managedFields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            entry["time"] = Timestamp;
        }
        if (copy["status"] is JsonObject status && status["configHash"] is not null)
        {
            Assert.Matches("^[0-9a-f]{64}$", (string?)status["configHash"]);
            status["configHash"] = ConfigHash;
        }
        foreach (var condition in (copy["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            condition["lastTransitionTime"] = Timestamp;
        }
        return copy;
    }

    /// <summary>
    /// The submission once <paramref name="condition"/> holds and its resourceVersion has not moved
    /// for <paramref name="quiet"/> (the operator has said all it has to say about this state).
    /// <paramref name="poke"/> runs on every poll (e.g. playing the kubelet).
    /// </summary>
    public static async Task<JsonObject> SettledAsync(Cluster cluster, string ns, string name, Func<JsonObject, bool> condition, string what,
        Func<Task>? poke = null, TimeSpan? quiet = null)
    {
        JsonObject? last = null;
        string? version = null;
        var unchanged = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () =>
        {
            if (poke is not null)
            {
                await poke();
            }
            last = await cluster.SubmissionAsync(ns, name);
            if (last is null || !condition(last))
            {
                version = null;
                return false;
            }
            var now = JsonPath.GetString(last, "metadata", "resourceVersion");
            if (now != version)
            {
                (version, unchanged) = (now, Stopwatch.StartNew());
                return false;
            }
            return unchanged.Elapsed >= (quiet ?? TimeSpan.FromSeconds(2));
        }, Scenario.Timeout, () => $"{what}, then no write for 2 s; last: {last?["status"]?.ToJsonString()}");
        return last!;
    }
}
