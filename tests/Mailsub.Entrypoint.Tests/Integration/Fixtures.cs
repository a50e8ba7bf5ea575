using MailKit.Security;
using Mailsub.Testing.Postfix;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>The configs the renderer writes for samples/modern.yaml and samples/seed.yaml (the
/// Core tests' golden files, which the project links under Fixtures/), and the users every test
/// starts with.</summary>
internal static class Fixtures
{
    public static readonly IReadOnlyDictionary<string, string> Users = new Dictionary<string, string>
    {
        ["alice"] = "alice-secret",
    };

    /// <summary>mail.example.com; PLAIN and LOGIN, inside TLS only.</summary>
    public static readonly RenderedProfile Modern = new("modern", "example.com");

    /// <summary>mail.example.net; CRAM-MD5 and DIGEST-MD5, the shared-secret mechanisms whose
    /// logins need a sasldb entry in the very realm they land in.</summary>
    public static readonly RenderedProfile Seed = new("seed", "example.net");

    public static RenderedProfile Named(string name) => name == Modern.Name ? Modern : name == Seed.Name ? Seed
        : throw new ArgumentException($"no fixture {name}; there are {Modern.Name} and {Seed.Name}");

    public static PostfixInstanceOptions ModernOptions(IReadOnlyDictionary<string, string>? mainCf = null, int graceSeconds = 10) =>
        Modern.Options(mainCf, graceSeconds);
}

/// <summary>One sample's rendered config directory and the names it renders.</summary>
internal sealed record RenderedProfile(string Name, string Domain)
{
    public string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", Name);

    public string Hostname => "mail." + Domain;

    public string Address(string user) => $"{user}@{Domain}";

    /// <summary>A mechanism this profile offers, for one login (a mechanism object holds one
    /// exchange's state).</summary>
    public SaslMechanism Login(string login, string password) =>
        this == Fixtures.Seed ? new SaslMechanismCramMd5(login, password) : new SaslMechanismPlain(login, password);

    public PostfixInstanceOptions Options(
        IReadOnlyDictionary<string, string>? mainCf = null, int graceSeconds = 10, IReadOnlyDictionary<string, string>? users = null) => new()
        {
            ConfigDirectory = Directory,
            Users = users ?? Fixtures.Users,
            Tls = TlsMaterial.SelfSigned(Hostname),
            MainCfParameters = mainCf ?? new Dictionary<string, string>(),
            GraceSeconds = graceSeconds,
        };
}
