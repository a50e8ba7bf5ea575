using Mailsub.Postfix;

namespace Mailsub.Entrypoint;

/// <summary>The config files Postfix reads, as written into one generation directory.</summary>
public sealed record RuntimeConfig(string MainCf, string MasterCf, string SmtpdConf);

/// <summary>Writes config generations under the state directory and switches Postfix to one
/// by swapping the <see cref="StateLayout.ConfigLink"/> symlink.</summary>
internal sealed class RuntimeConfigStore(StateLayout state)
{
    // Postfix treats a main.cf younger than about two seconds as still being edited: a reload
    // then takes ~2 s instead of ~0.1 s and new smtpd banners stall. The files are complete
    // when written, so they are dated back past that window.
    private static readonly TimeSpan Backdate = TimeSpan.FromSeconds(10);

    private static readonly UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private long _lastGeneration = ExistingGenerations(state).DefaultIfEmpty(0).Max();

    /// <summary>The config Postfix was last switched to, if any.</summary>
    public RuntimeConfig? Active { get; private set; }

    /// <summary>Writes a new generation and returns its directory, not yet active.</summary>
    public string Write(RuntimeConfig config)
    {
        var dir = state.GenerationDir(++_lastGeneration);
        Directory.CreateDirectory(dir, DirectoryMode);
        Directory.CreateDirectory(StateLayout.SaslConfigDir(dir), DirectoryMode);
        var written = DateTime.UtcNow - Backdate;
        WriteFile(Path.Combine(dir, MainCf.FileName), config.MainCf, written);
        WriteFile(Path.Combine(dir, MasterCf.FileName), config.MasterCf, written);
        WriteFile(Path.Combine(StateLayout.SaslConfigDir(dir), SmtpdConf.FileName), config.SmtpdConf, written);
        return dir;
    }

    /// <summary>Points the config link at <paramref name="dir"/> in one rename and removes
    /// every other generation.</summary>
    public void Activate(string dir, RuntimeConfig config)
    {
        var temporary = state.ConfigLink + ".new";
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, Path.GetFileName(dir));
        AtomicRename.Replace(temporary, state.ConfigLink);
        Active = config;
        foreach (var generation in ExistingGenerations(state))
        {
            if (state.GenerationDir(generation) != dir)
                Discard(state.GenerationDir(generation));
        }
    }

    public static void Discard(string dir)
    {
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
    }

    private static void WriteFile(string path, string text, DateTime lastWrite)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetLastWriteTimeUtc(path, lastWrite);
    }

    private static IEnumerable<long> ExistingGenerations(StateLayout state) =>
        Directory.Exists(state.Root)
            ? Directory.EnumerateDirectories(state.Root)
                .Select(d => StateLayout.GenerationOf(Path.GetFileName(d)))
                .OfType<long>()
                .ToArray()
            : [];
}
