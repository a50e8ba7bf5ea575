namespace Mailsub.Postfix.Tests;

public class StateLayoutTests
{
    [Fact]
    public void Generation_directories_are_numbered_and_nothing_else_is_one()
    {
        var state = new StateLayout("/s");

        Assert.Equal("/s/etc.12", state.GenerationDir(12));
        Assert.Equal(12, StateLayout.GenerationOf("etc.12"));
        Assert.Null(StateLayout.GenerationOf("etc"));
        Assert.Null(StateLayout.GenerationOf("etc.new"));
        Assert.Null(StateLayout.GenerationOf("queue"));
    }
}
