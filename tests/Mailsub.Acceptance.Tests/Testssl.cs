using System.Diagnostics;
using System.Text.Json;
using Mailsub.Testing.Postfix;

namespace Mailsub.Acceptance.Tests;

/// <summary>One line of testssl's --jsonfile: the check's id, its rating and what it found.</summary>
internal sealed record TestsslFinding(string Id, string Severity, string Finding)
{
    public override string ToString() => $"{Id} [{Severity}] {Finding}";
}

/// <summary>
/// Debian's testssl 3.0.8 (package testssl.sh), a TLS scanner no one here wrote, run against one
/// loopback port: protocols (-p), cipher categories (-s), server cipher preference (-P) and
/// forward secrecy (-f). No DNS (--nodns none: the target is an address) and no colour; the
/// ratings come from its machine-readable file, not its text.
/// </summary>
internal sealed record Testssl(IReadOnlyList<TestsslFinding> Findings, TimeSpan Took, string Transcript)
{
    /// <summary>testssl's ratings better than "NOT ok" and its kin: OK, INFO, and its own DEBUG.</summary>
    public static readonly string[] Passing = ["OK", "INFO", "DEBUG"];

    public static async Task<Testssl> ScanAsync(string host, int port, bool startTls)
    {
        var dir = Directory.CreateTempSubdirectory("mailsub-testssl-").FullName;
        try
        {
            var json = Path.Combine(dir, "scan.json");
            var start = new ProcessStartInfo(Prerequisites.Find("testssl"))
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = dir,
            };
            List<string> arguments = ["--nodns", "none", "--color", "0", "--warnings", "batch", "-p", "-s", "-P", "-f", "--jsonfile", json];
            if (startTls)
                arguments.AddRange(["--starttls", "smtp"]);
            arguments.Add($"{host}:{port}");
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            var started = Stopwatch.StartNew();
            using var testssl = Process.Start(start)!;
            testssl.StandardInput.Close();
            var stdout = testssl.StandardOutput.ReadToEndAsync();
            var stderr = testssl.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(LoadAllowance.For(TimeSpan.FromSeconds(120)));
            try
            {
                await testssl.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                testssl.Kill(entireProcessTree: true);
                throw new TimeoutException($"testssl {string.Join(' ', arguments)} did not finish in time\n{await stdout}{await stderr}");
            }
            var transcript = $"$ testssl {string.Join(' ', arguments)}\n{await stdout}{await stderr}";
            Assert.True(File.Exists(json), $"testssl wrote no {json} (exit {testssl.ExitCode})\n{transcript}");
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var findings = document.RootElement.EnumerateArray()
                .Select(e => new TestsslFinding(Text(e, "id"), Text(e, "severity"), Text(e, "finding")))
                .ToList();
            return new Testssl(findings, started.Elapsed, transcript);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
