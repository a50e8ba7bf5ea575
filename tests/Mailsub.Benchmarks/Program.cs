using Mailsub.Benchmarks;

// `make bench`: each harness prints its figures beside a baseline measured in the same run.
var which = args.FirstOrDefault() ?? "render";
return which switch
{
    "render" => RenderBenchmark.Run(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Mailsub.Benchmarks render");
    return 2;
}
