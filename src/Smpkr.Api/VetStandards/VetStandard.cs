using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Smpkr.Api.Auth;
using Smpkr.Api.Hosting;
using Smpkr.Api.Register;
using Smpkr.Api.Search;

namespace Smpkr.Api.VetStandards;

/// <summary>A legacy VET standard (spec/domain.md §2.6): imported with its own code, read, and deregistered.</summary>
public sealed record VetStandardBody
{
    /// <summary>The code the standard already has; it is kept as it is when registered.</summary>
    /// <example>S211001</example>
    [Required]
    [MaxLength(32)]
    [RegularExpression(VetStandardType.LegacyCodePattern)]
    public string? LegacyCode { get; init; }

    /// <summary>The standard's name, Lithuanian required.</summary>
    [Required]
    public LocalizedTextInput? Name { get; init; }

    /// <summary>LTKS level, when known.</summary>
    /// <example>III</example>
    [MaxLength(4)]
    [RegularExpression("^(I|II|III|IV|V|VI|VII|VIII)$")]
    public string? LtksLevel { get; init; }

    /// <summary>ISCED-F detailed fields, when known.</summary>
    /// <example>["0715"]</example>
    [MaxLength(3)]
    [Items(4, "^[0-9]{4}$")]
    public IReadOnlyList<string>? IscedF { get; init; }

    /// <summary>Day of approval.</summary>
    /// <example>2004-06-30</example>
    public DateOnly? ApprovedOn { get; init; }
}

/// <summary>VET standards on the register machinery: an imported code is kept as it is (spec/domain.md §3.3–3.4).</summary>
public sealed partial class VetStandardType : RegisterType<VetStandardBody>, ICodeStrategy<VetStandardBody>
{
    public const string LegacyCodePattern = "^[A-Z0-9]{3,32}$";

    public override string ObjectType => "vet-standard";

    public override string Resource => "vet-standards";

    public override string Singular => "VetStandard";

    public override string Noun => "VET standard";

    public override string OwnerRole => Roles.StandardsBody;

    public override ICodeStrategy<VetStandardBody> Codes => this;

    public override string KindOf(VetStandardBody body) => ObjectType;

    public override LocalizedTextInput NameOf(VetStandardBody body) => body.Name ?? new LocalizedTextInput(string.Empty, null);

    public override SearchFields SearchFieldsOf(VetStandardBody body) => new()
    {
        SummaryLt = body.LegacyCode,
        LtksLevel = body.LtksLevel,
        IscedF = body.IscedF ?? [],
    };

    public override void Check(VetStandardBody body, ContentCheck check)
    {
        if (check.Required("legacyCode", body.LegacyCode) && !LegacyCode().IsMatch(body.LegacyCode!))
        {
            check.Add("legacyCode", "code.format", "Use 3–32 upper-case letters and digits, as the code was issued.");
        }

        check.Name("name", body.Name);
        if (body.LtksLevel is not null)
        {
            check.InClassifier("ltksLevel", body.LtksLevel, "KL_LTKS");
        }

        if (body.IscedF is { Count: > 0 })
        {
            check.EachInClassifier("iscedF", body.IscedF, "KL_ISCED_F", 1, 3);
        }

        check.NotInFuture("approvedOn", body.ApprovedOn);
    }

    public int SequenceDigitsFor(VetStandardBody body) => 0;

    public string PrefixFor(VetStandardBody body) => string.Empty;

    public string? FixedCodeFor(VetStandardBody body) => body.LegacyCode;

    public IEnumerable<(string Path, string Code, string Message)> Contradictions(string code, VetStandardBody body) =>
        body.LegacyCode == code ? [] : [("legacyCode", "code.immutable", $"The standard's code is {code}; it does not change.")];

    [GeneratedRegex(LegacyCodePattern)]
    private static partial Regex LegacyCode();
}

/// <summary>VET standards: the register's shared endpoints over <see cref="VetStandardType"/>.</summary>
public static class VetStandardEndpoints
{
    public static void AddVetStandards(this WebApplicationBuilder builder) => builder.AddRegisterType<VetStandardBody, VetStandardType>();

    public static void MapVetStandards(this RouteGroupBuilder api) =>
        api.MapRegisterResource(api.ServiceProvider().GetRequiredService<RegisterType<VetStandardBody>>(), "VetStandards");
}
