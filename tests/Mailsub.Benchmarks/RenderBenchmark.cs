using Mailsub.Core.Rendering;
using Mailsub.Core.Serialization;
using Mailsub.Core.Validation;

namespace Mailsub.Benchmarks;

/// <summary>
/// Render time per resource and per template, against the baseline of parsing each template on
/// every render (what "parse once" saves).
/// </summary>
public static class RenderBenchmark
{
    private const int Iterations = 2000;

    public static int Run()
    {
        var root = RepositoryRoot.Path;
        Console.WriteLine($"render benchmark: median of 7 rounds of {Iterations} renders, microseconds per render");
        Console.WriteLine($"{"sample",-8} {"part",-22} {"parsed once",12} {"parse each",12} {"ratio",7}");
        foreach (var sample in new[] { "seed", "modern" })
        {
            var read = ManifestReader.ReadMailSubmission(File.ReadAllText(Path.Combine(root, "samples", sample + ".yaml")));
            var valid = SubmissionValidator.Validate(read.Resource!).Valid!;
            var model = TemplateModel.Build(valid);

            var modelTime = Measure.MedianMicroseconds(() => TemplateModel.Build(valid), Iterations);
            Row(sample, "model (ScriptObject)", modelTime, modelTime);
            foreach (var (name, template) in new[] { ("main.cf.sbn", PostfixRenderer.MainCf), ("master.cf.sbn", PostfixRenderer.MasterCf), ("smtpd.conf.sbn", PostfixRenderer.SmtpdConf) })
            {
                var once = Measure.MedianMicroseconds(() => PostfixRenderer.Render(template, model), Iterations);
                var each = Measure.MedianMicroseconds(() => PostfixRenderer.Render(PostfixRenderer.Load(name), model), Iterations);
                Row(sample, name, once, each);
            }
            var whole = Measure.MedianMicroseconds(() => PostfixRenderer.Render(valid), Iterations);
            var wholeEach = Measure.MedianMicroseconds(() =>
            {
                var m = TemplateModel.Build(valid);
                foreach (var name in new[] { "main.cf.sbn", "master.cf.sbn", "smtpd.conf.sbn" })
                    PostfixRenderer.Render(PostfixRenderer.Load(name), m);
            }, Iterations);
            Row(sample, "resource (all three)", whole, wholeEach);
        }
        return 0;
    }

    private static void Row(string sample, string part, double once, double each) =>
        Console.WriteLine($"{sample,-8} {part,-22} {once,12:F1} {each,12:F1} {each / once,6:F1}x");
}
