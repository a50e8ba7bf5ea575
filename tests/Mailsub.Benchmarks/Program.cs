using Mailsub.Benchmarks;

// `make bench`: each harness prints its figures beside a baseline measured in the same run.
var which = args.FirstOrDefault() ?? "render";
return which switch
{
    "render" => RenderBenchmark.Run(),
    "smtp" => await SmtpBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Mailsub.Benchmarks render | smtp [--seconds N] [--rounds N] [--detail]");
    return 2;
}
