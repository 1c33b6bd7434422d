using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Smpkr.Api.Problems;
using Smpkr.Api.Register;

namespace Smpkr.Api.Search;

/// <summary>The orders a search can return; each is a keyset over one key and the record id.</summary>
public enum SearchSort
{
    Relevance,
    Created,
    Code,
    CodeDescending,
    Name,
    NameDescending,
    RegisteredOn,
    RegisteredOnDescending,
    ChangedAt,
    ChangedAtDescending,
}

/// <summary>A checked search: text, filters, order, facets and page position.</summary>
public sealed partial record SearchRequest
{
    public const int MaxQueryLength = 200;
    public const int MaxWords = 10;

    public static readonly IReadOnlyDictionary<string, SearchSort> Sorts = new Dictionary<string, SearchSort>(StringComparer.Ordinal)
    {
        ["relevance"] = SearchSort.Relevance,
        ["created"] = SearchSort.Created,
        ["code"] = SearchSort.Code,
        ["-code"] = SearchSort.CodeDescending,
        ["name"] = SearchSort.Name,
        ["-name"] = SearchSort.NameDescending,
        ["registeredOn"] = SearchSort.RegisteredOn,
        ["-registeredOn"] = SearchSort.RegisteredOnDescending,
        ["changedAt"] = SearchSort.ChangedAt,
        ["-changedAt"] = SearchSort.ChangedAtDescending,
    };

    public static readonly IReadOnlyList<string> FacetNames =
        ["kind", "status", "provider", "fieldGroup", "studyField", "iscedF", "ltksLevel", "eqfLevel", "cycle", "studyType", "language", "form"];

    /// <summary>The text as sent (trimmed); null when there is none.</summary>
    public string? Text { get; init; }

    /// <summary>The words of <see cref="Text"/>: letters and digits only, so nothing in them is syntax.</summary>
    public IReadOnlyList<string> Words { get; init; } = [];

    public IReadOnlyList<string> Kinds { get; init; } = [];

    public IReadOnlyList<RecordStatus> Statuses { get; init; } = [];

    public IReadOnlyList<string> Providers { get; init; } = [];

    public IReadOnlyList<string> FieldGroups { get; init; } = [];

    public IReadOnlyList<string> StudyFields { get; init; } = [];

    public IReadOnlyList<string> IscedF { get; init; } = [];

    public IReadOnlyList<string> LtksLevels { get; init; } = [];

    public IReadOnlyList<int> EqfLevels { get; init; } = [];

    public IReadOnlyList<string> Cycles { get; init; } = [];

    public IReadOnlyList<string> StudyTypes { get; init; } = [];

    public IReadOnlyList<string> Languages { get; init; } = [];

    public IReadOnlyList<string> Forms { get; init; } = [];

    public DateOnly? RegisteredFrom { get; init; }

    public DateOnly? RegisteredTo { get; init; }

    public DateTimeOffset? ChangedSince { get; init; }

    public SearchSort Sort { get; init; } = SearchSort.Created;

    public IReadOnlyList<string> Facets { get; init; } = [];

    public bool Total { get; init; }

    public SearchCursor? After { get; init; }

    public int Limit { get; init; } = RecordFilter.DefaultLimit;

    /// <summary>
    /// Checks every parameter of <paramref name="query"/>; each broken one is added to
    /// <paramref name="errors"/> under its own name, and the result is then not to be used.
    /// </summary>
    public static SearchRequest Parse(SearchQuery query, ISearchableType type, ClassifierCatalog.Snapshot classifiers, List<FieldError> errors, SearchSort listedBy = SearchSort.Created)
    {
        var text = query.Q?.Trim();
        IReadOnlyList<string> words = [];
        if (!string.IsNullOrEmpty(text))
        {
            if (text.Length > MaxQueryLength)
            {
                errors.Add(new FieldError("q", "q.too-long", $"Use at most {MaxQueryLength} characters."));
            }
            else if (text.Any(char.IsControl))
            {
                errors.Add(new FieldError("q", "q.control-characters", "The search text may not contain control characters."));
            }

            text = Composed(text);
            words = [.. WordPattern().Matches(text).Select(m => m.Value.Length > 64 ? m.Value[..64] : m.Value).Take(MaxWords)];
        }
        else
        {
            text = null;
        }

        var statuses = new List<RecordStatus>();
        foreach (var value in query.Status ?? [])
        {
            if (Enum.TryParse<RecordStatus>(value, ignoreCase: true, out var parsed) && value.All(char.IsLetter))
            {
                statuses.Add(parsed);
            }
            else
            {
                errors.Add(new FieldError("status", "filter.unknown-value", $"'{value}' is not a status: use draft, submitted, registered or deregistered."));
            }
        }

        foreach (var value in query.Kind ?? [])
        {
            if (!type.Kinds.Contains(value))
            {
                errors.Add(new FieldError("kind", "filter.unknown-value", type.Kinds.Count == 0
                    ? $"'{value}' is not a kind: {type.Resource} have no kinds."
                    : $"'{value}' is not a kind: use {string.Join(", ", type.Kinds)}."));
            }
        }

        foreach (var value in query.Provider ?? [])
        {
            if (!ProviderPattern().IsMatch(value))
            {
                errors.Add(new FieldError("provider", "filter.unknown-value", $"'{value}' is not a provider code (1–32 letters, digits and hyphens)."));
            }
        }

        var eqf = new List<int>();
        foreach (var value in query.EqfLevel ?? [])
        {
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level is >= 1 and <= 8)
            {
                eqf.Add(level);
            }
            else
            {
                errors.Add(new FieldError("eqfLevel", "filter.unknown-value", $"'{value}' is not an EQF level: use 1–8."));
            }
        }

        var iscedF = Classified("iscedF", query.IscedF, "KL_ISCED_F", classifiers, errors);
        foreach (var value in iscedF.Where(v => v.Length is < 2 or > 4))
        {
            errors.Add(new FieldError("iscedF", "filter.unknown-value", $"'{value}' is not an ISCED-F field of 2–4 digits."));
        }

        var sort = text is null ? listedBy : SearchSort.Relevance;
        if (query.Sort is { } sortName)
        {
            if (!Sorts.TryGetValue(sortName, out sort))
            {
                errors.Add(new FieldError("sort", "sort.unknown", $"'{sortName}' is not a sort order: use {string.Join(", ", Sorts.Keys)}."));
            }
            else if (sort == SearchSort.Relevance && text is null)
            {
                errors.Add(new FieldError("sort", "sort.relevance-without-q", "Sorting by relevance needs a search text in q."));
            }
        }

        var facets = new List<string>();
        foreach (var name in (query.Facets ?? []).SelectMany(f => f.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!FacetNames.Contains(name))
            {
                errors.Add(new FieldError("facets", "facet.unknown", $"'{name}' is not a facet: use {string.Join(", ", FacetNames)}."));
            }
            else if (!facets.Contains(name))
            {
                facets.Add(name);
            }
        }

        var total = false;
        if (query.Total is { } totalText && !bool.TryParse(totalText, out total))
        {
            errors.Add(new FieldError("total", "value.not-boolean", $"'{totalText}' is not true or false."));
        }

        var request = new SearchRequest
        {
            Text = text,
            Words = words,
            Kinds = query.Kind ?? [],
            Statuses = statuses,
            Providers = query.Provider ?? [],
            FieldGroups = Classified("fieldGroup", query.FieldGroup, "KL_STUDIJU_KRYPCIU_GRUPES", classifiers, errors),
            StudyFields = Classified("studyField", query.StudyField, "KL_STUDIJU_KRYPTYS", classifiers, errors),
            IscedF = iscedF,
            LtksLevels = Classified("ltksLevel", query.LtksLevel, "KL_LTKS", classifiers, errors),
            EqfLevels = eqf,
            Cycles = Classified("cycle", query.Cycle, "KL_STUDIJU_PAKOPOS", classifiers, errors),
            StudyTypes = Classified("studyType", query.StudyType, "KL_STUDIJU_RUSYS", classifiers, errors),
            Languages = Classified("language", query.Language, "KL_KALBOS", classifiers, errors),
            Forms = Classified("form", query.Form, "KL_STUDIJU_FORMOS", classifiers, errors),
            RegisteredFrom = Date("registeredFrom", query.RegisteredFrom, errors),
            RegisteredTo = Date("registeredTo", query.RegisteredTo, errors),
            ChangedSince = Instant("changedSince", query.ChangedSince, errors),
            Sort = sort,
            Facets = facets,
            Total = total,
            Limit = Pages.Limit(query.Limit, errors),
        };

        if (request.RegisteredFrom > request.RegisteredTo)
        {
            errors.Add(new FieldError("registeredTo", "dates.out-of-order", "registeredTo is before registeredFrom."));
        }

        if (query.Cursor is { } cursor)
        {
            var after = SearchCursor.Read(cursor, request.Sort, request.Fingerprint());
            if (after is null)
            {
                errors.Add(new FieldError("cursor", "cursor.invalid", "This cursor was not issued by this list with these parameters; start again without it."));
            }

            request = request with { After = after };
        }

        return request;
    }

    /// <summary>
    /// A short digest of what decides the order and membership of the list (not the page size or
    /// facets): a cursor is only valid for the search that issued it.
    /// </summary>
    public string Fingerprint()
    {
        var canonical = string.Join('\u001f',
            Text ?? string.Empty, Sort.ToString(),
            string.Join(',', Kinds), string.Join(',', Statuses), string.Join(',', Providers), string.Join(',', FieldGroups),
            string.Join(',', StudyFields), string.Join(',', IscedF), string.Join(',', LtksLevels), string.Join(',', EqfLevels),
            string.Join(',', Cycles), string.Join(',', StudyTypes), string.Join(',', Languages), string.Join(',', Forms),
            RegisteredFrom?.ToString("O", CultureInfo.InvariantCulture), RegisteredTo?.ToString("O", CultureInfo.InvariantCulture),
            ChangedSince?.UtcTicks.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)).AsSpan(0, 6));
    }

    private static string[] Classified(string name, string[]? values, string classifier, ClassifierCatalog.Snapshot classifiers, List<FieldError> errors)
    {
        foreach (var value in values ?? [])
        {
            if (classifiers.Find(classifier, value) is null)
            {
                errors.Add(new FieldError(name, "filter.unknown-value", $"'{value}' is not a code of {classifier}."));
            }
        }

        return values ?? [];
    }

    private static DateOnly? Date(string name, string? value, List<FieldError> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(new FieldError(name, "value.not-date", $"'{value}' is not a date (yyyy-MM-dd)."));
        return null;
    }

    private static DateTimeOffset? Instant(string name, string? value, List<FieldError> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        if (value.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            && instant.Year is >= 1900 and <= 9999)
        {
            return instant.ToUniversalTime();
        }

        errors.Add(new FieldError(name, "value.not-timestamp", $"'{value}' is not an ISO 8601 timestamp (e.g. 2026-01-31T12:00:00Z) or a date."));
        return null;
    }

    /// <summary>Diacritics typed as combining marks become the precomposed letters the index holds; text that cannot be normalized (lone surrogates) stays as it is.</summary>
    private static string Composed(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    [GeneratedRegex(@"[\p{L}\p{M}\p{N}]+")]
    private static partial Regex WordPattern();

    [GeneratedRegex("^[A-Za-z0-9-]{1,32}$")]
    private static partial Regex ProviderPattern();
}
