using System.Reflection;
using Mailsub.Core.Api;
using Mailsub.Core.Policy;
using Mailsub.Core.Schema;

namespace Mailsub.Core.Tests.Schema;

public class ReferenceGeneratorTests
{
    /// <summary>docs/reference.md is generated; a change to the C# types must regenerate it (MAILSUB_UPDATE_GOLDEN=1).</summary>
    [Fact]
    public void Docs_reference_is_up_to_date()
    {
        var path = Repository.PathOf("docs", ReferenceGenerator.FileName);
        var generated = ReferenceGenerator.Generate();
        if (Repository.UpdateGolden)
            File.WriteAllText(path, generated);
        Assert.True(File.Exists(path) && File.ReadAllText(path) == generated,
            $"{path} is stale: run `make docs` (or MAILSUB_UPDATE_GOLDEN=1 make test) and commit the result");
    }

    /// <summary>README.md carries the same reference between its markers.</summary>
    [Fact]
    public void Readme_reference_block_is_up_to_date()
    {
        var path = Repository.PathOf("README.md");
        var readme = File.ReadAllText(path);
        var updated = ReferenceGenerator.ReplaceReadmeBlock(readme);
        if (Repository.UpdateGolden)
            File.WriteAllText(path, updated);
        else
            Assert.True(readme == updated, "README.md's API reference is stale: run `make docs` (or MAILSUB_UPDATE_GOLDEN=1 make test) and commit the result");
    }

    [Fact]
    public void Every_condition_type_is_documented_once()
    {
        var declared = typeof(ConditionTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order().ToList();
        Assert.Equal(declared, ReferenceGenerator.Conditions.Select(c => c.Type).Order().ToList());
    }

    [Fact]
    public void Every_finding_code_is_named_under_a_condition()
    {
        var named = ReferenceGenerator.Conditions.SelectMany(c => c.ErrorReasons.Concat(c.Warnings)).ToHashSet();
        var codes = typeof(FindingCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
        // RelayDependsOnLookup is an Info finding: it changes no condition.
        var missing = codes.Where(c => !named.Contains(c) && c != FindingCodes.RelayDependsOnLookup).ToList();
        Assert.True(missing.Count == 0, "finding codes missing from the conditions reference: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_spec_field_of_the_crd_has_a_row()
    {
        var doc = ReferenceGenerator.Generate();
        foreach (var field in new[] { "spec.hostname", "spec.auth.users[].passwordSecretRef", "spec.tls.issuerRef.kind", "status.observedGeneration", "status.policy" })
            Assert.Contains("| `" + field + "` |", doc);
    }
}
