using Mailsub.Benchmarks;
using Mailsub.Benchmarks.Controller;
using Mailsub.Benchmarks.EndToEnd;

// `make bench`: each harness prints its figures beside a baseline measured in the same run.
var which = args.FirstOrDefault() ?? "render";
try
{
    return which switch
    {
        "render" => RenderBenchmark.Run(),
        "smtp" => await SmtpBenchmark.RunAsync(args[1..]),
        "controller" => await ControllerBenchmark.RunAsync(args[1..]),
        "e2e" => await EndToEndBenchmark.RunAsync(args[1..]),
        "webhook" => await WebhookBenchmark.RunAsync(args[1..]),
        _ => Usage(),
    };
}
catch (Exception e)
{
    // A harness that breaks says where, in one line and the trace, and exits 1: no unhandled-exception dump.
    Console.Error.WriteLine($"benchmark {which} failed: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Mailsub.Benchmarks render | smtp [--seconds N] [--rounds N] [--detail] [--quick]\n" +
        "       | controller [--count 500] [--rounds 1] [--workers 2] [--quiet 20] [--quick] [--bin bin/mailsub] [--scale 100,500,2000] [--census]\n" +
        "       | e2e | webhook [--quick]");
    return 2;
}
