using System.Text.RegularExpressions;

namespace Mailsub.Core.Tests;

/// <summary>Just enough of main.cf and master.cf syntax to list what a rendered file sets.</summary>
public static partial class PostfixSyntax
{
    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_]+) =( (?<value>\S.*))?$")]
    private static partial Regex AssignmentRegex();

    [GeneratedRegex(@"^\s+-o (?<name>[A-Za-z0-9_]+)=\S*$")]
    private static partial Regex OverrideRegex();

    /// <summary>main.cf parameters in order; a line that is none of comment, blank, assignment or continuation fails.</summary>
    public static IReadOnlyList<(string Name, string Value)> MainCfParameters(string mainCf)
    {
        var parameters = new List<(string Name, string Value)>();
        foreach (var line in Lines(mainCf))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            if (char.IsWhiteSpace(line[0]) && line.Trim().Length > 0 && parameters.Count > 0)
            {
                parameters[^1] = (parameters[^1].Name, parameters[^1].Value + " " + line.Trim());
                continue;
            }
            var match = AssignmentRegex().Match(line);
            Assert.True(match.Success, $"main.cf line is not a comment, blank, `name = value` or continuation: \"{line}\"");
            parameters.Add((match.Groups["name"].Value, match.Groups["value"].Value));
        }
        return parameters;
    }

    /// <summary>Parameter names of every `-o name=value` in master.cf.</summary>
    public static IReadOnlyList<string> MasterCfOverrides(string masterCf) =>
        Lines(masterCf).Where(l => l.TrimStart().StartsWith("-o", StringComparison.Ordinal)).Select(line =>
        {
            var match = OverrideRegex().Match(line);
            Assert.True(match.Success, $"master.cf override is not `-o name=value`: \"{line}\"");
            return match.Groups["name"].Value;
        }).ToList();

    private static string[] Lines(string text)
    {
        Assert.EndsWith("\n", text);
        return text[..^1].Split('\n');
    }
}
