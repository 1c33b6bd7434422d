using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smpkr.Api.Classifiers;

namespace Smpkr.Api.Data.Configurations;

internal sealed class ClassifierConfiguration : IEntityTypeConfiguration<Classifier>
{
    public void Configure(EntityTypeBuilder<Classifier> builder)
    {
        builder.HasKey(c => c.Abbreviation);
        builder.Property(c => c.Abbreviation).HasMaxLength(64);
        builder.Property(c => c.NameLt).HasMaxLength(250);
        builder.Property(c => c.NameEn).HasMaxLength(250);
        builder.Property(c => c.Description).HasMaxLength(2000);
        builder.HasMany(c => c.Items).WithOne().HasForeignKey(i => i.ClassifierAbbreviation);
    }
}

internal sealed class ClassifierItemConfiguration : IEntityTypeConfiguration<ClassifierItem>
{
    public void Configure(EntityTypeBuilder<ClassifierItem> builder)
    {
        builder.HasKey(i => new { i.ClassifierAbbreviation, i.Code });
        builder.Property(i => i.ClassifierAbbreviation).HasMaxLength(64);
        builder.Property(i => i.Code).HasMaxLength(64);
        builder.Property(i => i.NameLt).HasMaxLength(250);
        builder.Property(i => i.NameEn).HasMaxLength(250);
        builder.Property(i => i.Description).HasMaxLength(2000);
        builder.Property(i => i.ParentCode).HasMaxLength(64);
        builder.HasOne<ClassifierItem>()
            .WithMany()
            .HasForeignKey(i => new { i.ClassifierAbbreviation, i.ParentCode })
            .OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(i => new { i.ClassifierAbbreviation, i.ParentCode });
        builder.HasIndex(i => new { i.ClassifierAbbreviation, i.Position });
    }
}
