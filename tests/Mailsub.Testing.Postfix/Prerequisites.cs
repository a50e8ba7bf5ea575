namespace Mailsub.Testing.Postfix;

/// <summary>What a real-Postfix test needs from the machine. Missing pieces fail the test with
/// a message naming them; such tests never pass by skipping.</summary>
public static class Prerequisites
{
    private static readonly string[] Programs = ["postfix", "postconf", "saslpasswd2", "smtp-sink", "script", "openssl"];
    private static readonly string[] SearchDirs = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>Why Postfix tests cannot run here, or null when they can.</summary>
    public static string? Problem()
    {
        var missing = Programs.Where(p => TryFind(p) is null).ToArray();
        if (missing.Length > 0)
        {
            return $"missing programs: {string.Join(", ", missing)}. Install the Debian packages " +
                   "postfix, sasl2-bin, libsasl2-modules, openssl and bsdutils (apt-get install " +
                   "postfix sasl2-bin libsasl2-modules openssl) to run the Postfix integration tests.";
        }

        if (!Environment.IsPrivilegedProcess)
            return "the Postfix integration tests must run as root: Postfix's master daemon starts as root.";
        return null;
    }

    /// <summary>Throws with <see cref="Problem"/> when the machine cannot run Postfix tests.</summary>
    public static void Require()
    {
        if (Problem() is { } problem)
            throw new InvalidOperationException(problem);
    }

    public static string Find(string program) =>
        TryFind(program) ?? throw new InvalidOperationException($"{program} not found in {string.Join(", ", SearchDirs)}");

    private static string? TryFind(string program) =>
        SearchDirs.Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
