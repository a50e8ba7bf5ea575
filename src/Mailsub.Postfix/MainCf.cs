using System.Text;

namespace Mailsub.Postfix;

/// <summary>One `name = value` definition, with the physical line it starts on.</summary>
public sealed class MainCfParameter(string name, string value, int line)
{
    public string Name { get; } = name;
    public string Value { get; } = value;
    public int Line { get; } = line;
}

/// <summary>
/// main.cf as Postfix reads it: a logical line starts with non-whitespace, and lines starting with
/// whitespace continue it. Comment and blank lines are skipped without ending the logical line, and
/// '#' after text is part of the value. Values keep their $name references.
/// </summary>
public sealed class MainCf
{
    public const string FileName = "main.cf";

    private MainCf(IReadOnlyList<MainCfParameter> definitions, IReadOnlyList<ConfigProblem> problems)
    {
        Definitions = definitions;
        Problems = problems;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var definition in definitions)
            values[definition.Name] = definition.Value;
        Values = values;
    }

    /// <summary>Every definition in file order, repeated names included.</summary>
    public IReadOnlyList<MainCfParameter> Definitions { get; }

    /// <summary>The value Postfix uses for each defined name: the last definition wins.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    public IReadOnlyList<ConfigProblem> Problems { get; }

    public string? this[string name] => Values.GetValueOrDefault(name);

    public static MainCf Parse(string text)
    {
        var problems = new List<ConfigProblem>();
        var definitions = new List<MainCfParameter>();
        foreach (var logical in LogicalLines.Read(TextLines.Split(text), FileName, problems))
        {
            if (Definition(logical, problems) is { } definition)
                definitions.Add(definition);
        }
        return new MainCf(definitions, problems);
    }

    /// <summary>Edits main.cf text the way postconf -e would, without running it: removes every
    /// definition of the given parameters and appends them, in order, at the end under a comment
    /// that says who set them.</summary>
    /// <remarks>Postfix warns ("overriding earlier entry") when a parameter is defined twice, and
    /// the entrypoint treats warnings as errors, so a replaced parameter must disappear from its
    /// old place rather than be shadowed by a later line.</remarks>
    public static string WithParameters(
        string text, IReadOnlyList<KeyValuePair<string, string>> parameters, string setBy)
    {
        var names = parameters.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var lines = TextLines.Split(text);
        var replaced = new List<LogicalLine>();
        foreach (var logical in LogicalLines.Read(lines, FileName, []))
        {
            if (Definition(logical, []) is { } definition && names.Contains(definition.Name))
                replaced.Add(logical);
        }
        var output = new StringBuilder(LogicalLines.Without(lines, replaced));
        if (parameters.Count > 0)
        {
            output.Append("# Set by ").Append(setBy).Append('\n');
            foreach (var (name, value) in parameters)
                output.Append(name).Append(" = ").Append(value).Append('\n');
        }
        return output.ToString();
    }

    /// <summary>The definition a logical line makes, or null (and a problem) when Postfix would refuse it.</summary>
    private static MainCfParameter? Definition(LogicalLine logical, List<ConfigProblem> problems)
    {
        var text = logical.Text;
        var equals = text.IndexOf('=');
        var name = equals < 0 ? "" : text[..equals].Trim();
        if (equals < 0)
            problems.Add(new ConfigProblem(FileName, logical.Line, $"missing '=' after the parameter name in \"{LogicalLines.Shorten(text)}\": Postfix refuses to start"));
        else if (name.Length == 0 || LogicalLines.HasWhitespace(name))
            problems.Add(new ConfigProblem(FileName, logical.Line, $"\"{LogicalLines.Shorten(name)}\" is not a parameter name: Postfix refuses to start"));
        else
            return new MainCfParameter(name, text[(equals + 1)..].Trim(), logical.Line);
        return null;
    }
}
