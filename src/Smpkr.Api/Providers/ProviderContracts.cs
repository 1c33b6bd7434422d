using System.ComponentModel.DataAnnotations;
using Smpkr.Api.Hosting;
using Smpkr.Api.Register;

namespace Smpkr.Api.Providers;

/// <summary>An institution that submits data to the register.</summary>
public sealed record ProviderResponse
{
    /// <summary>Legal-entity code (9 digits) or another identifier.</summary>
    /// <example>211950810</example>
    [MaxLength(32)]
    [RegularExpression(ProviderRules.CodePattern)]
    public required string Code { get; init; }

    /// <summary><c>legal-entity</c> or <c>other</c>.</summary>
    /// <example>legal-entity</example>
    [MaxLength(32)]
    [RegularExpression("^(legal-entity|other)$")]
    public required string CodeType { get; init; }

    /// <summary>Name.</summary>
    public required LocalizedText Name { get; init; }

    /// <summary>Provider type (KL_TEIKEJU_TIPAI).</summary>
    /// <example>university</example>
    [MaxLength(32)]
    [RegularExpression("^[a-z-]+$")]
    public required string Type { get; init; }

    /// <summary>Object kinds it may submit.</summary>
    /// <example>["study"]</example>
    [MaxLength(6)]
    [Items(32, "^[a-z-]+$")]
    public required IReadOnlyList<string> Kinds { get; init; }

    /// <summary>Address.</summary>
    /// <example>Universiteto g. 3, Vilnius</example>
    [MaxLength(250)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? Address { get; init; }

    /// <summary>Increases on every change; the ETag.</summary>
    [Range(1, int.MaxValue)]
    public int Revision { get; init; }

    public static ProviderResponse From(Provider p) => new()
    {
        Code = p.Code,
        CodeType = p.CodeType,
        Name = new LocalizedText(p.NameLt, p.NameEn),
        Type = p.Type,
        Kinds = p.Kinds,
        Address = p.Address,
        Revision = p.Revision,
    };
}

/// <summary>A provider as the registrar writes it.</summary>
public sealed record ProviderInput
{
    /// <summary>Legal-entity code (9 digits) or another identifier; set on creation only.</summary>
    /// <example>302536989</example>
    [MaxLength(32)]
    [RegularExpression(ProviderRules.CodePattern)]
    public string? Code { get; init; }

    /// <summary><c>legal-entity</c> (9 digits) or <c>other</c>.</summary>
    /// <example>legal-entity</example>
    [Required]
    [MaxLength(32)]
    [RegularExpression("^(legal-entity|other)$")]
    public string? CodeType { get; init; }

    /// <summary>Name, Lithuanian required.</summary>
    [Required]
    public LocalizedTextInput? Name { get; init; }

    /// <summary>Provider type (KL_TEIKEJU_TIPAI).</summary>
    /// <example>university</example>
    [Required]
    [MaxLength(32)]
    [RegularExpression("^[a-z-]+$")]
    public string? Type { get; init; }

    /// <summary>Object kinds it may submit: study, vocational, general, qualification, professional-standard, vet-standard.</summary>
    /// <example>["study"]</example>
    [MaxLength(6)]
    [Items(32, "^[a-z-]+$")]
    public IReadOnlyList<string>? Kinds { get; init; }

    /// <summary>Address.</summary>
    /// <example>Universiteto g. 3, Vilnius</example>
    [MaxLength(250)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? Address { get; init; }
}
