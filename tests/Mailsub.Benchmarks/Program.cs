using Mailsub.Benchmarks;
using Mailsub.Benchmarks.Controller;

// `make bench`: each harness prints its figures beside a baseline measured in the same run.
var which = args.FirstOrDefault() ?? "render";
return which switch
{
    "render" => RenderBenchmark.Run(),
    "smtp" => await SmtpBenchmark.RunAsync(args[1..]),
    "controller" => await ControllerBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Mailsub.Benchmarks render | smtp [--seconds N] [--rounds N] [--detail]\n" +
        "       | controller [--count 500] [--rounds 1] [--workers 2] [--quiet 20] [--quick] [--bin bin/mailsub]");
    return 2;
}
