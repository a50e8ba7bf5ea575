using Mailsub.Core.Validation;

namespace Mailsub.Core.Tests.Validation;

/// <summary>extraConfig values of typed parameters: what Postfix's daemons parse (conv_int, conv_time, conv_bool).</summary>
public class ParameterTypeTests
{
    [Theory]
    [InlineData("smtpd_client_connection_count_limit", "50")]
    [InlineData("smtpd_client_connection_count_limit", "0")]
    [InlineData("message_size_limit", "52428800000")]
    [InlineData("smtpd_client_connection_count_limit", "$default_process_limit")]
    [InlineData("smtpd_client_connection_count_limit", "${stress?{5}:{50}}")]
    [InlineData("maximal_queue_lifetime", "5d")]
    [InlineData("maximal_queue_lifetime", "3600")]
    [InlineData("smtpd_tls_session_cache_timeout", "3600s")]
    [InlineData("biff", "no")]
    [InlineData("biff", "YES")]
    [InlineData("compatibility_level", "3.6")]
    [InlineData("smtpd_banner", "$myhostname ESMTP")]
    public void Accepted(string name, string value) => Assert.Null(PostfixParameters.ValueError(name, value));

    [Theory]
    [InlineData("smtpd_client_connection_count_limit", "lots", "is not a number")]
    [InlineData("smtpd_client_connection_count_limit", "5 0", "is not a number")]
    [InlineData("message_size_limit", "10M", "is not a number")]
    [InlineData("maximal_queue_lifetime", "5 days", "is not a time")]
    [InlineData("maximal_queue_lifetime", "5D", "is not a time")]
    [InlineData("maximal_queue_lifetime", "s", "is not a time")]
    [InlineData("biff", "true", "is not yes or no")]
    public void Refused(string name, string value, string why)
    {
        var error = PostfixParameters.ValueError(name, value);
        Assert.NotNull(error);
        Assert.Contains(why, error, StringComparison.Ordinal);
        Assert.Contains(name, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_known_parameter_has_a_type_and_the_types_match_the_defaults_they_came_from()
    {
        Assert.Equal(PostfixParameters.Known.Count, PostfixParameters.Types.Count);
        Assert.Equal(ParameterType.Int, PostfixParameters.Types["smtpd_client_connection_count_limit"]);
        Assert.Equal(ParameterType.Time, PostfixParameters.Types["maximal_queue_lifetime"]);
        Assert.Equal(ParameterType.Bool, PostfixParameters.Types["smtpd_tls_received_header"]);
        Assert.Equal(ParameterType.Text, PostfixParameters.Types["compatibility_level"]);
    }
}
