using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smpkr.Api.Audit;
using Smpkr.Api.Providers;
using Smpkr.Api.Register;

namespace Smpkr.Api.Data.Configurations;

internal sealed class RegisterRecordConfiguration : IEntityTypeConfiguration<RegisterRecord>
{
    public void Configure(EntityTypeBuilder<RegisterRecord> builder)
    {
        builder.ToTable("register_records");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.ObjectType).HasMaxLength(32);
        builder.Property(r => r.Kind).HasMaxLength(32);
        builder.Property(r => r.Code).HasMaxLength(32);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.PendingStatus).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Owner).HasMaxLength(32);
        builder.Property(r => r.Working).HasColumnType("jsonb");
        builder.Property(r => r.NameLt).HasMaxLength(250);
        builder.Property(r => r.NameEn).HasMaxLength(250);
        builder.Property(r => r.DeregistrationReason).HasMaxLength(64);
        builder.Property(r => r.SupersededBy).HasMaxLength(32);
        builder.Property(r => r.ReturnComment).HasMaxLength(2000);
        builder.Property(r => r.DeregistrationRequest).HasColumnType("jsonb");
        builder.Property(r => r.Revision).IsConcurrencyToken();
        builder.Ignore(r => r.WasRegistered);
        builder.HasIndex(r => new { r.ObjectType, r.Code }).IsUnique();
        builder.HasIndex(r => new { r.ObjectType, r.Owner, r.Id });
        builder.HasIndex(r => new { r.ObjectType, r.Status, r.Id });
        builder.HasIndex(r => new { r.ObjectType, r.Kind, r.Id });
        builder.HasOne<Provider>().WithMany().HasForeignKey(r => r.Owner).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RecordVersionConfiguration : IEntityTypeConfiguration<RecordVersion>
{
    public void Configure(EntityTypeBuilder<RecordVersion> builder)
    {
        builder.HasKey(v => new { v.RecordId, v.Version });
        builder.Property(v => v.Content).HasColumnType("jsonb");
        builder.HasOne<RegisterRecord>().WithMany().HasForeignKey(v => v.RecordId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RecordAliasConfiguration : IEntityTypeConfiguration<RecordAlias>
{
    public void Configure(EntityTypeBuilder<RecordAlias> builder)
    {
        builder.HasKey(a => new { a.ObjectType, a.Code });
        builder.Property(a => a.ObjectType).HasMaxLength(32);
        builder.Property(a => a.Code).HasMaxLength(32);
        builder.HasIndex(a => a.RecordId);
        builder.HasOne<RegisterRecord>().WithMany().HasForeignKey(a => a.RecordId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RecordLinkConfiguration : IEntityTypeConfiguration<RecordLink>
{
    public void Configure(EntityTypeBuilder<RecordLink> builder)
    {
        builder.HasKey(l => new { l.RecordId, l.Path });
        builder.Property(l => l.Path).HasMaxLength(200);
        builder.Property(l => l.TargetType).HasMaxLength(32);
        builder.Property(l => l.TargetCode).HasMaxLength(32);
        builder.HasIndex(l => new { l.TargetType, l.TargetCode });
        builder.HasOne<RegisterRecord>().WithMany().HasForeignKey(l => l.RecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CodeSequenceConfiguration : IEntityTypeConfiguration<CodeSequence>
{
    public void Configure(EntityTypeBuilder<CodeSequence> builder)
    {
        builder.HasKey(s => s.Prefix);
        builder.Property(s => s.Prefix).HasMaxLength(32);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.Property(a => a.ActorSubject).HasMaxLength(200);
        builder.Property(a => a.ActorRole).HasMaxLength(32);
        builder.Property(a => a.ActorProvider).HasMaxLength(32);
        builder.Property(a => a.Action).HasMaxLength(32);
        builder.Property(a => a.ObjectType).HasMaxLength(32);
        builder.Property(a => a.Code).HasMaxLength(32);
        builder.Property(a => a.Owner).HasMaxLength(32);
        builder.Property(a => a.Changes).HasColumnType("jsonb");
        builder.Property(a => a.Comment).HasMaxLength(2000);
        builder.Property(a => a.RequestId).HasMaxLength(100);
        builder.Property(a => a.ClientAddress).HasMaxLength(64);
        builder.HasIndex(a => new { a.RecordId, a.Id });
        builder.HasIndex(a => new { a.ActorSubject, a.Id });
        builder.HasIndex(a => new { a.Owner, a.Id });
        builder.HasIndex(a => a.At);
    }
}

internal sealed class ProviderConfiguration : IEntityTypeConfiguration<Provider>
{
    public void Configure(EntityTypeBuilder<Provider> builder)
    {
        builder.HasKey(p => p.Code);
        builder.Property(p => p.Code).HasMaxLength(32);
        builder.Property(p => p.CodeType).HasMaxLength(32);
        builder.Property(p => p.NameLt).HasMaxLength(250);
        builder.Property(p => p.NameEn).HasMaxLength(250);
        builder.Property(p => p.Type).HasMaxLength(32);
        builder.Property(p => p.Address).HasMaxLength(250);
    }
}

internal sealed class IdempotentResponseConfiguration : IEntityTypeConfiguration<IdempotentResponse>
{
    public void Configure(EntityTypeBuilder<IdempotentResponse> builder)
    {
        builder.HasKey(i => new { i.Subject, i.Key });
        builder.Property(i => i.Subject).HasMaxLength(200);
        builder.Property(i => i.Key).HasMaxLength(100);
        builder.Property(i => i.RequestHash).HasMaxLength(64);
        builder.Property(i => i.Location).HasMaxLength(500);
        builder.Property(i => i.ETag).HasMaxLength(64);
        // Text, not jsonb: a replay must return the first response byte for byte.
        builder.Property(i => i.Body);
        builder.HasIndex(i => i.CreatedAt);
    }
}
