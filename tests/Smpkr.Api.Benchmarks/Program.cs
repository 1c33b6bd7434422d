using Smpkr.Api.Benchmarks;

// Benchmarks are commands that print figures next to a baseline measured in the same run.
// Usage: dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- ingest [--records N] [--no-write]
//        … -- generate --connection "Host=…;Database=…" [--programmes 100000] [--seed 1]
return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args.Skip(1).ToArray()),
    "generate" => await GenerateCommand.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- ingest [--records 10000] [--no-write]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- generate --connection \"Host=…;Database=…\" [--programmes 100000] [--seed 1]");
    return 2;
}
