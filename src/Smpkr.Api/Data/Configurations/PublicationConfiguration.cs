using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smpkr.Api.Publication;
using Smpkr.Api.Register;

namespace Smpkr.Api.Data.Configurations;

internal sealed class FeedEntryConfiguration : IEntityTypeConfiguration<FeedEntry>
{
    public void Configure(EntityTypeBuilder<FeedEntry> builder)
    {
        // An entry over 2 KB (a record with long texts, a change with a large patch) would otherwise have its JSON
        // compressed (pglz) and partly moved to the TOAST table, and every feed page reading it paid for that.
        // Kept inline up to a page: on a register whose entries passed 2 KB in 38 % of cases the feed page
        // statement ran 1.6x as fast (docs/benchmarks.md).
        builder.ToTable("feed_entries");
        builder.HasStorageParameter("toast_tuple_target", 8160);
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        builder.Property(e => e.ObjectType).HasMaxLength(32);
        builder.Property(e => e.Code).HasMaxLength(32);
        builder.Property(e => e.PreviousCode).HasMaxLength(32);
        builder.Property(e => e.Op).HasMaxLength(16);

        // json, not jsonb: the text is served as stored, members in their published order.
        builder.Property(e => e.Content).HasColumnType("json");
        builder.Property(e => e.Patch).HasColumnType("json");
        builder.HasIndex(e => new { e.ObjectType, e.Sequence });
        builder.HasIndex(e => new { e.RecordId, e.Sequence });
        builder.HasOne<RegisterRecord>().WithMany().HasForeignKey(e => e.RecordId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PublishedRecordConfiguration : IEntityTypeConfiguration<PublishedRecord>
{
    public void Configure(EntityTypeBuilder<PublishedRecord> builder)
    {
        builder.ToTable("published_records");
        builder.HasKey(p => p.RecordId);
        builder.Property(p => p.ObjectType).HasMaxLength(32);
        builder.Property(p => p.Code).HasMaxLength(32);
        builder.Property(p => p.Kind).HasMaxLength(32);
        builder.Property(p => p.Status).HasMaxLength(16);
        builder.Property(p => p.Content).HasColumnType("json");
        builder.HasIndex(p => new { p.ObjectType, p.Code }).IsUnique();
        builder.HasOne<RegisterRecord>().WithOne().HasForeignKey<PublishedRecord>(p => p.RecordId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class FeedHeadConfiguration : IEntityTypeConfiguration<FeedHead>
{
    public void Configure(EntityTypeBuilder<FeedHead> builder)
    {
        builder.ToTable("feed_head", t => t.HasCheckConstraint("ck_feed_head_single_row", "id = 1"));
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.HasData(new FeedHead { Id = 1, LastSequence = 0 });
    }
}
