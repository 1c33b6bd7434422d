using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Smpkr.Api.Data.Seed;

/// <summary>Which version (content hash) of a seed data set was last applied, so start-up skips unchanged seeds.</summary>
public sealed class SeedRun
{
    public required string Name { get; init; }
    public required string ContentHash { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}

internal sealed class SeedRunConfiguration : IEntityTypeConfiguration<SeedRun>
{
    public void Configure(EntityTypeBuilder<SeedRun> builder)
    {
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(64);
        builder.Property(s => s.ContentHash).HasMaxLength(64);
    }
}
