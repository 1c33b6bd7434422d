using Smpkr.Api.Benchmarks;

// Benchmarks are commands that print figures next to a baseline measured in the same run.
// Usage: dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- ingest [--records N] [--no-write]
return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- ingest [--records 10000] [--no-write]");
    return 2;
}
