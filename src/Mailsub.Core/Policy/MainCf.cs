namespace Mailsub.Core.Policy;

/// <summary>One `name = value` definition, with the physical line it starts on.</summary>
public sealed record MainCfParameter(string Name, string Value, int Line);

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
        var definitions = new List<MainCfParameter>();
        var problems = new List<ConfigProblem>();
        foreach (var (line, logical) in LogicalLines.Read(text, FileName, problems))
        {
            var equals = logical.IndexOf('=');
            var name = equals < 0 ? "" : logical[..equals].Trim();
            if (equals < 0)
                problems.Add(new ConfigProblem(FileName, line, $"missing '=' after the parameter name in \"{LogicalLines.Shorten(logical)}\": Postfix refuses to start"));
            else if (name.Length == 0 || name.Any(char.IsWhiteSpace))
                problems.Add(new ConfigProblem(FileName, line, $"\"{LogicalLines.Shorten(name)}\" is not a parameter name: Postfix refuses to start"));
            else
                definitions.Add(new MainCfParameter(name, logical[(equals + 1)..].Trim(), line));
        }
        return new MainCf(definitions, problems);
    }
}
