using Smpkr.Api.Register;

namespace Smpkr.Api.Search;

/// <summary>
/// One register record as search sees it: the content it shows (the registered version in force,
/// else the draft) flattened into filter columns. It is written in the same transaction as the
/// record, so a search after a 2xx never sees stale data. The database adds the weighted text
/// vector, the folded text for trigram matching and the sort key of the name (generated columns,
/// see the Search migration).
/// </summary>
public sealed class SearchEntry
{
    public Guid RecordId { get; init; }

    public required string ObjectType { get; set; }

    public string? Kind { get; set; }

    public RecordStatus Status { get; set; }

    /// <summary>True once a version was registered: what the open-data API may show.</summary>
    public bool Published { get; set; }

    public required string Owner { get; set; }

    /// <summary>The owner and every co-provider: the <c>provider</c> filter matches any of them.</summary>
    public string[] Providers { get; set; } = [];

    public string? Code { get; set; }

    public required string NameLt { get; set; }

    public string? NameEn { get; set; }

    public string? SummaryLt { get; set; }

    public string? SummaryEn { get; set; }

    public string? FieldGroup { get; set; }

    public string? StudyField { get; set; }

    public string[] IscedF { get; set; } = [];

    /// <summary>Every prefix of every ISCED-F field (<c>06</c>, <c>061</c>, <c>0613</c>), so that a prefix filter is an indexed array overlap.</summary>
    public string[] IscedFPrefixes { get; set; } = [];

    public string? LtksLevel { get; set; }

    public int? EqfLevel { get; set; }

    public string? Cycle { get; set; }

    public string? StudyType { get; set; }

    public string[] Languages { get; set; } = [];

    public string[] Forms { get; set; } = [];

    public DateOnly? RegisteredOn { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Copies what search needs from <paramref name="record"/> and the body it shows.</summary>
    public void Fill(RegisterRecord record, SearchFields fields)
    {
        ObjectType = record.ObjectType;
        Kind = record.Kind;
        Status = record.Status;
        Published = record.CurrentVersion is not null;
        Owner = record.Owner;
        Providers = [record.Owner, .. record.CoProviders.Where(p => p != record.Owner).Distinct()];
        Code = record.Code;
        NameLt = record.NameLt;
        NameEn = record.NameEn;
        SummaryLt = Clip(fields.SummaryLt);
        SummaryEn = Clip(fields.SummaryEn);
        FieldGroup = fields.FieldGroup;
        StudyField = fields.StudyField;
        IscedF = [.. fields.IscedF.Where(f => !string.IsNullOrEmpty(f)).Distinct()];
        IscedFPrefixes = [.. IscedF.SelectMany(f => Enumerable.Range(2, Math.Max(0, f.Length - 1)).Select(n => f[..n])).Distinct()];
        LtksLevel = fields.LtksLevel;
        EqfLevel = fields.EqfLevel;
        Cycle = fields.Cycle;
        StudyType = fields.StudyType;
        Languages = [.. fields.Languages.Where(l => !string.IsNullOrEmpty(l)).Distinct()];
        Forms = [.. fields.Forms.Where(f => !string.IsNullOrEmpty(f)).Distinct()];
        RegisteredOn = record.RegisteredOn;
        ChangedAt = record.UpdatedAt;
    }

    /// <summary>Text search weighs the first words most; beyond this much, a summary adds cost and no precision.</summary>
    public const int MaxSummaryLength = 8000;

    private static string? Clip(string? text) => text is { Length: > MaxSummaryLength } ? text[..MaxSummaryLength] : text;
}
