using System.Runtime.InteropServices;

namespace Mailsub.Entrypoint;

/// <summary>The libc calls .NET has no API for: kill(2) with a signal other than SIGKILL, and
/// chown(2); and the ids of a named user and group, read from /etc/passwd and /etc/group
/// (getpwnam's struct is not worth marshalling for two numbers).</summary>
internal static partial class PosixCalls
{
    public const int SigTerm = 15;
    public const int SigUsr1 = 10;

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
            throw new IOException($"kill({pid}, {signal}): {Marshal.GetLastPInvokeErrorMessage()}");
    }

    public static void Own(string path, int uid, int gid)
    {
        if (Chown(path, uid, gid) != 0)
            throw new IOException($"chown {uid}:{gid} {path}: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    /// <summary>The numeric id in the third field of the line naming <paramref name="name"/>, or null.</summary>
    public static int? IdOf(string database, string name)
    {
        foreach (var line in File.ReadLines(database))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && fields[0] == name && int.TryParse(fields[2], out var id))
                return id;
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Chown(string path, int uid, int gid);
}
