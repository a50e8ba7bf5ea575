namespace Mailsub.Entrypoint;

/// <summary>Builds a Cyrus sasldb from scratch, so removed users are gone, into a file that
/// replaces the live one with a single rename.</summary>
internal sealed class SaslDbBuilder(PostfixTools tools)
{
    private static readonly TimeSpan PerCall = TimeSpan.FromSeconds(30);

    /// <summary>Writes <paramref name="path"/> and returns the problems; the file is usable
    /// only when there are none.</summary>
    public async Task<IReadOnlyList<string>> BuildAsync(IReadOnlyList<SaslEntry> entries, string path)
    {
        File.Delete(path);
        foreach (var entry in entries)
        {
            var result = await SetAsync(path, entry.Realm, entry.Name, entry.Password);
            if (result.ExitCode != 0)
                return [$"saslpasswd2 could not store {entry.Name} in realm {entry.Realm}: {result.Output.Trim()}"];
        }
        if (entries.Count == 0)
        {
            // Without a database Cyrus answers 454 (temporary failure); an empty one gives the
            // honest 535. saslpasswd2 only creates a database by adding to it.
            await SetAsync(path, "invalid", "placeholder", "x"u8.ToArray());
            await ToolRunner.RunAsync(tools.SaslPasswd2, ["-d", "-f", path, "-u", "invalid", "placeholder"], PerCall);
        }

        // smtpd runs as user postfix and must read the database; nobody else should.
        var group = await ToolRunner.RunAsync(tools.Chgrp, ["postfix", path], PerCall);
        if (group.ExitCode != 0)
            return [$"chgrp postfix {path} failed: {group.Output.Trim()}"];
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        return [];
    }

    private Task<ToolResult> SetAsync(string path, string realm, string name, byte[] password) =>
        ToolRunner.RunAsync(tools.SaslPasswd2, ["-p", "-c", "-f", path, "-u", realm, name], PerCall, input: password);
}
