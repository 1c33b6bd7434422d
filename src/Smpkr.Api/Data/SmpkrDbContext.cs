using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smpkr.Api.Accreditations;
using Smpkr.Api.Audit;
using Smpkr.Api.Classifiers;
using Smpkr.Api.Data.Seed;
using Smpkr.Api.Providers;
using Smpkr.Api.Publication;
using Smpkr.Api.Register;

namespace Smpkr.Api.Data;

public sealed class SmpkrDbContext(DbContextOptions<SmpkrDbContext> options) : DbContext(options)
{
    public DbSet<Classifier> Classifiers => Set<Classifier>();
    public DbSet<ClassifierItem> ClassifierItems => Set<ClassifierItem>();
    public DbSet<SeedRun> SeedRuns => Set<SeedRun>();
    public DbSet<Provider> Providers => Set<Provider>();
    public DbSet<RegisterRecord> Records => Set<RegisterRecord>();
    public DbSet<RecordVersion> RecordVersions => Set<RecordVersion>();
    public DbSet<RecordAlias> RecordAliases => Set<RecordAlias>();
    public DbSet<RecordLink> RecordLinks => Set<RecordLink>();
    public DbSet<Accreditation> Accreditations => Set<Accreditation>();
    public DbSet<CodeSequence> CodeSequences => Set<CodeSequence>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<IdempotentResponse> IdempotentResponses => Set<IdempotentResponse>();
    public DbSet<FeedEntry> FeedEntries => Set<FeedEntry>();
    public DbSet<PublishedRecord> PublishedRecords => Set<PublishedRecord>();
    public DbSet<FeedHead> FeedHead => Set<FeedHead>();

    /// <summary>The one place that says how the context talks to PostgreSQL (service, tools and tests).</summary>
    public static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options
            .UseNpgsql(dataSource, npgsql => npgsql.MigrationsAssembly(typeof(SmpkrDbContext).Assembly.GetName().Name))
            .UseSnakeCaseNamingConvention();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SmpkrDbContext).Assembly);
}
