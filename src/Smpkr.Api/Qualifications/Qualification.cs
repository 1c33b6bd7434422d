using System.ComponentModel.DataAnnotations;
using Smpkr.Api.Auth;
using Smpkr.Api.Classifiers;
using Smpkr.Api.Hosting;
using Smpkr.Api.Register;
using Smpkr.Api.Search;

namespace Smpkr.Api.Qualifications;

/// <summary>A qualification (spec/domain.md §2.5), kept by the standards body (KPMPC).</summary>
public sealed record QualificationBody
{
    /// <summary>The qualification's name, Lithuanian required.</summary>
    [Required]
    public LocalizedTextInput? Name { get; init; }

    /// <summary>Qualification type (KL_KVALIFIKACIJU_TIPAI): <c>for-work</c>, <c>for-further-learning</c> or <c>degree</c>.</summary>
    /// <example>for-work</example>
    [Required]
    [MaxLength(64)]
    [RegularExpression(ClassifierRules.CodePattern)]
    public string? Type { get; init; }

    /// <summary>LTKS level (KL_LTKS), I–VIII.</summary>
    /// <example>IV</example>
    [Required]
    [MaxLength(4)]
    [RegularExpression("^(I|II|III|IV|V|VI|VII|VIII)$")]
    public string? LtksLevel { get; init; }

    /// <summary>EQF level; equals the LTKS level.</summary>
    /// <example>4</example>
    [Required]
    [Range(1, 8)]
    public int? EqfLevel { get; init; }

    /// <summary>ISCED-F 2013 detailed fields (4 digits, KL_ISCED_F).</summary>
    /// <example>["0411"]</example>
    [Required]
    [MaxLength(3)]
    [Items(4, "^[0-9]{4}$")]
    public IReadOnlyList<string>? IscedF { get; init; }

    /// <summary>Code of the registered professional standard that describes the qualification.</summary>
    /// <example>PS001</example>
    [MaxLength(32)]
    [RegularExpression("^[A-Z0-9]+$")]
    public string? ProfessionalStandardCode { get; init; }

    /// <summary>Qualification units with their competences.</summary>
    [MaxLength(50)]
    public IReadOnlyList<QualificationUnit>? Units { get; init; }

    /// <summary>Occupation codes (Lithuanian occupation classifier, ISCO-08 based, 4–6 digits).</summary>
    /// <example>["331301"]</example>
    [MaxLength(20)]
    [Items(6, "^[0-9]{4,6}$")]
    public IReadOnlyList<string>? Occupations { get; init; }

    /// <summary>Documents issued for the qualification (diploma, certificate).</summary>
    [MaxLength(10)]
    public IReadOnlyList<LocalizedTextInput>? Documents { get; init; }

    /// <summary>Description.</summary>
    public LocalizedLongTextInput? Description { get; init; }
}

/// <summary>A unit of a qualification.</summary>
public sealed record QualificationUnit
{
    /// <summary>Unit code, unique within the qualification.</summary>
    /// <example>401110001</example>
    [Required]
    [MaxLength(32)]
    [RegularExpression("^[A-Za-z0-9._-]+$")]
    public string? Code { get; init; }

    /// <summary>Unit name.</summary>
    [Required]
    public LocalizedTextInput? Name { get; init; }

    /// <summary>Competences the unit covers.</summary>
    [MaxLength(50)]
    public IReadOnlyList<LocalizedTextInput>? Competences { get; init; }
}

/// <summary>Qualifications on the register machinery: codes <c>K</c> + LTKS digit + ISCED-F field + 3-digit sequence [house rule].</summary>
public sealed class QualificationType : RegisterType<QualificationBody>, ICodeStrategy<QualificationBody>
{
    public override string ObjectType => "qualification";

    public override string Resource => "qualifications";

    public override string Singular => "Qualification";

    public override string OwnerRole => Roles.StandardsBody;

    public override ICodeStrategy<QualificationBody> Codes => this;

    public override string KindOf(QualificationBody body) => ObjectType;

    public override LocalizedTextInput NameOf(QualificationBody body) => body.Name ?? new LocalizedTextInput(string.Empty, null);

    public override IEnumerable<(string Path, string ObjectType, string Code)> LinksOf(QualificationBody body) =>
        body.ProfessionalStandardCode is { } code ? [("professionalStandardCode", "professional-standard", code)] : [];

    public override SearchFields SearchFieldsOf(QualificationBody body) => new()
    {
        SummaryLt = SearchFields.Join([body.Description?.Lt, .. (body.Units ?? []).Select(u => u?.Name?.Lt)]),
        SummaryEn = SearchFields.Join([body.Description?.En, .. (body.Units ?? []).Select(u => u?.Name?.En)]),
        LtksLevel = body.LtksLevel,
        EqfLevel = body.EqfLevel,
        IscedF = body.IscedF ?? [],
    };

    public override void Check(QualificationBody body, ContentCheck check)
    {
        check.Name("name", body.Name);
        check.InClassifier("type", body.Type, "KL_KVALIFIKACIJU_TIPAI");
        Levels.Check(check, body.LtksLevel, body.EqfLevel);
        check.EachInClassifier("iscedF", body.IscedF, "KL_ISCED_F", 1, 3);
        check.LongText("description", body.Description);
        for (var i = 0; i < (body.Units?.Count ?? 0); i++)
        {
            var unit = body.Units![i];
            check.Text($"units[{i}].code", unit?.Code, 32, required: true);
            check.Name($"units[{i}].name", unit?.Name);
            for (var c = 0; c < (unit?.Competences?.Count ?? 0); c++)
            {
                check.Name($"units[{i}].competences[{c}]", unit!.Competences![c]);
            }
        }

        if (body.Units?.Where(u => u?.Code is not null).GroupBy(u => u.Code).Any(g => g.Count() > 1) == true)
        {
            check.Add("units", "list.duplicate", "Unit codes must be unique within the qualification.");
        }

        for (var i = 0; i < (body.Occupations?.Count ?? 0); i++)
        {
            if (body.Occupations![i] is not { Length: >= 4 and <= 6 } code || !code.All(char.IsAsciiDigit))
            {
                check.Add($"occupations[{i}]", "occupation.format", "An occupation code has 4–6 digits.");
            }
        }

        for (var i = 0; i < (body.Documents?.Count ?? 0); i++)
        {
            check.Name($"documents[{i}]", body.Documents![i]);
        }
    }

    public int SequenceDigitsFor(QualificationBody body) => 3;

    public string PrefixFor(QualificationBody body) =>
        "K" + Levels.Number(body.LtksLevel) + (body.IscedF is [var field, ..] ? field : "0000");

    public IEnumerable<(string Path, string Code, string Message)> Contradictions(string code, QualificationBody body)
    {
        var prefix = PrefixFor(body);
        if (code.Length == prefix.Length + 3 && code.StartsWith('K') && code[..^3] != prefix)
        {
            yield return ("", "code.prefix-mismatch",
                $"The code {code} has prefix {code[..^3]}; the level and field now give {prefix}. Such a change needs a new qualification.");
        }
    }
}

/// <summary>Qualifications: the register's shared endpoints over <see cref="QualificationType"/>.</summary>
public static class QualificationEndpoints
{
    public static void AddQualifications(this WebApplicationBuilder builder) => builder.AddRegisterType<QualificationBody, QualificationType>();

    public static void MapQualifications(this RouteGroupBuilder api) =>
        api.MapRegisterResource(api.ServiceProvider().GetRequiredService<RegisterType<QualificationBody>>(), "Qualifications");
}
