using Mailsub.Core.Rendering;

namespace Mailsub.Core.Tests.Rendering;

public class PostfixRendererTests
{
    [Theory]
    [MemberData(nameof(Samples.Names), MemberType = typeof(Samples))]
    public void Samples_render_as_their_golden_files(string sample)
    {
        var rendered = PostfixRenderer.Render(Samples.Valid(sample));

        foreach (var (file, content) in rendered.Files)
            Golden.Check(content, "tests", "Mailsub.Core.Tests", "Rendering", "testdata", $"{sample}.{file}.golden");
    }
}
