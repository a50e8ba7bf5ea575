using System.Diagnostics;
using Mailsub.Testing.Postfix;

namespace Mailsub.Acceptance.Tests;

/// <summary>What one <c>openssl s_client</c> handshake agreed on, or why there was none.</summary>
internal sealed record OpenSslHandshake(string? Protocol, string? Cipher, string Transcript)
{
    public bool Succeeded => Cipher is not null;

    /// <summary>The server ended the handshake with an alert (40 handshake failure, 70 protocol version).</summary>
    public bool ServerAlerted => Transcript.Contains("SSL alert number", StringComparison.Ordinal);

    /// <summary>
    /// One handshake with the client offering only <paramref name="ciphers"/> (TLSv1.2 and older:
    /// an OpenSSL cipher string) or only <paramref name="tls13Suites"/> (TLSv1.3), at security
    /// level 0, so that the client allows whatever the server might accept. Port 587 and 25 say
    /// STARTTLS first; 465 speaks TLS from the first byte.
    /// </summary>
    public static async Task<OpenSslHandshake> RunAsync(string host, int port, bool startTls, string protocol,
        string? ciphers = null, string? tls13Suites = null)
    {
        var start = new ProcessStartInfo(Prerequisites.Find("openssl"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var arguments = new List<string> { "s_client", "-connect", $"{host}:{port}", "-brief", $"-{protocol}", "-servername", "mail.example.com" };
        if (startTls)
            arguments.AddRange(["-starttls", "smtp"]);
        if (ciphers is not null)
            arguments.AddRange(["-cipher", ciphers + ":@SECLEVEL=0"]);
        if (tls13Suites is not null)
            arguments.AddRange(["-ciphersuites", tls13Suites]);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var openssl = Process.Start(start)!;
        openssl.StandardInput.Close();
        var stdout = openssl.StandardOutput.ReadToEndAsync();
        var stderr = openssl.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await openssl.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            openssl.Kill();
            throw new TimeoutException($"openssl {string.Join(' ', arguments)} did not finish in 20 s");
        }
        var transcript = $"$ openssl {string.Join(' ', arguments)}\n{await stdout}{await stderr}";
        // -brief prints "Protocol version: TLSv1.2" and "Ciphersuite: ECDHE-RSA-AES128-GCM-SHA256" once the handshake is done.
        string? Field(string name) => transcript.Split('\n')
            .Where(l => l.StartsWith(name + ": ", StringComparison.Ordinal))
            .Select(l => l[(name.Length + 2)..].Trim())
            .FirstOrDefault();
        return new OpenSslHandshake(Field("Protocol version"), Field("Ciphersuite"), transcript);
    }
}
