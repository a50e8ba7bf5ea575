using System.Runtime.InteropServices;

namespace Mailsub.Entrypoint;

/// <summary>rename(2), for replacing a symlink to a directory: File.Move refuses a source
/// that resolves to a directory, and Directory.Move refuses an existing destination.</summary>
public static partial class AtomicRename
{
    public static void Replace(string source, string destination)
    {
        if (Rename(source, destination) != 0)
            throw new IOException($"rename {source} to {destination}: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string source, string destination);
}
