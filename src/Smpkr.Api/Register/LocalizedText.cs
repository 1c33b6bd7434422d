using System.ComponentModel.DataAnnotations;

namespace Smpkr.Api.Register;

/// <summary>Text the register shows in Lithuanian (always) and English (when given).</summary>
public sealed record LocalizedText(string Lt, string? En)
{
    /// <summary>Lithuanian text.</summary>
    /// <example>Informatika</example>
    [MaxLength(TextRules.NameMaxLength)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string Lt { get; init; } = Lt;

    /// <summary>English text; absent when not translated.</summary>
    /// <example>Informatics</example>
    [MaxLength(TextRules.NameMaxLength)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? En { get; init; } = En;
}

/// <summary>Bilingual text as a client sends it; <see cref="TextRules"/> checks it before it is stored.</summary>
public sealed record LocalizedTextInput(string? Lt, string? En)
{
    /// <summary>Lithuanian text: required, at most 250 characters, no control characters.</summary>
    /// <example>Informatika</example>
    [Required]
    [MaxLength(TextRules.NameMaxLength)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? Lt { get; init; } = Lt;

    /// <summary>English text: optional, at most 250 characters, no control characters.</summary>
    /// <example>Informatics</example>
    [MaxLength(TextRules.NameMaxLength)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? En { get; init; } = En;
}
