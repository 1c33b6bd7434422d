using System.ComponentModel.DataAnnotations;
using Smpkr.Api.Auth;
using Smpkr.Api.Hosting;
using Smpkr.Api.Register;
using Smpkr.Api.Search;

namespace Smpkr.Api.ProfessionalStandards;

/// <summary>A professional standard (spec/domain.md §2.6): one economic sector's qualifications; updates are new versions.</summary>
public sealed record ProfessionalStandardBody
{
    /// <summary>The standard's name, Lithuanian required.</summary>
    [Required]
    public LocalizedTextInput? Name { get; init; }

    /// <summary>The economic sector it covers.</summary>
    [Required]
    public LocalizedTextInput? Sector { get; init; }

    /// <summary>The approving order.</summary>
    [Required]
    public StandardApproval? Approval { get; init; }

    /// <summary>Codes of the registered qualifications it describes.</summary>
    /// <example>["K40411001"]</example>
    [MaxLength(100)]
    [Items(32, "^[A-Z0-9]+$")]
    public IReadOnlyList<string>? QualificationCodes { get; init; }

    /// <summary>Description.</summary>
    public LocalizedLongTextInput? Description { get; init; }
}

/// <summary>An approving order: the body, its number and date.</summary>
public sealed record StandardApproval
{
    /// <summary>The approving body.</summary>
    /// <example>Kvalifikacijų ir profesinio mokymo plėtros centras</example>
    [Required]
    [MaxLength(250)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? Body { get; init; }

    /// <summary>Order number.</summary>
    /// <example>V-117</example>
    [Required]
    [MaxLength(100)]
    [RegularExpression(TextRules.SingleLinePattern)]
    public string? OrderNumber { get; init; }

    /// <summary>Date of the order; not in the future.</summary>
    /// <example>2021-03-15</example>
    [Required]
    public DateOnly? Date { get; init; }
}

/// <summary>Professional standards on the register machinery: codes <c>PS</c> + 3-digit sequence [house rule].</summary>
public sealed class ProfessionalStandardType : RegisterType<ProfessionalStandardBody>, ICodeStrategy<ProfessionalStandardBody>
{
    public override string ObjectType => "professional-standard";

    public override string Resource => "professional-standards";

    public override string Singular => "ProfessionalStandard";

    public override string Noun => "professional standard";

    public override string OwnerRole => Roles.StandardsBody;

    public override ICodeStrategy<ProfessionalStandardBody> Codes => this;

    public override string KindOf(ProfessionalStandardBody body) => ObjectType;

    public override LocalizedTextInput NameOf(ProfessionalStandardBody body) => body.Name ?? new LocalizedTextInput(string.Empty, null);

    public override IEnumerable<(string Path, string ObjectType, string Code)> LinksOf(ProfessionalStandardBody body) =>
        (body.QualificationCodes ?? []).Select((code, i) => ($"qualificationCodes[{i}]", "qualification", code));

    public override SearchFields SearchFieldsOf(ProfessionalStandardBody body) => new()
    {
        SummaryLt = SearchFields.Join(body.Sector?.Lt, body.Description?.Lt),
        SummaryEn = SearchFields.Join(body.Sector?.En, body.Description?.En),
    };

    public override void Check(ProfessionalStandardBody body, ContentCheck check)
    {
        check.Name("name", body.Name);
        check.Name("sector", body.Sector);
        check.LongText("description", body.Description);
        if (check.Required("approval", body.Approval))
        {
            check.Text("approval.body", body.Approval!.Body, 250, required: true);
            check.Text("approval.orderNumber", body.Approval.OrderNumber, 100, required: true);
            check.Required("approval.date", body.Approval.Date);
            check.NotInFuture("approval.date", body.Approval.Date);
        }

        if (body.QualificationCodes is { } codes && codes.Distinct(StringComparer.Ordinal).Count() != codes.Count)
        {
            check.Add("qualificationCodes", "list.duplicate", "A qualification is listed twice.");
        }
    }

    public int SequenceDigitsFor(ProfessionalStandardBody body) => 3;

    public string PrefixFor(ProfessionalStandardBody body) => "PS";

    public IEnumerable<(string Path, string Code, string Message)> Contradictions(string code, ProfessionalStandardBody body) => [];
}

/// <summary>Professional standards: the register's shared endpoints over <see cref="ProfessionalStandardType"/>.</summary>
public static class ProfessionalStandardEndpoints
{
    public static void AddProfessionalStandards(this WebApplicationBuilder builder) =>
        builder.AddRegisterType<ProfessionalStandardBody, ProfessionalStandardType>();

    public static void MapProfessionalStandards(this RouteGroupBuilder api) =>
        api.MapRegisterResource(api.ServiceProvider().GetRequiredService<RegisterType<ProfessionalStandardBody>>(), "ProfessionalStandards");
}
