namespace Mailsub.Entrypoint;

/// <summary>Absolute paths of the programs the entrypoint runs.</summary>
internal sealed record PostfixTools(
    string Postfix, string Postconf, string Postqueue, string SaslPasswd2, string Script, string Chgrp)
{
    /// <summary>Every program the entrypoint runs; the image must provide each.</summary>
    public static readonly IReadOnlyList<string> Programs =
        ["postfix", "postconf", "postqueue", "saslpasswd2", "script", "chgrp"];

    // Debian puts Postfix and saslpasswd2 in /usr/sbin, which a non-login PATH may lack.
    private static readonly string[] FallbackDirs = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>The tools, or the names of those that could not be found.</summary>
    public static (PostfixTools? Tools, IReadOnlyList<string> Missing) Find()
    {
        var missing = new List<string>();
        string Required(string name)
        {
            if (Locate(name) is { } path)
                return path;
            missing.Add(name);
            return name;
        }

        var found = Programs.ToDictionary(name => name, Required);
        var tools = new PostfixTools(
            found["postfix"], found["postconf"], found["postqueue"],
            found["saslpasswd2"], found["script"], found["chgrp"]);
        return missing.Count == 0 ? (tools, missing) : (null, missing);
    }

    /// <summary>A program's absolute path on PATH or in the sbin/bin directories, or null.
    /// OpenDKIM is looked up only when the config asks for it (<see cref="OpenDkimSigner"/>).</summary>
    public static string? Locate(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(FallbackDirs);
        foreach (var dir in dirs)
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
