using Mailsub.Testing.Postfix;

namespace Mailsub.Entrypoint.Tests.Integration;

/// <summary>The hand-written config under Fixtures/ and the users every test starts with.</summary>
internal static class Fixtures
{
    public const string Domain = "example.test";

    public static readonly IReadOnlyDictionary<string, string> Users = new Dictionary<string, string>
    {
        ["alice"] = "alice-secret",
    };

    public static string Modern => Path.Combine(AppContext.BaseDirectory, "Fixtures", "modern");

    public static PostfixInstanceOptions ModernOptions(
        IReadOnlyDictionary<string, string>? mainCf = null, int graceSeconds = 10) => new()
        {
            ConfigDirectory = Modern,
            Users = Users,
            MainCfParameters = mainCf ?? new Dictionary<string, string>(),
            GraceSeconds = graceSeconds,
        };
}
