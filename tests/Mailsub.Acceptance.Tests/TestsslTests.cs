using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>
/// samples/modern.yaml as rendered, so the default profile (Intermediate) and the default key
/// (ECDSA P-256), scanned by testssl on 587 after STARTTLS and on 465 from the first byte: nothing
/// rated below OK, where before the profiles both ports had "Anonymous NULL Ciphers offered (NOT
/// ok)" and "Obsolete CBC ciphers offered".
/// </summary>
[Collection(PostfixCollection.Name)]
public sealed class TestsslTests(ModernSampleWithPort25 sample, ITestOutputHelper output) : IClassFixture<ModernSampleWithPort25>
{
    /// <summary>Checks the issue names, by testssl 3.0.8's ids: they must have run, not only passed.</summary>
    private static readonly string[] Required = ["SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3",
        "cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA", "cipherlist_AVERAGE", "cipherlist_STRONG",
        "cipher_order", "PFS", "PFS_ciphers"];

    [Theory]
    [InlineData(587)]
    [InlineData(465)]
    public async Task Testssl_rates_nothing_below_ok_on_the_default_profile(int port)
    {
        var scan = await Testssl.ScanAsync(sample.Postfix.Host, sample.Postfix.Port(port), startTls: port != 465);

        output.WriteLine($"testssl on {port}: {scan.Took.TotalSeconds:0.0} s, {scan.Findings.Count} findings");
        foreach (var finding in scan.Findings)
            output.WriteLine(finding.ToString());
        var missing = Required.Where(id => scan.Findings.All(f => f.Id != id)).ToList();
        Assert.True(missing.Count == 0, $"testssl on {port} did not report {string.Join(", ", missing)}\n{scan.Transcript}");
        var below = scan.Findings.Where(f => !Testssl.Passing.Contains(f.Severity)).ToList();
        Assert.True(below.Count == 0, $"testssl on {port} rated below OK:\n{string.Join('\n', below)}\n{scan.Transcript}\n{sample.Postfix.Describe()}");
    }
}
