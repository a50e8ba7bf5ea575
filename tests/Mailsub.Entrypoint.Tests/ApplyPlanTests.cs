namespace Mailsub.Entrypoint.Tests;

public class ApplyPlanTests
{
    private static DirectorySnapshot Dir(string content) =>
        new(new Dictionary<string, byte[]> { ["f"] = System.Text.Encoding.UTF8.GetBytes(content) });

    private static readonly InputSnapshot Applied = new(Dir("config"), Dir("users"), Dir("tls"), Dir("relay"), Dir("dkim"));

    [Fact]
    public void Nothing_changed_means_nothing_to_do()
    {
        Assert.True(ApplyPlan.Between(Applied, Applied with { }).IsEmpty);
    }

    [Fact]
    public void A_config_change_rebuilds_the_config_reloads_and_tells_the_signer()
    {
        // OpenDKIM's files come with the config; the entrypoint leaves them alone without opendkim.conf.
        Assert.Equal(new ApplyPlan(true, false, true, Signer: true), ApplyPlan.Between(Applied, Applied with { Config = Dir("x") }));
    }

    [Fact]
    public void A_user_change_rebuilds_sasldb_only()
    {
        Assert.Equal(new ApplyPlan(false, true, false), ApplyPlan.Between(Applied, Applied with { Users = Dir("x") }));
    }

    [Fact]
    public void A_certificate_change_rechecks_the_config_and_reloads()
    {
        Assert.Equal(new ApplyPlan(true, false, true), ApplyPlan.Between(Applied, Applied with { Tls = Dir("x") }));
    }

    [Fact]
    public void A_relay_credentials_change_rebuilds_the_config_and_reloads()
    {
        // smtp(8) reads its texthash table when it starts, so only new daemons see new credentials.
        Assert.Equal(new ApplyPlan(true, false, true), ApplyPlan.Between(Applied, Applied with { Relay = Dir("x") }));
    }

    [Fact]
    public void A_DKIM_key_change_tells_the_signer_only()
    {
        // OpenDKIM re-reads its keys on SIGUSR1; Postfix has nothing to reload.
        Assert.Equal(new ApplyPlan(false, false, false, Signer: true), ApplyPlan.Between(Applied, Applied with { Dkim = Dir("x") }));
    }
}
