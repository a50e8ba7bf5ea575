using Mailsub.Core.Builders;
using Mailsub.Postfix;

namespace Mailsub.Core.Tests.Builders;

public class PostfixConfigMapTests
{
    [Fact]
    public void Holds_the_three_rendered_files_and_nothing_else()
    {
        var valid = Samples.Valid("modern");
        var rendered = BuildGen.Rendered(valid);

        var configMap = PostfixConfigMap.Build(valid, rendered, BuildGen.Options());

        Assert.Equal(("v1", "ConfigMap", "modern-postfix", "mail"), (configMap.ApiVersion, configMap.Kind, configMap.Metadata.Name, configMap.Metadata.NamespaceProperty));
        Assert.Equal(["main.cf", "master.cf", "smtpd.conf"], configMap.Data.Keys);
        Assert.Equal(rendered.MainCf, configMap.Data["main.cf"]);
        Assert.Equal(rendered.MasterCf, configMap.Data["master.cf"]);
        Assert.Equal(rendered.SmtpdConf, configMap.Data["smtpd.conf"]);
        Assert.Null(configMap.BinaryData);
    }

    [Fact]
    public void Carries_no_password()
    {
        var valid = Samples.Valid("modern");

        var configMap = PostfixConfigMap.Build(valid, BuildGen.Rendered(valid), BuildGen.Options());

        Assert.All(BuildGen.Passwords(valid).Values, password => Assert.All(configMap.Data.Values, file => Assert.DoesNotContain(password, file)));
        Assert.DoesNotContain("password", configMap.Data[MainCf.FileName], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Has_the_standard_labels()
    {
        var valid = Samples.Valid("seed");

        var labels = PostfixConfigMap.Build(valid, BuildGen.Rendered(valid), BuildGen.Options()).Metadata.Labels;

        Assert.Equal(ChildMetadata.Labels(valid), labels);
        Assert.Equal("seed", labels["app.kubernetes.io/instance"]);
        Assert.Equal("seed", labels["mailsub.dev/submission"]);
    }

    [Fact]
    public void Names_the_peers_Service_once_it_has_an_address()
    {
        var valid = Samples.Valid("modern");
        var withAddress = BuildGen.Options() with { PeersClusterIp = System.Net.IPAddress.Parse("10.96.0.7") };

        Assert.DoesNotContain(QueueHandoff.PeerFileName, PostfixConfigMap.Build(valid, BuildGen.Rendered(valid), BuildGen.Options()).Data.Keys);
        Assert.Equal("[10.96.0.7]:19587", PostfixConfigMap.Build(valid, BuildGen.Rendered(valid), withAddress).Data[QueueHandoff.PeerFileName]);
    }
}
