using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Data;

namespace Smpkr.Api.Benchmarks;

/// <summary>
/// <c>generate</c>: migrates and seeds the database named by <c>--connection</c> (or
/// <c>ConnectionStrings__Smpkr</c>) and fills it with a generated register.
/// </summary>
internal static class GenerateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var connectionString = Args.Text(args, "--connection") ?? Environment.GetEnvironmentVariable($"ConnectionStrings__{DataSetup.ConnectionStringName}");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Console.Error.WriteLine("generate needs --connection \"Host=…;Database=…\" (or ConnectionStrings__Smpkr) naming an empty database.");
            return 2;
        }

        var programmes = Args.Number(args, "--programmes", 100_000);
        var seed = Args.Number(args, "--seed", 1);
        await MigrateAsync(connectionString);
        var summary = await new RegisterGenerator(programmes, seed).RunAsync(connectionString, line => Console.WriteLine($"  {line}"));
        Console.WriteLine($"Generated {summary.Records} records ({programmes} programmes), {summary.Versions} versions, {summary.Providers} extra providers " +
                          $"in {(summary.Load + summary.PostSteps).TotalSeconds:F1} s (seed {seed}).");
        return 0;
    }

    public static async Task MigrateAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<SmpkrDbContext>();
        SmpkrDbContext.Configure(options, dataSource);
        await using var db = new SmpkrDbContext(options.Options);
        await DataSetup.MigrateAndSeedAsync(db, TimeProvider.System, CancellationToken.None);
    }
}

/// <summary>The command line's <c>--name value</c> options.</summary>
internal static class Args
{
    public static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public static int Number(string[] args, string name, int fallback) =>
        Text(args, name) is { } text ? int.Parse(text.Replace("_", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
