using Mailsub.Runtime.Api;

namespace Mailsub.Operator.Tests;

/// <summary>No API server: what <see cref="AppliedVersions"/> keeps and forgets.</summary>
public sealed class AppliedVersionsTests
{
    private static readonly ApiResource ConfigMaps = WellKnownResources.ConfigMaps;

    [Fact]
    public void Forgetting_a_submission_keeps_the_children_of_one_whose_name_it_prefixes()
    {
        var applied = new AppliedVersions();
        applied.Remember("uid-mail", ConfigMaps, "mail-postfix", "hash-1", "10");
        applied.Remember("uid-mail2", ConfigMaps, "mail2-postfix", "hash-2", "11");
        applied.Remember("uid-mail2", WellKnownResources.Secrets, "mail2-users", "hash-3", "12");

        applied.Forget("uid-mail");

        Assert.False(applied.Holds("uid-mail", ConfigMaps, "mail-postfix", "hash-1", "10"));
        Assert.True(applied.Holds("uid-mail2", ConfigMaps, "mail2-postfix", "hash-2", "11"));
        Assert.True(applied.Holds("uid-mail2", WellKnownResources.Secrets, "mail2-users", "hash-3", "12"));
    }

    [Fact]
    public void A_submission_recreated_under_the_same_name_starts_afresh()
    {
        var applied = new AppliedVersions();
        applied.Remember("uid-old", ConfigMaps, "mail-postfix", "hash-1", "10");

        Assert.False(applied.Holds("uid-new", ConfigMaps, "mail-postfix", "hash-1", "10"));
    }

    [Fact]
    public void Only_the_same_body_against_the_same_version_counts_as_applied()
    {
        var applied = new AppliedVersions();
        applied.Remember("uid", ConfigMaps, "mail-postfix", "hash-1", "10");

        Assert.True(applied.Holds("uid", ConfigMaps, "mail-postfix", "hash-1", "10"));
        Assert.False(applied.Holds("uid", ConfigMaps, "mail-postfix", "hash-2", "10"));
        Assert.False(applied.Holds("uid", ConfigMaps, "mail-postfix", "hash-1", "11"));
        Assert.False(applied.Holds("uid", WellKnownResources.Secrets, "mail-postfix", "hash-1", "10"));

        applied.Forget("uid", ConfigMaps, "mail-postfix");
        Assert.False(applied.Holds("uid", ConfigMaps, "mail-postfix", "hash-1", "10"));
    }
}
