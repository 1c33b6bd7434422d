using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Smpkr.Api.Register;

namespace Smpkr.Api.Accreditations;

/// <summary>
/// One accreditation decision on a study programme (spec/domain.md §2.7), recorded by the accreditor
/// (SKVC). Decisions are never changed: a new decision is a new row, and the latest one is current.
/// </summary>
public sealed class Accreditation
{
    public Guid Id { get; init; }

    public Guid ProgrammeId { get; init; }

    public required string Decision { get; init; }

    public DateOnly DecidedOn { get; init; }

    public DateOnly? ValidUntil { get; init; }

    public required string DecisionNumber { get; init; }

    /// <summary>Criterion scores (JSON list of { criterion, score }).</summary>
    public required string Scores { get; init; }

    public DateTimeOffset RecordedAt { get; init; }
}

internal sealed class AccreditationConfiguration : IEntityTypeConfiguration<Accreditation>
{
    public void Configure(EntityTypeBuilder<Accreditation> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Decision).HasMaxLength(32);
        builder.Property(a => a.DecisionNumber).HasMaxLength(100);
        builder.Property(a => a.Scores).HasColumnType("jsonb");
        builder.HasIndex(a => new { a.ProgrammeId, a.DecidedOn });
        builder.HasIndex(a => a.ValidUntil);
        builder.HasOne<RegisterRecord>().WithMany().HasForeignKey(a => a.ProgrammeId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>Decisions an accreditation can have.</summary>
public static class AccreditationDecisions
{
    public const string Accredited = "accredited";
    public const string Conditionally = "accredited-conditionally";
    public const string NotAccredited = "not-accredited";

    public static readonly IReadOnlyList<string> All = [Accredited, Conditionally, NotAccredited];
}

/// <summary>An accreditation decision as the accreditor sends it.</summary>
public sealed record AccreditationInput
{
    /// <summary><c>accredited</c>, <c>accredited-conditionally</c> or <c>not-accredited</c>.</summary>
    /// <example>accredited</example>
    [Required]
    [MaxLength(32)]
    [RegularExpression("^(accredited|accredited-conditionally|not-accredited)$")]
    public string? Decision { get; init; }

    /// <summary>Day of the decision; not in the future.</summary>
    /// <example>2024-06-28</example>
    [Required]
    public DateOnly? DecidedOn { get; init; }

    /// <summary>Last day the accreditation holds; required unless not accredited, after decidedOn.</summary>
    /// <example>2030-06-30</example>
    public DateOnly? ValidUntil { get; init; }

    /// <summary>Decision number.</summary>
    /// <example>SV6-45</example>
    [Required]
    [MaxLength(100)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? DecisionNumber { get; init; }

    /// <summary>Scores per assessment criterion.</summary>
    [MaxLength(20)]
    public IReadOnlyList<CriterionScore>? Scores { get; init; }
}

/// <summary>The score of one assessment criterion.</summary>
public sealed record CriterionScore
{
    /// <summary>The criterion.</summary>
    [Required]
    public LocalizedTextInput? Criterion { get; init; }

    /// <summary>Score, 1–5.</summary>
    /// <example>4</example>
    [Required]
    [Range(1, 5)]
    public int? Score { get; init; }
}

/// <summary>A recorded accreditation decision.</summary>
public sealed record AccreditationResponse
{
    /// <summary>The decision's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The decision.</summary>
    /// <example>accredited</example>
    [MaxLength(32)]
    [RegularExpression("^(accredited|accredited-conditionally|not-accredited)$")]
    public required string Decision { get; init; }

    /// <summary>Day of the decision.</summary>
    public DateOnly DecidedOn { get; init; }

    /// <summary>Last day the accreditation holds.</summary>
    public DateOnly? ValidUntil { get; init; }

    /// <summary>Decision number.</summary>
    /// <example>SV6-45</example>
    [MaxLength(100)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public required string DecisionNumber { get; init; }

    /// <summary>Scores per criterion.</summary>
    [MaxLength(20)]
    public required IReadOnlyList<CriterionScore> Scores { get; init; }

    /// <summary>True when the accreditation no longer holds today (expired, or not accredited).</summary>
    public bool Expired { get; init; }
}

/// <summary>A programme's accreditation: the decision in force and the history of decisions.</summary>
public sealed record ProgrammeAccreditations
{
    /// <summary>The programme's state code.</summary>
    /// <example>6121BX028</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9]+$")]
    public string? Code { get; init; }

    /// <summary>The latest decision; absent when there is none.</summary>
    public AccreditationResponse? Current { get; init; }

    /// <summary>Every decision, newest first.</summary>
    [MaxLength(1000)]
    public required IReadOnlyList<AccreditationResponse> History { get; init; }
}

/// <summary>A study programme whose accreditation has expired or is about to.</summary>
public sealed record AccreditationAlert
{
    /// <summary>The programme's id.</summary>
    public Guid ProgrammeId { get; init; }

    /// <summary>Its state code.</summary>
    /// <example>6121BX028</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9]+$")]
    public string? Code { get; init; }

    /// <summary>Its owner.</summary>
    /// <example>211950810</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9-]+$")]
    public required string Owner { get; init; }

    /// <summary>The latest decision.</summary>
    public required AccreditationResponse Current { get; init; }
}

/// <summary>The programmes the registrar has to look at, soonest first.</summary>
public sealed record AccreditationAlerts
{
    /// <summary>At most 1000 programmes, those expired longest ago first.</summary>
    [MaxLength(1000)]
    public required IReadOnlyList<AccreditationAlert> Items { get; init; }
}
