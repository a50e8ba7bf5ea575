using System.Text;

namespace Mailsub.Entrypoint;

/// <summary>One master.cf service as far as the entrypoint needs it.</summary>
public sealed record MasterService(string Name, string Command, IReadOnlyDictionary<string, string>? Overrides);

/// <summary>Reads and edits master.cf text.</summary>
public static class MasterCf
{
    /// <summary>The text without its inet services, so that a reload makes master close every
    /// listening socket while the queue manager and delivery agents keep running.</summary>
    /// <remarks>A service's "-o" lines go with it: commenting out only the first line would
    /// leave them as continuations of the entry above.</remarks>
    public static string WithoutInetServices(string text) =>
        Rewrite(text, (fields, entry) => fields.Length > 1 && fields[1] == "inet" ? null : entry);

    /// <summary>Renames inet services by the map (e.g. "587" to "40123"), leaving every other
    /// line as it was.</summary>
    public static string WithInetServicesRenamed(string text, IReadOnlyDictionary<string, string> names) =>
        Rewrite(text, (fields, entry) =>
            fields.Length > 1 && fields[1] == "inet" && names.TryGetValue(fields[0], out string? renamed)
                ? renamed + entry[fields[0].Length..]
                : entry);

    /// <summary>The inet services with their command and "-o name=value" overrides. Overrides
    /// is null for a service whose options use a form this reader does not take apart
    /// ("-o { name = value }").</summary>
    public static IReadOnlyList<MasterService> InetServices(string text)
    {
        var services = new List<MasterService>();
        Rewrite(text, (fields, entry) =>
        {
            if (fields.Length > 7 && fields[1] == "inet")
            {
                string[] words = entry.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                    .Where(w => !w.StartsWith('#'))
                    .ToArray();
                services.Add(new MasterService(fields[0], fields[7], Overrides(words[8..])));
            }
            return entry;
        });
        return services;
    }

    private static IReadOnlyDictionary<string, string>? Overrides(string[] arguments)
    {
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < arguments.Length; i++)
        {
            if (arguments[i] != "-o")
                continue;
            string option = i + 1 < arguments.Length ? arguments[++i] : "";
            int equals = option.IndexOf('=');
            if (equals <= 0)
                return null;
            overrides[option[..equals]] = option[(equals + 1)..];
        }
        return overrides;
    }

    /// <summary>The service names (ports or host:port) of the inet services.</summary>
    public static IReadOnlyList<string> InetServiceNames(string text)
    {
        var names = new List<string>();
        Rewrite(text, (fields, entry) =>
        {
            if (fields.Length > 1 && fields[1] == "inet")
                names.Add(fields[0]);
            return entry;
        });
        return names;
    }

    /// <summary>Calls <paramref name="rewrite"/> with each service entry (its first physical
    /// line and its continuation lines, joined by newlines) and the first line's fields;
    /// null drops the entry.</summary>
    private static string Rewrite(string text, Func<string[], string, string?> rewrite)
    {
        var output = new StringBuilder();
        var entry = new StringBuilder();
        void Flush()
        {
            if (entry.Length == 0)
                return;
            string value = entry.ToString();
            string[] fields = value.Split('\n')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (rewrite(fields, value) is { } kept)
                output.Append(kept);
            entry.Clear();
        }

        foreach (string line in MainCf.Lines(text))
        {
            if (MainCf.IsBlankOrComment(line))
            {
                if (entry.Length == 0)
                    output.Append(line).Append('\n');
                else
                    entry.Append(line).Append('\n');
                continue;
            }
            if (!char.IsWhiteSpace(line[0]))
                Flush();
            entry.Append(line).Append('\n');
        }
        Flush();
        return output.ToString();
    }
}
