using System.Text;
using Mailsub.Runtime.Api;

namespace Mailsub.Runtime.Tests.Api;

public sealed class ApiTypesTests
{
    [Fact]
    public void ResourcePathsForCoreGroupsAndClusterScope()
    {
        Assert.Equal("/api/v1/namespaces/n/configmaps", WellKnownResources.ConfigMaps.CollectionPath("n"));
        Assert.Equal("/api/v1/configmaps", WellKnownResources.ConfigMaps.CollectionPath(null));
        Assert.Equal("/apis/mailsub.dev/v1alpha1/namespaces/n/mailsubmissions/m",
            new ApiResource("mailsub.dev", "v1alpha1", "mailsubmissions", "MailSubmission").ObjectPath("n", "m"));
        Assert.Equal("/api/v1/namespaces/n", TestKinds.Namespaces.ObjectPath("ignored", "n"));
        Assert.Equal("policy/v1beta1", WellKnownResources.PodDisruptionBudgetsV1Beta1.ApiVersion);
        Assert.Throws<ArgumentException>(() => WellKnownResources.ConfigMaps.ObjectPath(null, "x"));
    }

    [Theory]
    [InlineData("ns", "name", "ns/name")]
    [InlineData(null, "name", "name")]
    [InlineData("", "name", "name")]
    public void ObjectKeysPrintAsMetaNamespaceKeyFunc(string? ns, string name, string text) => Assert.Equal(text, new ObjectKey(ns, name).ToString());

    [Fact]
    public void ApiExceptionsAreTypedAndKeepServerTextOutOfTheMessage()
    {
        var status = StatusBody.TryParse(Encoding.UTF8.GetBytes(
            """{"kind":"Status","code":409,"reason":"Conflict","message":"Apply failed: secret value s3cr3t","details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"mailsub\"","field":".data.k"}]}}"""));
        var ex = KubeApiException.Create(409, status.Reason, "PATCH", "/api/v1/namespaces/n/configmaps/c", status.Message, status.Causes);

        var conflict = Assert.IsType<KubeConflictException>(ex);
        Assert.Equal(409, conflict.StatusCode);
        Assert.Equal("PATCH /api/v1/namespaces/n/configmaps/c: 409 Conflict (.data.k: FieldManagerConflict)", conflict.Message);
        Assert.DoesNotContain("s3cr3t", conflict.Message);
        Assert.Equal("Apply failed: secret value s3cr3t", conflict.ServerMessage);
        Assert.IsType<KubeNotFoundException>(KubeApiException.Create(404, "NotFound", "GET", "/x"));
        Assert.IsType<KubeGoneException>(KubeApiException.Create(410, "Expired", "GET", "/x"));
        Assert.Equal(500, KubeApiException.Create(500, null, "GET", "/x").StatusCode);
    }

    [Fact]
    public void DiscoveryReadsTheResourceList()
    {
        var list = Encoding.UTF8.GetBytes("""{"kind":"APIResourceList","groupVersion":"policy/v1beta1","resources":[{"name":"poddisruptionbudgets"},{"name":"poddisruptionbudgets/status"}]}""");
        Assert.True(ApiDiscovery.ListsResource(list, "poddisruptionbudgets"));
        Assert.False(ApiDiscovery.ListsResource(list, "podsecuritypolicies"));
    }
}
