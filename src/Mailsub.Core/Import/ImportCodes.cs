namespace Mailsub.Core.Import;

/// <summary>
/// The codes of the import's own findings, next to the policy analysis's (FindingCodes) on the
/// hand-written files. Import findings decide no condition: their ConditionType is empty.
/// </summary>
public static class ImportCodes
{
    /// <summary>The parameter became a spec field, spelled or shaped differently (Info).</summary>
    public const string Imported = "Imported";

    /// <summary>Copied into spec.extraConfig as written (Info).</summary>
    public const string CopiedToExtraConfig = "CopiedToExtraConfig";

    /// <summary>Mailsub renders the parameter itself, differently from the hand-written value (Warning).</summary>
    public const string RenderedByOperator = "RenderedByOperator";

    /// <summary>No spec field or extraConfig entry can carry it; dropped (Warning).</summary>
    public const string NotImported = "NotImported";

    /// <summary>A hand-written setting that does something other than it seems to (Warning).</summary>
    public const string Trap = "ImportTrap";

    /// <summary>Something the resource needs that the files cannot say (Warning), or that the import cannot reproduce safely (Error).</summary>
    public const string NeedsInput = "NeedsInput";

    /// <summary>The imported resource does not validate at the named field (Error).</summary>
    public const string InvalidResource = "InvalidResource";
}
