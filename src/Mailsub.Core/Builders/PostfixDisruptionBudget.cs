using k8s.Models;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Builders;

/// <summary>Keeps all but one Postfix pod through voluntary disruptions (drains), when there are two or more.</summary>
public static class PostfixDisruptionBudget
{
    public static V1PodDisruptionBudget? Build(ValidSubmission valid, BuildOptions options)
    {
        if (valid.Spec.Workload.Replicas < 2)
            return null;
        return new V1PodDisruptionBudget
        {
            // policy/v1beta1 has the same shape for maxUnavailable and selector, so one model serves both.
            ApiVersion = options.DisruptionBudgetApiVersion == DisruptionBudgetApiVersion.V1Beta1 ? "policy/v1beta1" : "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = ChildMetadata.For(valid, ChildNames.Postfix(valid)),
            Spec = new V1PodDisruptionBudgetSpec
            {
                MaxUnavailable = (IntOrString)1,
                Selector = new V1LabelSelector { MatchLabels = ChildMetadata.Selector(valid) },
            },
        };
    }
}
