using System.Text;

namespace Mailsub.Entrypoint;

/// <summary>
/// Postfix's log on its way to the container's stdout. master's stdout is a pipe to the
/// entrypoint (postlogd writes maillog_file = /dev/stdout, which it inherits through master);
/// every byte read is written to the entrypoint's stdout as it came, before its line is counted,
/// so `kubectl logs` sees the same log as before, and in step.
/// </summary>
internal static class LogStream
{
    // Postfix cuts a log record at line_length_limit-ish sizes well below this; a longer run
    // without a newline is not a log line and is passed on without being counted.
    private const int MaxLine = 16 * 1024;

    public static async Task CopyAsync(Stream from, Stream to, Action<string> onLine)
    {
        var buffer = new byte[8192];
        var line = new MemoryStream();
        var skipping = false;
        var passOn = true;
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
        {
            if (passOn)
            {
                try
                {
                    await to.WriteAsync(buffer.AsMemory(0, read));
                    await to.FlushAsync();
                }
                catch (IOException)
                {
                    // Nobody reads stdout any more. Keep reading the pipe regardless: once it
                    // filled, postlogd would block on it, and with it every daemon's logging.
                    passOn = false;
                }
            }
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n')
                    continue;
                if (!skipping)
                {
                    line.Write(buffer, start, i - start);
                    Count(line, onLine);
                }
                line.SetLength(0);
                skipping = false;
                start = i + 1;
            }
            if (!skipping)
                line.Write(buffer, start, read - start);
            if (line.Length > MaxLine)
            {
                line.SetLength(0);
                skipping = true;
            }
        }
        if (!skipping && line.Length > 0)
            Count(line, onLine);
    }

    private static void Count(MemoryStream line, Action<string> onLine)
    {
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (bytes.EndsWith("\r"u8))
            bytes = bytes[..^1];
        // Only ASCII matters to the patterns; anything else decodes to U+FFFD and is never a label.
        onLine(Encoding.UTF8.GetString(bytes));
    }
}
