using Mailsub.Core.Builders;

namespace Mailsub.Core.Tests.Builders;

public class PostfixDisruptionBudgetTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Fewer_than_two_replicas_get_no_budget(int replicas)
    {
        Assert.Null(PostfixDisruptionBudget.Build(Gen.Valid(Gen.Submission("m", s => s.Workload.Replicas = replicas)), BuildGen.Options()));
    }

    [Fact]
    public void Two_or_more_may_lose_one_pod_at_a_time()
    {
        var valid = Gen.Valid(Gen.Submission("m", s => s.Workload.Replicas = 3));

        var budget = PostfixDisruptionBudget.Build(valid, BuildGen.Options())!;

        Assert.Equal(("policy/v1", "PodDisruptionBudget", "m-postfix", "mail"), (budget.ApiVersion, budget.Kind, budget.Metadata.Name, budget.Metadata.NamespaceProperty));
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        Assert.Null(budget.Spec.MinAvailable);
        Assert.Equal(ChildMetadata.Selector(valid), budget.Spec.Selector.MatchLabels);
    }

    [Fact]
    public void Kubernetes_1_20_gets_policy_v1beta1()
    {
        var budget = PostfixDisruptionBudget.Build(Samples.Valid("modern"), BuildGen.Options(DisruptionBudgetApiVersion.V1Beta1))!;

        Assert.Equal("policy/v1beta1", budget.ApiVersion);
    }
}
