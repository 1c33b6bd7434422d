using System.ComponentModel.DataAnnotations;
using Smpkr.Api.Register;

namespace Smpkr.Api.Classifiers;

/// <summary>A classifier without its items.</summary>
public sealed record ClassifierSummary
{
    /// <summary>The classifier's abbreviation.</summary>
    /// <example>KL_STUDIJU_KRYPTYS</example>
    [MaxLength(ClassifierRules.AbbreviationMaxLength)]
    [RegularExpression(ClassifierRules.AbbreviationPattern)]
    public required string Abbreviation { get; init; }

    /// <summary>The classifier's name.</summary>
    public required LocalizedText Name { get; init; }

    /// <summary>What the classifier lists and where its values come from.</summary>
    /// <example>Lithuanian study fields (group letter + two digits).</example>
    [MaxLength(ClassifierRules.DescriptionMaxLength)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Description { get; init; }

    /// <summary>How many items it has, retired ones included.</summary>
    /// <example>124</example>
    [Range(0, int.MaxValue)]
    public int ItemCount { get; init; }
}

/// <summary>A classifier with the items selected by the request.</summary>
public sealed record ClassifierResponse
{
    /// <summary>The classifier's abbreviation.</summary>
    /// <example>KL_LTKS</example>
    [MaxLength(ClassifierRules.AbbreviationMaxLength)]
    [RegularExpression(ClassifierRules.AbbreviationPattern)]
    public required string Abbreviation { get; init; }

    /// <summary>The classifier's name.</summary>
    public required LocalizedText Name { get; init; }

    /// <summary>What the classifier lists and where its values come from.</summary>
    /// <example>Levels I-VIII of the Lithuanian Qualifications Framework.</example>
    [MaxLength(ClassifierRules.DescriptionMaxLength)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Description { get; init; }

    /// <summary>The day the items are in force on; absent when every item, retired ones included, is listed.</summary>
    /// <example>2026-09-01</example>
    public DateOnly? ValidAt { get; init; }

    /// <summary>The items, in the classifier's own order.</summary>
    [MaxLength(ClassifierRules.MaxItems)]
    public required IReadOnlyList<ClassifierItemResponse> Items { get; init; }
}

/// <summary>One classifier item.</summary>
public sealed record ClassifierItemResponse
{
    /// <summary>The item's code, unique within its classifier.</summary>
    /// <example>B01</example>
    [MaxLength(ClassifierRules.CodeMaxLength)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public required string Code { get; init; }

    /// <summary>The item's name.</summary>
    public required LocalizedText Name { get; init; }

    /// <summary>A longer explanation, when there is one.</summary>
    /// <example>Studies of computing and its theory.</example>
    [MaxLength(ClassifierRules.DescriptionMaxLength)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Description { get; init; }

    /// <summary>The code of the parent item (hierarchies such as ISCED-F or study fields).</summary>
    /// <example>B</example>
    [MaxLength(ClassifierRules.CodeMaxLength)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? Parent { get; init; }

    /// <summary>First day in force.</summary>
    /// <example>2016-12-03</example>
    public DateOnly? ValidFrom { get; init; }

    /// <summary>Last day in force; absent while current.</summary>
    /// <example>2030-12-31</example>
    public DateOnly? ValidTo { get; init; }

    /// <summary>Increases on every change; the item's ETag is its quoted value (send it as If-Match to change the item).</summary>
    /// <example>1</example>
    [Range(1, int.MaxValue)]
    public int Revision { get; init; }
}

/// <summary>A new classifier item, as the registrar sends it.</summary>
public sealed record NewClassifierItem
{
    /// <summary>Letters, digits, '.', '_' or '-', starting with a letter or digit; new to the classifier.</summary>
    /// <example>B05</example>
    [Required]
    [MaxLength(ClassifierRules.CodeMaxLength)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? Code { get; init; }

    /// <summary>Bilingual name; Lithuanian required.</summary>
    [Required]
    public LocalizedTextInput? Name { get; init; }

    /// <summary>Optional explanation; line breaks allowed.</summary>
    /// <example>Studies of data, its quality and its use.</example>
    [MaxLength(ClassifierRules.DescriptionMaxLength)]
    [RegularExpression(TextRules.MultiLinePattern)]
    public string? Description { get; init; }

    /// <summary>Code of an existing item of the same classifier.</summary>
    /// <example>B</example>
    [MaxLength(ClassifierRules.CodeMaxLength)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? Parent { get; init; }

    /// <summary>First day in force.</summary>
    /// <example>2027-01-01</example>
    public DateOnly? ValidFrom { get; init; }

    /// <summary>Last day in force, not before validFrom.</summary>
    /// <example>2035-12-31</example>
    public DateOnly? ValidTo { get; init; }
}
