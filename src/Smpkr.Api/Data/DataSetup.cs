using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;
using Smpkr.Api.Data.Seed;

namespace Smpkr.Api.Data;

internal static class DataSetup
{
    public const string ConnectionStringName = "Smpkr";

    /// <summary>One <see cref="NpgsqlDataSource"/> and a pooled context over it; the connection string is read when first needed.</summary>
    public static void AddData(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => CreateDataSource(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddDbContextPool<SmpkrDbContext>((sp, options) =>
            SmpkrDbContext.Configure(options, sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton(TimeProvider.System);
    }

    /// <summary>The register's data source (prepared statements; searches have their own, see <see cref="Build"/>).</summary>
    public static NpgsqlDataSource CreateDataSource(IConfiguration configuration, bool prepared = true)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"No database is configured: set ConnectionStrings__{ConnectionStringName} (outside Development there are no dev services).");
        }

        return Build(connectionString, prepared ? "smpkr" : "smpkr-search", prepared);
    }

    /// <summary>
    /// A data source of the service. The register's and the open data's statements are a fixed set run again
    /// and again, so they are prepared on the server on first use (Npgsql's automatic preparation, unless the
    /// connection string sets its own <c>Max Auto Prepare</c>): a later run skips parsing and planning, which
    /// were half of PostgreSQL's time for a read by code. Searches are the exception (<paramref name="prepared"/>
    /// false): a prepared statement may be planned once for every later call, and no one plan suits both a rare
    /// word and a common one.
    /// A connection goes back to its pool without a reset (Npgsql's <c>No Reset On Close</c>, unless the connection
    /// string says otherwise): the service keeps no session state (no <c>SET</c> outside a transaction, no
    /// <c>LISTEN</c>, no session advisory locks, no temporary tables), and the reset statement PostgreSQL ran at
    /// every reuse took about a fifth of its CPU per read by code (measured with <c>wrk</c>, docs/benchmarks.md).
    /// </summary>
    public static NpgsqlDataSource Build(string connectionString, string name, bool prepared)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = name };
        var settings = builder.ConnectionStringBuilder;
        if (!Sets(settings, "No Reset On Close"))
        {
            settings.NoResetOnClose = true;
        }

        if (!prepared)
        {
            settings.MaxAutoPrepare = 0;
        }
        else if (!Sets(settings, "Max Auto Prepare"))
        {
            settings.MaxAutoPrepare = 64;
        }

        return builder.Build();
    }

    /// <summary>
    /// Whether the connection string itself gives <paramref name="keyword"/> (under any of its spellings).
    /// Not <c>ContainsKey</c>: Npgsql's builder answers true there for every keyword it knows, set or not.
    /// </summary>
    private static bool Sets(NpgsqlConnectionStringBuilder settings, string keyword) =>
        settings.Keys.Cast<string>().Contains(keyword, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Applies migrations and seed data when <c>Database:MigrateOnStartup</c> is true (the Development
    /// default). Elsewhere migrations are an explicit deployment step run by the owner role.
    /// </summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Database:MigrateOnStartup", app.Environment.IsDevelopment()))
        {
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmpkrDbContext>();
        await MigrateAndSeedAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>(), app.Lifetime.ApplicationStopping);
    }

    public static async Task MigrateAndSeedAsync(SmpkrDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        await ClassifierSeed.ApplyAsync(db, clock, cancellationToken);
        await ProviderSeed.ApplyAsync(db, clock, cancellationToken);
    }
}

/// <summary>Lets <c>dotnet ef</c> build the model without starting the host (and its dev services).</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<SmpkrDbContext>
{
    public SmpkrDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable($"ConnectionStrings__{DataSetup.ConnectionStringName}")
            ?? "Host=localhost;Database=smpkr_design_time";
        var options = new DbContextOptionsBuilder<SmpkrDbContext>();
        SmpkrDbContext.Configure(options, new NpgsqlDataSourceBuilder(connectionString).Build());
        return new SmpkrDbContext(options.Options);
    }
}
