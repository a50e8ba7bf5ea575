using Mailsub.Core.Api;
using Mailsub.Core.Rendering;
using Mailsub.Testing.Postfix;
using Xunit.Abstractions;

namespace Mailsub.Acceptance.Tests;

/// <summary>samples/modern.yaml with port 25, once per spec.tls.profile and certificate key:
/// an RSA key makes DHE-RSA and static RSA possible at all, so their refusal means something.</summary>
public sealed class TlsProfileInstances : IAsyncLifetime
{
    private readonly Dictionary<string, PostfixInstance> _instances = [];

    /// <summary>Name: the profile, its minProtocol, and the certificate key.</summary>
    public static readonly (string Name, TlsProfile Profile, TlsProtocol MinProtocol, bool Rsa)[] Cases =
    [
        ("Intermediate/ECDSA", TlsProfile.Intermediate, TlsProtocol.TLSv1_2, false),
        ("Intermediate/RSA", TlsProfile.Intermediate, TlsProtocol.TLSv1_2, true),
        ("Modern/ECDSA", TlsProfile.Modern, TlsProtocol.TLSv1_2, false),
        ("Legacy/RSA", TlsProfile.Legacy, TlsProtocol.TLSv1, true),
    ];

    public PostfixInstance this[string name] => _instances[name];

    public async Task InitializeAsync()
    {
        foreach (var (name, profile, minProtocol, rsa) in Cases)
        {
            var resource = Samples.Read("modern").WithSmtpListener();
            resource.Spec.Tls.Profile = profile;
            resource.Spec.Tls.MinProtocol = minProtocol;
            _instances[name] = await Samples.StartAsync(resource, new Dictionary<string, string> { ["alice"] = "alice-secret" },
                TlsMaterial.SelfSigned(resource.Spec.Hostname, rsa));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances.Values)
            await instance.DisposeAsync();
    }
}

/// <summary>
/// Each cipher family offered alone by openssl s_client at security level 0 (a client that
/// allows everything), on 587 after STARTTLS and on 465 from the first byte, against a real
/// Postfix rendered for each profile: accepted exactly when the profile says so. Port 25 takes
/// what RFC 7435 opportunistic TLS needs: everything but anonymous and NULL ciphers.
/// </summary>
[Collection(PostfixCollection.Name)]
public sealed class TlsProfileTests(TlsProfileInstances instances, ITestOutputHelper output) : IClassFixture<TlsProfileInstances>
{
    /// <summary>A family: the protocol the client allows, its cipher string (or TLSv1.3 suite).</summary>
    private static readonly Dictionary<string, (string Protocol, string? Ciphers, string? Suites)> Families = new()
    {
        ["TLSv1.3 AES-128-GCM"] = ("tls1_3", null, "TLS_AES_128_GCM_SHA256"),
        ["TLSv1.3 AES-256-GCM"] = ("tls1_3", null, "TLS_AES_256_GCM_SHA384"),
        ["TLSv1.3 CHACHA20-POLY1305"] = ("tls1_3", null, "TLS_CHACHA20_POLY1305_SHA256"),
        ["ECDHE AEAD"] = ("tls1_2", "ECDHE+AESGCM:ECDHE+CHACHA20", null),
        ["DHE AEAD"] = ("tls1_2", "DHE+AESGCM:DHE+CHACHA20", null),
        ["anonymous (aNULL)"] = ("tls1_2", "aNULL", null),
        ["static RSA (kRSA)"] = ("tls1_2", "kRSA", null),
        ["CBC SHA-1"] = ("tls1_2", "ECDHE+SHA1:DHE+SHA1:!eNULL", null),
        ["CBC SHA-2"] = ("tls1_2", "ECDHE+SHA256:ECDHE+SHA384:DHE+SHA256", null),
        ["NULL encryption (eNULL)"] = ("tls1_2", "eNULL", null),
        ["TLSv1.1"] = ("tls1_1", "ALL", null),
        ["TLSv1"] = ("tls1", "ALL", null),
    };

    private static readonly string[] Tls13 = ["TLSv1.3 AES-128-GCM", "TLSv1.3 AES-256-GCM", "TLSv1.3 CHACHA20-POLY1305"];

    /// <summary>What the submission ports accept, per case: Mozilla's profiles, less what the key rules out.</summary>
    private static readonly Dictionary<string, string[]> SubmissionAccepts = new()
    {
        ["Intermediate/ECDSA"] = [.. Tls13, "ECDHE AEAD"],
        ["Intermediate/RSA"] = [.. Tls13, "ECDHE AEAD", "DHE AEAD"],
        ["Modern/ECDSA"] = Tls13,
        ["Legacy/RSA"] = [.. Tls13, "ECDHE AEAD", "DHE AEAD", "static RSA (kRSA)", "CBC SHA-1", "CBC SHA-2", "TLSv1.1", "TLSv1"],
    };

    /// <summary>Port 25, the same for every profile (the Legacy case lowers only its protocols).</summary>
    private static readonly Dictionary<string, string[]> SmtpAccepts = new()
    {
        ["Intermediate/ECDSA"] = [.. Tls13, "ECDHE AEAD", "CBC SHA-1", "CBC SHA-2"],
        ["Intermediate/RSA"] = [.. Tls13, "ECDHE AEAD", "DHE AEAD", "static RSA (kRSA)", "CBC SHA-1", "CBC SHA-2"],
    };

    public static TheoryData<string, int, string> Probes()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var (name, _, _, _) in TlsProfileInstances.Cases)
        {
            foreach (var family in Families.Keys)
            {
                data.Add(name, 587, family);
                data.Add(name, 465, family);
                if (SmtpAccepts.ContainsKey(name))
                    data.Add(name, 25, family);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Probes))]
    public async Task Each_cipher_family_is_accepted_exactly_when_the_profile_allows_it(string instance, int port, string family)
    {
        var postfix = instances[instance];
        var (protocol, ciphers, suites) = Families[family];

        var handshake = await OpenSslHandshake.RunAsync(postfix.Host, postfix.Port(port), startTls: port != 465, protocol, ciphers, suites);

        output.WriteLine(handshake.Transcript);
        var expected = (port == 25 ? SmtpAccepts : SubmissionAccepts)[instance].Contains(family);
        Assert.True(expected == handshake.Succeeded,
            $"{instance} on {port}: {family} was {(handshake.Succeeded ? $"accepted ({handshake.Protocol}, {handshake.Cipher})" : "refused")}, " +
            $"expected {(expected ? "accepted" : "refused")}\n{handshake.Transcript}\n{postfix.Describe()}");
        // A refusal is the server's TLS alert (handshake failure, protocol version), not a STARTTLS that never happened.
        if (!expected)
            Assert.True(handshake.ServerAlerted, $"{instance} on {port}: {family} failed without a TLS alert from the server\n{handshake.Transcript}");
    }

    [Theory]
    [InlineData("Intermediate/ECDSA", "ECDHE-ECDSA-AES128-GCM-SHA256")]
    [InlineData("Intermediate/RSA", "ECDHE-RSA-AES128-GCM-SHA256")]
    [InlineData("Legacy/RSA", "ECDHE-RSA-AES128-GCM-SHA256")]
    public async Task A_client_that_allows_everything_and_prefers_the_weakest_gets_the_profiles_first_suite(string instance, string expected)
    {
        var postfix = instances[instance];
        // The client lists static RSA and CBC first; the server's order (tls_preempt_cipherlist) wins.
        var clientOrder = "kRSA:ECDHE+SHA1:" + string.Join(':', TlsCipherLists.Legacy.AsEnumerable().Reverse());

        foreach (var port in new[] { 587, 465 })
        {
            var handshake = await OpenSslHandshake.RunAsync(postfix.Host, postfix.Port(port), startTls: port != 465, "tls1_2", clientOrder);

            output.WriteLine(handshake.Transcript);
            Assert.True(handshake.Cipher == expected, $"{instance} on {port} chose {handshake.Cipher ?? "nothing"}, expected {expected}\n{handshake.Transcript}");
        }
    }
}
