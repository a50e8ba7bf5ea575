namespace Mailsub.Core.Validation;

/// <summary>
/// A field of a resource, written as the API server writes it (spec.auth.users[0].name,
/// spec.extraConfig[smtpd_banner]). Checks build it as they descend, as Kubernetes' field.Path,
/// so no path is typed out in full and a child can only be named below its parent.
/// </summary>
public sealed class FieldPath
{
    private readonly string _path;

    private FieldPath(string path) => _path = path;

    public static FieldPath Root(string name) => new(name);

    public FieldPath Child(string name) => new($"{_path}.{name}");

    public FieldPath Index(int index) => new($"{_path}[{index}]");

    /// <summary>An entry of a map field; unquoted, as the API server writes it.</summary>
    public FieldPath Key(string key) => new($"{_path}[{key}]");

    public override string ToString() => _path;
}
