using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smpkr.Api.Register;
using Smpkr.Api.Search;

namespace Smpkr.Api.Data.Configurations;

/// <summary>
/// The search table. Its text vector, folded text and name sort key are generated columns and its
/// text indexes use operator classes EF does not model; the Search migration adds them in SQL.
/// </summary>
internal sealed class SearchEntryConfiguration : IEntityTypeConfiguration<SearchEntry>
{
    public void Configure(EntityTypeBuilder<SearchEntry> builder)
    {
        builder.ToTable("search_entries");
        builder.HasKey(e => e.RecordId);
        builder.HasOne<RegisterRecord>().WithOne().HasForeignKey<SearchEntry>(e => e.RecordId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.ObjectType).HasMaxLength(32);
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Owner).HasMaxLength(32);
        builder.Property(e => e.Code).HasMaxLength(32);
        builder.Property(e => e.NameLt).HasMaxLength(250);
        builder.Property(e => e.NameEn).HasMaxLength(250);
        builder.Property(e => e.SummaryLt).HasMaxLength(SearchEntry.MaxSummaryLength);
        builder.Property(e => e.SummaryEn).HasMaxLength(SearchEntry.MaxSummaryLength);
        builder.Property(e => e.FieldGroup).HasMaxLength(32);
        builder.Property(e => e.StudyField).HasMaxLength(32);
        builder.Property(e => e.LtksLevel).HasMaxLength(8);
        builder.Property(e => e.Cycle).HasMaxLength(32);
        builder.Property(e => e.StudyType).HasMaxLength(32);
        builder.HasIndex(e => new { e.ObjectType, e.RecordId });
        builder.HasIndex(e => new { e.ObjectType, e.Status });
        builder.HasIndex(e => new { e.ObjectType, e.Kind });
        builder.HasIndex(e => new { e.ObjectType, e.FieldGroup });
        builder.HasIndex(e => new { e.ObjectType, e.StudyField });
        builder.HasIndex(e => new { e.ObjectType, e.LtksLevel });
        builder.HasIndex(e => new { e.ObjectType, e.EqfLevel });
        builder.HasIndex(e => new { e.ObjectType, e.Cycle });
        builder.HasIndex(e => new { e.ObjectType, e.StudyType });
        builder.HasIndex(e => new { e.ObjectType, e.RegisteredOn, e.RecordId });
        builder.HasIndex(e => new { e.ObjectType, e.ChangedAt, e.RecordId });
        builder.HasIndex(e => e.Providers).HasMethod("gin");
        builder.HasIndex(e => e.IscedFPrefixes).HasMethod("gin");
        builder.HasIndex(e => e.Languages).HasMethod("gin");
        builder.HasIndex(e => e.Forms).HasMethod("gin");
    }
}
