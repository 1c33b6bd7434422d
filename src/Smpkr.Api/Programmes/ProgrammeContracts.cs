using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Smpkr.Api.Classifiers;
using Smpkr.Api.Hosting;
using Smpkr.Api.Register;

namespace Smpkr.Api.Programmes;

/// <summary>
/// The content of a programme as institutions push it and the register keeps it, one shape per
/// <c>kind</c>: <c>study</c>, <c>vocational</c> or <c>general</c> (spec/domain.md §2.2–2.4).
/// Codes refer to classifiers (<c>/api/v1/classifiers</c>) and are checked against them.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(StudyProgramme), ProgrammeKinds.Study)]
[JsonDerivedType(typeof(VocationalProgramme), ProgrammeKinds.Vocational)]
[JsonDerivedType(typeof(GeneralProgramme), ProgrammeKinds.General)]
public abstract record ProgrammeBody
{
    /// <summary>The programme's name, Lithuanian required.</summary>
    [Required]
    public LocalizedTextInput? Name { get; init; }

    /// <summary>Description sections shown to the public (AIKOS).</summary>
    public ProgrammeSummary? Summary { get; init; }

    /// <summary>Other providers that run the programme (legal-entity codes).</summary>
    /// <example>["111950243"]</example>
    [MaxLength(20)]
    [Items(32, "^[A-Za-z0-9-]+$")]
    public IReadOnlyList<string>? CoProviders { get; init; }

    /// <summary>ISCED-F 2013 detailed fields (4 digits, KL_ISCED_F), one or more.</summary>
    /// <example>["0613"]</example>
    [Required]
    [MaxLength(5)]
    [Items(4, "^[0-9]{4}$")]
    public IReadOnlyList<string>? IscedF { get; init; }

    /// <summary>ISCED 2011 programme code (3 digits, KL_ISCED_2011).</summary>
    /// <example>645</example>
    [Required]
    [MaxLength(3)]
    [RegularExpression("^[0-9]{3}$")]
    public string? IscedLevel { get; init; }

    /// <summary>Language(s) of instruction, ISO 639-1 (KL_KALBOS).</summary>
    /// <example>["lt", "en"]</example>
    [MaxLength(10)]
    [Items(2, "^[a-z]{2}$")]
    public IReadOnlyList<string>? Languages { get; init; }

    /// <summary>State code of the qualification the programme leads to, when one is awarded.</summary>
    /// <example>K40411001</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Z0-9]+$")]
    public string? QualificationCode { get; init; }
}

/// <summary>Kinds of programme (KL_PROGRAMU_RUSYS).</summary>
public static class ProgrammeKinds
{
    public const string Study = "study";
    public const string Vocational = "vocational";
    public const string General = "general";

    public static readonly IReadOnlyList<string> All = [Study, Vocational, General];
}

/// <summary>Description sections (AIKOS programme card); each bilingual, line breaks allowed.</summary>
public sealed record ProgrammeSummary
{
    /// <summary>General description.</summary>
    public LocalizedLongTextInput? General { get; init; }

    /// <summary>Aims of the programme.</summary>
    public LocalizedLongTextInput? Aims { get; init; }

    /// <summary>Learning outcomes.</summary>
    public LocalizedLongTextInput? LearningOutcomes { get; init; }

    /// <summary>Structure of the programme.</summary>
    public LocalizedLongTextInput? Structure { get; init; }

    /// <summary>Teaching and learning activities.</summary>
    public LocalizedLongTextInput? TeachingAndLearning { get; init; }

    /// <summary>Assessment methods.</summary>
    public LocalizedLongTextInput? Assessment { get; init; }
}

/// <summary>A length of time.</summary>
public sealed record Duration
{
    /// <summary>How many units.</summary>
    /// <example>4</example>
    [Range(1, 120)]
    public int? Value { get; init; }

    /// <summary><c>years</c> or <c>months</c>.</summary>
    /// <example>years</example>
    [MaxLength(6)]
    [RegularExpression("^(years|months)$")]
    public string? Unit { get; init; }
}

/// <summary>A way the programme is studied.</summary>
public sealed record StudyForm
{
    /// <summary>Study form (KL_STUDIJU_FORMOS): <c>full-time</c> or <c>part-time</c>.</summary>
    /// <example>full-time</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? Form { get; init; }

    /// <summary>How long it takes in this form.</summary>
    [Required]
    public Duration? Duration { get; init; }

    /// <summary>Delivered at a distance.</summary>
    /// <example>false</example>
    public bool? Distance { get; init; }
}

/// <summary>A study programme of a higher-education institution (spec/domain.md §2.2).</summary>
public sealed record StudyProgramme : ProgrammeBody
{
    /// <summary>Study type (KL_STUDIJU_RUSYS): <c>university</c> or <c>college</c>.</summary>
    /// <example>university</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? StudyType { get; init; }

    /// <summary>Study cycle (KL_STUDIJU_PAKOPOS): <c>first</c>, <c>second</c>, <c>third</c>, <c>integrated</c>, <c>non-degree</c>.</summary>
    /// <example>first</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? Cycle { get; init; }

    /// <summary>A residency (non-degree medical studies, code prefix 7330).</summary>
    /// <example>false</example>
    public bool? Residency { get; init; }

    /// <summary>Study field group letter (KL_STUDIJU_KRYPCIU_GRUPES).</summary>
    /// <example>B</example>
    [Required]
    [MaxLength(1)]
    [RegularExpression("^[A-Z]$")]
    public string? FieldGroup { get; init; }

    /// <summary>Study field, group letter + two digits (KL_STUDIJU_KRYPTYS), within fieldGroup.</summary>
    /// <example>B01</example>
    [Required]
    [MaxLength(3)]
    [RegularExpression("^[A-Z][0-9]{2}$")]
    public string? StudyField { get; init; }

    /// <summary>Second field group of an interdisciplinary programme.</summary>
    /// <example>L</example>
    [MaxLength(1)]
    [RegularExpression("^[A-Z]$")]
    public string? SecondFieldGroup { get; init; }

    /// <summary>LTKS level (KL_LTKS), I–VIII.</summary>
    /// <example>VI</example>
    [Required]
    [MaxLength(4)]
    [RegularExpression("^(I|II|III|IV|V|VI|VII|VIII)$")]
    public string? LtksLevel { get; init; }

    /// <summary>EQF level, 1–8; equals the LTKS level.</summary>
    /// <example>6</example>
    [Required]
    [Range(1, 8)]
    public int? EqfLevel { get; init; }

    /// <summary>ECTS credits.</summary>
    /// <example>240</example>
    [Required]
    [Range(1, 480)]
    public int? Credits { get; init; }

    /// <summary>Forms of study with their durations, one or more.</summary>
    [Required]
    [MaxLength(4)]
    public IReadOnlyList<StudyForm>? Forms { get; init; }

    /// <summary>Degree and/or qualification awarded.</summary>
    [Required]
    public LocalizedTextInput? Award { get; init; }
}

/// <summary>A module of a vocational programme.</summary>
public sealed record ProgrammeModule
{
    /// <summary>Module code, unique within the programme.</summary>
    /// <example>4041101</example>
    [Required]
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9._-]+$")]
    public string? Code { get; init; }

    /// <summary>Module name.</summary>
    [Required]
    public LocalizedTextInput? Name { get; init; }

    /// <summary>VET learning credits.</summary>
    /// <example>10</example>
    [Required]
    [Range(1, 120)]
    public int? Credits { get; init; }

    /// <summary>Mandatory (true) or optional (false).</summary>
    public bool? Mandatory { get; init; }
}

/// <summary>An approval decision: who approved it, its number and date.</summary>
public sealed record Approval
{
    /// <summary>Decision or document number.</summary>
    /// <example>V-1075</example>
    [MaxLength(100)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? Number { get; init; }

    /// <summary>Approving body or document title.</summary>
    /// <example>Sektorinis profesinis komitetas</example>
    [MaxLength(250)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? Document { get; init; }

    /// <summary>Date of the decision; not in the future.</summary>
    /// <example>2024-05-17</example>
    public DateOnly? Date { get; init; }
}

/// <summary>A formal vocational (VET) programme (spec/domain.md §2.3).</summary>
public sealed record VocationalProgramme : ProgrammeBody
{
    /// <summary>A modular programme (the current kind).</summary>
    [Required]
    public bool? Modular { get; init; }

    /// <summary>VET purpose (KL_PM_PASKIRTIS): <c>initial</c> or <c>continuing</c>.</summary>
    /// <example>initial</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? Purpose { get; init; }

    /// <summary>LTKS level, II–V for VET.</summary>
    /// <example>IV</example>
    [Required]
    [MaxLength(3)]
    [RegularExpression("^(II|III|IV|V)$")]
    public string? LtksLevel { get; init; }

    /// <summary>EQF level; equals the LTKS level.</summary>
    /// <example>4</example>
    [Required]
    [Range(2, 5)]
    public int? EqfLevel { get; init; }

    /// <summary>VET learning credits.</summary>
    /// <example>60</example>
    [Required]
    [Range(1, 240)]
    public int? Credits { get; init; }

    /// <summary>Duration.</summary>
    [Required]
    public Duration? Duration { get; init; }

    /// <summary>Minimum education required to enter (KL_MINIMALUS_ISSILAVINIMAS).</summary>
    /// <example>lower-secondary</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? MinimumEducation { get; init; }

    /// <summary>Entry requirements in words.</summary>
    public LocalizedLongTextInput? EntryRequirements { get; init; }

    /// <summary>What is awarded (KL_PM_TEIKIAMA).</summary>
    /// <example>qualification</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? Award { get; init; }

    /// <summary>Modules of the programme.</summary>
    [MaxLength(200)]
    public IReadOnlyList<ProgrammeModule>? Modules { get; init; }

    /// <summary>The sectoral professional committee's approval.</summary>
    public Approval? Approval { get; init; }
}

/// <summary>A general-education programme of the national curriculum (spec/domain.md §2.4).</summary>
public sealed record GeneralProgramme : ProgrammeBody
{
    /// <summary>Education level (KL_UGDYMO_LYGMENYS).</summary>
    /// <example>primary</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? EducationLevel { get; init; }

    /// <summary>Duration.</summary>
    [Required]
    public Duration? Duration { get; init; }

    /// <summary>The approving document.</summary>
    public Approval? Approval { get; init; }
}
