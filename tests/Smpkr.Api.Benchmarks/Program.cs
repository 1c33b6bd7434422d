using Smpkr.Api.Benchmarks;

// Benchmarks are commands that print figures next to a baseline measured in the same run.
// Usage: dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- ingest [--records N] [--no-write]
//        … -- search [--programmes 100000] [--seconds 10] [--no-write]
//        … -- search --scale [--sizes 10000,100000,1000000] [--seconds 10]
//        … -- open-data [--programmes 100000] [--seconds 10] [--no-write]; --scale [--sizes 10000,100000,1000000]
//        … -- startup [--programmes 100000] [--rounds 5] [--idle-seconds 10] [--no-write]
//        … -- generate --connection "Host=…;Database=…" [--programmes 100000] [--seed 1]
return args.FirstOrDefault() switch
{
    "ingest" => await IngestBenchmark.RunAsync(args.Skip(1).ToArray()),
    "generate" => await GenerateCommand.RunAsync(args.Skip(1).ToArray()),
    "search" => await SearchBenchmark.RunAsync(args.Skip(1).ToArray()),
    "open-data" => await OpenDataBenchmark.RunAsync(args.Skip(1).ToArray()),
    "startup" => await StartupBenchmark.RunAsync(args.Skip(1).ToArray()),
    "bare-service" => await StartupBenchmark.BareServiceAsync(args.Skip(1).ToArray()), // the start-up benchmark's baseline process
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- ingest [--records 10000] [--no-write]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- search [--programmes 100000] [--seconds 10] [--no-write]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- search --scale [--sizes 10000,100000,1000000] [--seconds 10]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- open-data [--programmes 100000] [--seconds 10] [--no-write] | --scale [--sizes 10000,100000,1000000]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- startup [--programmes 100000] [--rounds 5] [--idle-seconds 10] [--no-write]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/Smpkr.Api.Benchmarks -- generate --connection \"Host=…;Database=…\" [--programmes 100000] [--seed 1]");
    return 2;
}
