using System.Diagnostics;

namespace Mailsub.Testing.Postfix;

/// <summary>The lines a process printed on one stream so far, safe to read while it runs.</summary>
public sealed class ProcessOutput
{
    private readonly List<string> _lines = [];
    private readonly object _gate = new();

    internal void Add(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
            _lines.Add(line);
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
                return _lines.ToArray();
        }
    }

    public string Text => string.Join('\n', Lines);

    public string Tail(int count = 40) => string.Join('\n', Lines.TakeLast(count));

    /// <summary>Waits for a line containing <paramref name="text"/>; false on timeout.</summary>
    public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Lines.Any(line => line.Contains(text, StringComparison.Ordinal)))
                return true;
            await Task.Delay(50);
        }
        return false;
    }
}
