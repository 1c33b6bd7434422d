using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Classifiers;
using Smpkr.Api.Data.Seed;

namespace Smpkr.Api.Data;

public sealed class SmpkrDbContext(DbContextOptions<SmpkrDbContext> options) : DbContext(options)
{
    public DbSet<Classifier> Classifiers => Set<Classifier>();
    public DbSet<ClassifierItem> ClassifierItems => Set<ClassifierItem>();
    public DbSet<SeedRun> SeedRuns => Set<SeedRun>();

    /// <summary>The one place that says how the context talks to PostgreSQL (service, tools and tests).</summary>
    public static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options
            .UseNpgsql(dataSource, npgsql => npgsql.MigrationsAssembly(typeof(SmpkrDbContext).Assembly.GetName().Name))
            .UseSnakeCaseNamingConvention();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SmpkrDbContext).Assembly);
}
