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

/// <summary>Bilingual multi-line text as a client sends it (descriptions, requirements); at most 5000 characters each.</summary>
public sealed record LocalizedLongTextInput(string? Lt, string? En)
{
    /// <summary>Lithuanian text: required, line breaks allowed.</summary>
    /// <example>Programos tikslas – parengti informatikos specialistus.</example>
    [Required]
    [MaxLength(TextRules.LongTextMaxLength)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Lt { get; init; } = Lt;

    /// <summary>English text: optional, line breaks allowed.</summary>
    /// <example>The programme prepares informatics specialists.</example>
    [MaxLength(TextRules.LongTextMaxLength)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? En { get; init; } = En;
}
