namespace Smpkr.Api.Search;

/// <summary>
/// What one body contributes to search besides what every record has (code, names, status, owner):
/// its descriptive text and the classifier values its filters and facets use. A type without a
/// field leaves it empty; the filter then simply matches none of its records.
/// </summary>
public sealed record SearchFields
{
    public static readonly SearchFields None = new();

    /// <summary>Lithuanian descriptive text (summary sections, descriptions), searched with a lower weight than names.</summary>
    public string? SummaryLt { get; init; }

    public string? SummaryEn { get; init; }

    public string? FieldGroup { get; init; }

    public string? StudyField { get; init; }

    /// <summary>Detailed ISCED-F fields; the <c>iscedF</c> filter matches them by prefix.</summary>
    public IReadOnlyList<string> IscedF { get; init; } = [];

    public string? LtksLevel { get; init; }

    public int? EqfLevel { get; init; }

    public string? Cycle { get; init; }

    public string? StudyType { get; init; }

    public IReadOnlyList<string> Languages { get; init; } = [];

    public IReadOnlyList<string> Forms { get; init; } = [];

    /// <summary>Joins the non-empty texts with blank lines (several summary sections into one searchable text).</summary>
    public static string? Join(params IEnumerable<string?> texts) =>
        string.Join("\n\n", texts.Where(t => !string.IsNullOrWhiteSpace(t))) is { Length: > 0 } joined ? joined : null;
}
