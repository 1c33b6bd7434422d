using Microsoft.AspNetCore.Mvc;

namespace Smpkr.Api.Search;

/// <summary>
/// The query parameters of a register search, as sent. Values are read as text and checked by
/// <see cref="SearchRequest.Parse"/>, so that a bad one is answered with a problem that names it.
/// Repeating a filter means "any of these"; different filters must all hold.
/// </summary>
public sealed class SearchQuery
{
    /// <summary>Words to find in codes, names (Lithuanian and English) and summaries. Diacritics are optional and inflected forms match (<c>informatikos</c> finds <c>Informatika</c>); an exact code or code prefix ranks first. Words that match nothing you may see (a typo) find similar spellings instead. At most 200 characters.</summary>
    /// <example>programų sistemos</example>
    [FromQuery(Name = "q")]
    public string? Q { get; init; }

    /// <summary>Only these kinds (repeatable).</summary>
    [FromQuery(Name = "kind")]
    public string[]? Kind { get; init; }

    /// <summary>Only these statuses: draft, submitted, registered, deregistered (repeatable).</summary>
    [FromQuery(Name = "status")]
    public string[]? Status { get; init; }

    /// <summary>Only records owned or co-provided by these providers (repeatable).</summary>
    [FromQuery(Name = "provider")]
    public string[]? Provider { get; init; }

    /// <summary>Study field groups, KL_STUDIJU_KRYPCIU_GRUPES codes (repeatable).</summary>
    [FromQuery(Name = "fieldGroup")]
    public string[]? FieldGroup { get; init; }

    /// <summary>Study fields, KL_STUDIJU_KRYPTYS codes (repeatable).</summary>
    [FromQuery(Name = "studyField")]
    public string[]? StudyField { get; init; }

    /// <summary>ISCED-F fields by prefix: <c>06</c> finds <c>0613</c> (repeatable; KL_ISCED_F codes of 2–4 digits).</summary>
    [FromQuery(Name = "iscedF")]
    public string[]? IscedF { get; init; }

    /// <summary>LTKS levels I–VIII (repeatable).</summary>
    [FromQuery(Name = "ltksLevel")]
    public string[]? LtksLevel { get; init; }

    /// <summary>EQF levels 1–8 (repeatable).</summary>
    [FromQuery(Name = "eqfLevel")]
    public string[]? EqfLevel { get; init; }

    /// <summary>Study cycles, KL_STUDIJU_PAKOPOS codes (repeatable).</summary>
    [FromQuery(Name = "cycle")]
    public string[]? Cycle { get; init; }

    /// <summary>Study types, KL_STUDIJU_RUSYS codes (repeatable).</summary>
    [FromQuery(Name = "studyType")]
    public string[]? StudyType { get; init; }

    /// <summary>Languages of instruction, KL_KALBOS codes (repeatable).</summary>
    [FromQuery(Name = "language")]
    public string[]? Language { get; init; }

    /// <summary>Forms of study, KL_STUDIJU_FORMOS codes (repeatable).</summary>
    [FromQuery(Name = "form")]
    public string[]? Form { get; init; }

    /// <summary>Registered on or after this date (yyyy-MM-dd).</summary>
    [FromQuery(Name = "registeredFrom")]
    public string? RegisteredFrom { get; init; }

    /// <summary>Registered on or before this date (yyyy-MM-dd).</summary>
    [FromQuery(Name = "registeredTo")]
    public string? RegisteredTo { get; init; }

    /// <summary>Changed (any write) at or after this instant (ISO 8601 with offset, or a date meaning its start in UTC).</summary>
    [FromQuery(Name = "changedSince")]
    public string? ChangedSince { get; init; }

    /// <summary>Order: relevance (the default with q), created (the default without q), code, -code, name, -name, registeredOn, -registeredOn, changedAt, -changedAt. Paging is by keyset: records inserted or changed during a walk never make another record repeat or go missing; only a record whose own sort key changes mid-walk (its name under name, its text under relevance, any write under changedAt) may move to where its new key puts it.</summary>
    [FromQuery(Name = "sort")]
    public string? Sort { get; init; }

    /// <summary>Comma-separated fields to count values of under the current filters: kind, status, provider (the owner), fieldGroup, studyField, iscedF (detailed fields), ltksLevel, eqfLevel, cycle, studyType, language, form. A record counts once per value; values of list fields (iscedF, language, form) may add up to more than the total.</summary>
    [FromQuery(Name = "facets")]
    public string[]? Facets { get; init; }

    /// <summary>true: include the exact number of matching records.</summary>
    [FromQuery(Name = "total")]
    public string? Total { get; init; }

    /// <summary>Opaque cursor from the previous page's <c>next</c>.</summary>
    [FromQuery(Name = "cursor")]
    public string? Cursor { get; init; }

    /// <summary>Page size, 1–500 (default 50).</summary>
    [FromQuery(Name = "limit")]
    public int? Limit { get; init; }
}
