using Mailsub.Core.Rendering;
using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Rendering;

/// <summary>
/// What the renderer may set: in main.cf only reserved parameters (which extraConfig cannot
/// set a second time) and extraConfig's own; in master.cf only known ones.
/// </summary>
public class RenderedParametersTests
{
    private static IEnumerable<ValidSubmission> Varied() =>
        Samples.All.Select(Samples.Valid)
            .Concat(Variations.All.Select(Variations.Valid))
            .Concat(RandomSubmissions.Generate(seed: 20261128, count: 300));

    [Fact]
    public void Main_cf_sets_only_reserved_parameters_and_extra_config()
    {
        foreach (var valid in Varied())
        {
            var parameters = PostfixSyntax.MainCfParameters(PostfixRenderer.Render(valid).MainCf);
            var unreserved = parameters.Select(p => p.Name)
                .Where(name => !PostfixParameters.Reserved.ContainsKey(name) && !valid.Spec.ExtraConfig.ContainsKey(name)
                    && !RelayRetry.Defaults.Any(d => d.Key == name));
            Assert.True(!unreserved.Any(), $"{valid.Name}: main.cf sets {string.Join(", ", unreserved)}, which PostfixParameters.Reserved lacks");
        }
    }

    [Fact]
    public void Relay_retry_timing_is_set_only_for_a_relay_host_and_extra_config_replaces_it_whole()
    {
        Assert.DoesNotContain("minimal_backoff_time", PostfixRenderer.Render(Samples.Valid("modern")).MainCf);
        var relayed = Variations.Valid("relay-ipv6-may");
        Assert.Contains("minimal_backoff_time = 30s", PostfixRenderer.Render(relayed).MainCf);

        relayed.Spec.ExtraConfig["maximal_backoff_time"] = "4000s";
        var mainCf = PostfixRenderer.Render(relayed).MainCf;

        Assert.DoesNotContain("minimal_backoff_time", mainCf);
        Assert.DoesNotContain("queue_run_delay", mainCf);
        Assert.Contains("maximal_backoff_time = 4000s", mainCf);
    }

    [Fact]
    public void Main_cf_sets_each_parameter_once()
    {
        foreach (var valid in Varied())
        {
            var names = PostfixSyntax.MainCfParameters(PostfixRenderer.Render(valid).MainCf).Select(p => p.Name).ToList();
            Assert.True(names.Count == names.Distinct().Count(), $"{valid.Name}: a parameter is set twice: {string.Join(", ", names)}");
        }
    }

    [Fact]
    public void Extra_config_reaches_main_cf_verbatim()
    {
        foreach (var valid in Varied())
        {
            var parameters = PostfixSyntax.MainCfParameters(PostfixRenderer.Render(valid).MainCf).ToDictionary(p => p.Name, p => p.Value);
            foreach (var (name, value) in valid.Spec.ExtraConfig)
                Assert.Equal(value, parameters[name]);
        }
    }

    [Fact]
    public void Master_cf_overrides_only_known_parameters()
    {
        foreach (var valid in Varied())
        {
            var unknown = PostfixSyntax.MasterCfOverrides(PostfixRenderer.Render(valid).MasterCf).Where(n => !PostfixParameters.Known.Contains(n));
            Assert.True(!unknown.Any(), $"{valid.Name}: master.cf overrides unknown parameters {string.Join(", ", unknown)}");
        }
    }

    [Fact]
    public void Every_rendered_name_is_a_postfix_3_7_parameter()
    {
        foreach (var valid in Varied())
        {
            var unknown = PostfixSyntax.MainCfParameters(PostfixRenderer.Render(valid).MainCf).Select(p => p.Name).Where(n => !PostfixParameters.Known.Contains(n));
            Assert.True(!unknown.Any(), $"{valid.Name}: main.cf sets unknown parameters {string.Join(", ", unknown)}");
        }
    }
}
