using System.Text;
using Microsoft.Extensions.Logging;

namespace Mailsub.Operator;

/// <summary>
/// One line per event: <c>ts=... level=info logger=... msg="..."</c> then the message's named
/// values as key=value. What is logged are names, reasons and counts: never Secret values.
/// </summary>
public sealed class KeyValueLogger(string category, TextWriter output, LogLevel minimum = LogLevel.Information) : ILogger
{
    private static readonly Lock Gate = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        var line = new StringBuilder(160);
        line.Append("ts=").Append(DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        line.Append(" level=").Append(logLevel switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "error",
            _ => "critical",
        });
        line.Append(" logger=").Append(category);
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.Count > 0
            && values[^1].Key == "{OriginalFormat}" && values[^1].Value is string format)
        {
            var words = format.Split(' ').TakeWhile(w => !w.Contains('=') && !w.Contains('{')).ToArray();
            line.Append(" msg=").Append(Quote(string.Join(' ', words)));
            for (var i = 0; i < values.Count - 1; i++)
            {
                line.Append(' ').Append(Snake(values[i].Key)).Append('=').Append(Quote(Convert.ToString(values[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
            }
        }
        else
        {
            line.Append(" msg=").Append(Quote(formatter(state, exception)));
        }
        if (exception is not null)
        {
            line.Append(" error=").Append(Quote(exception.GetType().Name + ": " + exception.Message));
        }
        lock (Gate)
        {
            output.WriteLine(line.ToString());
            output.Flush();
        }
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => c > ' ' && c != '"' && c != '=') ? value : "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

    private static string Snake(string key)
    {
        var sb = new StringBuilder(key.Length + 4);
        for (var i = 0; i < key.Length; i++)
        {
            if (char.IsUpper(key[i]) && i > 0 && key[i - 1] != '_')
            {
                sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(key[i]));
        }
        return sb.ToString();
    }
}

/// <summary>Makes <see cref="KeyValueLogger"/>s writing to one output.</summary>
public sealed class KeyValueLoggerFactory(TextWriter output, LogLevel minimum = LogLevel.Information) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new KeyValueLogger(categoryName, output, minimum);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
