using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Mailsub.Testing.Smtp;

/// <summary>Debian's python3-dkim (dkimpy), a DKIM verifier no one here wrote, with its DNS lookup
/// answered from the records the test passes (those in status), never from the network. Shared by
/// the acceptance tests (loopback) and the end-to-end tests (a pod on the node).</summary>
public static class DkimVerifier
{
    // smtp-sink writes LF line ends; DKIM hashes the message as sent, with CRLF.
    private const string Script = """
        import json, re, sys, dkim
        records = json.loads(sys.argv[2])
        def lookup(name, timeout=5):
            value = records.get(name.decode().rstrip("."))
            return value.encode() if value is not None else None
        message = re.sub(rb"(?<!\r)\n", b"\r\n", open(sys.argv[1], "rb").read())
        print("pass" if dkim.verify(message, dnsfunc=lookup) else "fail")
        """;

    // A JsonObject, not JsonSerializer: this library is built trim-safe.
    private static string RecordsJson(IReadOnlyDictionary<string, string> records) =>
        new JsonObject(records.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)JsonValue.Create(r.Value)))).ToJsonString();

    /// <summary>True when dkimpy accepts the message's first DKIM-Signature.</summary>
    public static async Task<bool> VerifyAsync(string message, IReadOnlyDictionary<string, string> records)
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, message);
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-c", Script, path, RecordsJson(records) })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)
                ?? throw new InvalidOperationException("python3 did not start (apt-get install python3-dkim; hack/deps.sh does it)");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var verdict = (await output).Trim();
            if (process.ExitCode != 0 || verdict is not ("pass" or "fail"))
                throw new InvalidOperationException($"dkimpy failed (status {process.ExitCode}): {verdict} {await errors}");
            return verdict == "pass";
        }
        finally
        {
            File.Delete(path);
        }
    }
}
